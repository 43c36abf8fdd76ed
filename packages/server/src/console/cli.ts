/**
 * `cognate console-user list` names the console users; `console-user delete --username <name>`
 * removes one and ends their sessions (audited, actor `cli`); `console-user create --username
 * <name>` makes one (console/auth.ts). Its password is read from standard input (one line;
 * `--password-stdin` is implied when stdin is not a terminal) or asked for without echo, never
 * taken as a flag (flags end up in shell history and process lists). The new TOTP secret is
 * printed once, with its otpauth:// URI, for an authenticator app.
 */
import type { Command } from 'commander';
import type { FlagValues } from '../config.js';
import type { Cognate } from '../domain/cognate.js';
import { consoleUsers, createConsoleUser, deleteConsoleUser } from './auth.js';

async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write('Password (at least 12 characters): ');
  stdin.setRawMode(true);
  let typed = '';
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.off('data', onData);
          stdin.pause();
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          reject(new Error('cancelled'));
          return;
        }
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** Registers `console-user create | list | delete` on the program (cli.ts). */
export function registerConsoleUserCommand(
  program: Command,
  withConfigFlags: (cmd: Command) => Command,
  withCognate: <T>(flags: FlagValues, fn: (cognate: Cognate) => Promise<T>) => Promise<T>,
): void {
  const group = program.command('console-user').description('people who may sign in to the admin console (/console)');
  withConfigFlags(group.command('create').description('create a console user (password from standard input; prints the TOTP secret once)'))
    .requiredOption('--username <name>', 'the console user name')
    .action(async (flags: FlagValues & { username: string }) => {
      const password = await readPassword();
      await withCognate(flags, async (cognate) => {
        const created = await createConsoleUser(cognate, flags.username, password);
        process.stdout.write(`created console user ${created.username}\nTOTP secret: ${created.totpSecret}\n${created.otpauthUri}\n`);
      });
    });
  withConfigFlags(group.command('list').description('list the console users (name and creation time)')).action(async (flags: FlagValues) => {
    await withCognate(flags, async (cognate) => {
      for (const user of await consoleUsers(cognate)) process.stdout.write(`${user.username}\t${new Date(user.created_at).toISOString()}\n`);
    });
  });
  withConfigFlags(group.command('delete').description('delete a console user and end their sessions'))
    .requiredOption('--username <name>', 'the console user name')
    .action(async (flags: FlagValues & { username: string }) => {
      await withCognate(flags, async (cognate) => {
        const deleted = await deleteConsoleUser(cognate, flags.username, 'cli');
        if (!deleted) {
          process.stderr.write(`no console user named ${flags.username}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`deleted console user ${flags.username}; their sessions are over\n`);
      });
    });
}
