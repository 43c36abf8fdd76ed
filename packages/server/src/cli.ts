#!/usr/bin/env node
/**
 * The `cognate` command: start the server, create pools and clients, import users with their
 * password hashes, create identity pools with their roles, read the development outbox, and write
 * an `awsconfiguration.json` for apps.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import pino from 'pino';
import { loadConfig, options, type FlagValues } from './config.js';
import { CognitoError } from './errors.js';
import { createCognate, type Cognate } from './app.js';
import { createAppClient, createUserPool } from './domain/pool-admin.js';
import { loadServiceModel, validateInput, type ServiceName } from './protocol/model.js';
import { detectFormat, importUsersFile, type FileFormat } from './domain/user-import.js';
import { start } from './start.js';
import { openStore } from './store/db.js';
import { migrateToLatest } from './store/migrations.js';
import { identityPoolInput, setUpIdentityPool } from './identity/setup.js';
import { registerConsoleUserCommand } from './console/cli.js';

const program = new Command('cognate').description('Cognate: a self-hosted Amazon Cognito').showHelpAfterError();

/** Adds every configuration option from the typed defaults module as a flag. */
function withConfigFlags(cmd: Command): Command {
  cmd.option('--config <file>', 'JSON configuration file (defaults < file < environment < flags)');
  for (const [key, option] of Object.entries(options)) {
    const flag = new Option(option.flag, `${option.doc} [env ${option.env}]`).default(undefined);
    flag.attributeName = () => key;
    cmd.addOption(flag);
  }
  return cmd;
}

/**
 * The input of an API operation the command performs, checked against the API model as a request
 * to the API would be (protocol/model.ts) before the domain sees it: the command refuses what the
 * API refuses, with the same message.
 */
function asTheApiChecks<T extends object>(operation: string, input: T, service: ServiceName = 'cognito-idp'): T {
  const model = loadServiceModel(service);
  validateInput(model, model.operation(operation)!, input);
  return input;
}

/** Runs `fn` with a domain opened on the configured database (no HTTP listener). */
async function withCognate<T>(flags: FlagValues, fn: (cognate: Cognate) => Promise<T>): Promise<T> {
  const config = loadConfig(flags);
  const cognate = await createCognate({ ...config, printOutbox: false }, pino({ level: 'warn' }), { generateAdminCredentials: false });
  try {
    return await fn(cognate);
  } finally {
    await cognate.close();
  }
}

withConfigFlags(program.command('start').description('start the server (--workers N: N processes sharing the port; default one per core)')).action(async (flags: FlagValues) => {
  await start(loadConfig(flags));
});

withConfigFlags(program.command('migrate').description('bring the database schema up to date')).action(async (flags: FlagValues) => {
  const config = loadConfig(flags);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: false });
  const applied = await migrateToLatest(store.db);
  await store.close();
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the schema is up to date\n');
});

const pool = program.command('pool').description('user pools');
withConfigFlags(pool.command('create').description('create a user pool'))
  .requiredOption('--name <name>', 'pool name')
  .option('--username-attributes <attrs>', 'sign in with email and/or phone_number instead of a username (comma-separated)')
  .option('--auto-verify <attrs>', 'attributes verified by code at sign-up (comma-separated; default email)', 'email')
  .action(async (flags: FlagValues & { name: string; usernameAttributes?: string; autoVerify: string }) => {
    await withCognate(flags, async (cognate) => {
      const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
      const input = { PoolName: flags.name, ...(flags.usernameAttributes ? { UsernameAttributes: list(flags.usernameAttributes) } : {}), AutoVerifiedAttributes: list(flags.autoVerify) ?? [] };
      const created = await createUserPool(cognate, asTheApiChecks('CreateUserPool', input));
      process.stdout.write(`${created.id}\n`);
    });
  });

const client = program.command('client').description('app clients');
withConfigFlags(client.command('create').description('create an app client'))
  .requiredOption('--pool <id>', 'user pool ID')
  .option('--name <name>', 'client name', 'app')
  .option('--secret', 'generate a client secret')
  .option('--flows <flows>', 'ExplicitAuthFlows (comma-separated)', 'ALLOW_USER_SRP_AUTH,ALLOW_USER_PASSWORD_AUTH,ALLOW_REFRESH_TOKEN_AUTH')
  .action(async (flags: FlagValues & { pool: string; name: string; secret?: boolean; flows: string }) => {
    await withCognate(flags, async (cognate) => {
      const input = { UserPoolId: flags.pool, ClientName: flags.name, GenerateSecret: !!flags.secret, ExplicitAuthFlows: flags.flows.split(',').map((f) => f.trim()), PreventUserExistenceErrors: 'ENABLED' as const };
      const created = await createAppClient(cognate, asTheApiChecks('CreateUserPoolClient', input));
      process.stdout.write(created.secret ? `${created.id} ${created.secret}\n` : `${created.id}\n`);
    });
  });

const keys = program.command('keys').description('token-signing keys');
withConfigFlags(keys.command('rotate').description("rotate signing keys: a new key signs from now on; the old one stays in the JWKS until the tokens it signed have expired"))
  .option('--pool <id>', 'the user pool whose key rotates')
  .option('--all', 'every user pool')
  .option('--identity', "the identity pools' OpenID token key")
  .action(async (flags: FlagValues & { pool?: string; all?: boolean; identity?: boolean }) => {
    if (!flags.pool && !flags.all && !flags.identity) throw new CognitoError('InvalidParameterException', 'name what to rotate: --pool <id>, --all or --identity');
    await withCognate(flags, async (cognate) => {
      const targets: string[] = [];
      if (flags.pool) targets.push((await cognate.pools.get(flags.pool)).id);
      if (flags.all) {
        for (let page = await cognate.pools.list(60); ; page = await cognate.pools.list(60, page.next)) {
          targets.push(...page.pools.map((p) => p.id));
          if (!page.next) break;
        }
      }
      if (flags.identity) targets.push('');
      for (const poolId of targets) {
        const rotation = await cognate.keys.rotate(poolId, cognate.clock.now());
        if (!rotation) continue;
        const until = new Date(rotation.unpublishAt).toISOString();
        process.stdout.write(`${poolId || 'identity'}: ${rotation.kid} signs now${rotation.retired.length ? `; ${rotation.retired.join(', ')} retired, in the JWKS until ${until}` : ''}${rotation.removed.length ? `; ${rotation.removed.join(', ')} removed` : ''}\n`);
      }
    });
  });

const identityPool = program.command('identity-pool').description('identity pools (federated identities)');
/** A policy given as JSON text or as @file. */
const policyArg = (v: string | undefined) => (v === undefined ? undefined : v.startsWith('@') ? readFileSync(v.slice(1), 'utf8') : v);
withConfigFlags(identityPool.command('create').description('create an identity pool with an authenticated and an unauthenticated role'))
  .requiredOption('--name <name>', 'identity pool name')
  .option('--allow-guests', 'allow unauthenticated (guest) identities')
  .option('--provider <userPoolId:clientId>', 'a user pool app client whose users sign in (repeatable)', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--developer-provider <name>', 'developer provider name (developer-authenticated identities)')
  .option('--auth-policy <json|@file>', 'IAM-style policy of the authenticated role')
  .option('--unauth-policy <json|@file>', 'IAM-style policy of the unauthenticated role')
  .action(async (flags: FlagValues & { name: string; allowGuests?: boolean; provider: string[]; developerProvider?: string; authPolicy?: string; unauthPolicy?: string }) => {
    await withCognate(flags, async (cognate) => {
      const setup = {
        name: flags.name,
        allowGuests: !!flags.allowGuests,
        providers: flags.provider,
        ...(flags.developerProvider ? { developerProviderName: flags.developerProvider } : {}),
        ...(flags.authPolicy ? { authPolicy: policyArg(flags.authPolicy)! } : {}),
        ...(flags.unauthPolicy ? { unauthPolicy: policyArg(flags.unauthPolicy)! } : {}),
      };
      asTheApiChecks('CreateIdentityPool', identityPoolInput(cognate.config.region, setup), 'cognito-identity');
      const out = await setUpIdentityPool(cognate, setup);
      process.stdout.write(`${out.pool.IdentityPoolId as string}\n${out.authRoleArn}\n${out.unauthRoleArn}\n`);
    });
  });

const users = program.command('users').description('the users of a pool');
withConfigFlags(
  users
    .command('import')
    .description(
      'import users with their existing password hashes (bcrypt, scrypt, PBKDF2, argon2) from CSV (GetCSVHeader columns plus password_hash) or JSON lines; all or nothing',
    )
    .argument('<file>', 'a .csv or .jsonl file'),
)
  .requiredOption('--pool <id>', 'user pool ID')
  .option('--format <format>', 'csv or jsonl (default: from the file name, else from its content)')
  .action(async (file: string, flags: FlagValues & { pool: string; format?: string }) => {
    if (flags.format !== undefined && flags.format !== 'csv' && flags.format !== 'jsonl') throw new Error(`--format must be csv or jsonl, not ${flags.format}`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new Error(`can't read ${file}: ${(e as Error).message}`);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new Error(`${file} is not UTF-8 text`);
    }
    await withCognate(flags, async (cognate) => {
      const bar = progressBar(process.stderr);
      const result = await importUsersFile(cognate, flags.pool, text, (flags.format as FileFormat | undefined) ?? detectFormat(file, text), bar.update);
      bar.done();
      if ('imported' in result) {
        process.stdout.write(`imported ${result.imported} user${result.imported === 1 ? '' : 's'}\n`);
        return;
      }
      const shown = result.rejected.slice(0, 1000);
      process.stderr.write(`cognate: ${result.rejected.length} of ${result.rows} rows rejected; nothing was imported\n`);
      for (const r of shown) process.stderr.write(`  line ${r.line}: ${r.reason}\n`);
      if (result.rejected.length > shown.length) process.stderr.write(`  … and ${result.rejected.length - shown.length} more\n`);
      process.exitCode = 1;
    });
  });

/** A one-line progress bar on a terminal; nothing when the stream isn't one (a pipe, a file). */
function progressBar(stream: NodeJS.WriteStream): { update: (phase: string, done: number, total: number) => void; done: () => void } {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = '';
  return {
    update(phase, done, total) {
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      const line = `${phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
      if (line !== last) stream.write(`\r${line}`);
      last = line;
    },
    done() {
      if (last) stream.write('\r\x1b[K');
    },
  };
}

withConfigFlags(program.command('outbox').description('show the newest messages (development outbox)'))
  .option('--pool <id>', 'only this user pool')
  .option('--limit <n>', 'how many', '20')
  .option('--json', 'print JSON')
  .action(async (flags: FlagValues & { pool?: string; limit: string; json?: boolean }) => {
    await withCognate(flags, async (cognate) => {
      const messages = await cognate.outbox.recent(Number(flags.limit), flags.pool);
      if (flags.json) {
        process.stdout.write(JSON.stringify(messages, null, 2) + '\n');
        return;
      }
      if (messages.length === 0) process.stdout.write('the outbox is empty\n');
      for (const m of messages) {
        const state = m.deliveredAt ? `delivered by ${m.deliveredBy}` : m.failedAt ? `failed: ${m.lastError}` : 'pending';
        process.stdout.write(`${new Date(m.createdAt).toISOString()}  ${m.channel} to ${m.to}  [${m.kind}, ${state}]\n`);
        if (m.subject) process.stdout.write(`  subject: ${m.subject}\n`);
        process.stdout.write(`  ${m.text.replace(/\n/g, '\n  ')}\n\n`);
      }
    });
  });

withConfigFlags(program.command('config').description('write an awsconfiguration.json pointing at this server'))
  .requiredOption('--pool <id>', 'user pool ID')
  .requiredOption('--client <id>', 'app client ID')
  .option('--identity-pool <id>', 'identity pool ID: adds the CredentialsProvider section')
  .option('--out <file>', 'output file (default: standard output)')
  .action(async (flags: FlagValues & { pool: string; client: string; identityPool?: string; out?: string }) => {
    await withCognate(flags, async (cognate) => {
      const target = await cognate.pools.get(flags.pool);
      const identity = flags.identityPool ? await cognate.identity.pools.get(flags.identityPool) : undefined;
      const app = await cognate.clients.get(target.id, flags.client);
      const region = target.id.slice(0, target.id.indexOf('_'));
      const doc = {
        Version: '1.0',
        IdentityManager: { Default: {} },
        ...(identity ? { CredentialsProvider: { CognitoIdentity: { Default: { PoolId: identity.id, Region: identity.id.slice(0, identity.id.indexOf(':')), Endpoint: cognate.config.publicUrl } } } } : {}),
        CognitoUserPool: {
          Default: {
            PoolId: target.id,
            AppClientId: app.id,
            ...(app.secret ? { AppClientSecret: app.secret } : {}),
            Region: region,
            Endpoint: cognate.config.publicUrl,
          },
        },
        Auth: { Default: { authenticationFlowType: 'USER_SRP_AUTH' } },
      };
      const text = JSON.stringify(doc, null, 2) + '\n';
      if (flags.out) writeFileSync(flags.out, text, { mode: app.secret ? 0o600 : 0o644 });
      else process.stdout.write(text);
    });
  });

registerConsoleUserCommand(program, withConfigFlags, withCognate);

program.parseAsync(process.argv).catch((e: unknown) => {
  // Cognito's errors carry their exception name, as the API's __type does.
  process.stderr.write(`cognate: ${e instanceof CognitoError ? `${e.name}: ${e.message}` : e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
