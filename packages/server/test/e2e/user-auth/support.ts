/**
 * Shared pieces of the USER_AUTH suites: an SMS gateway standing in for the operator's provider
 * (the server's SMS webhook posts to it), pools that allow passwordless first factors, and users
 * with a verified email and phone number.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../../support/server.js';
import type { SmtpReceiver } from '../../support/smtp.js';

export const PASSWORD = 'Corr3ct-Horse!';

export interface Pool {
  poolId: string;
  clientId: string;
}

/** An HTTP server receiving the SMS webhook's posts; `code(to)` waits for the next text to `to`. */
export class SmsGateway {
  readonly texts: { to: string; text: string }[] = [];
  private readonly taken = new Map<string, number>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<SmsGateway> {
    let gateway: SmsGateway | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const { to, text } = JSON.parse(body) as { to: string; text: string };
        gateway!.texts.push({ to, text });
        res.end('{}');
      });
    });
    gateway = new SmsGateway(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return gateway;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
  }

  count(to: string): number {
    return this.texts.filter((t) => t.to === to).length;
  }

  /** The code in the next text to `to` not read before (waits up to 5 s). */
  async code(to: string): Promise<string> {
    const seen = this.taken.get(to) ?? 0;
    for (let i = 0; i < 200; i++) {
      const received = this.texts.filter((t) => t.to === to);
      if (received.length > seen) {
        this.taken.set(to, seen + 1);
        return /\b(\d{6})\b/.exec(received[seen]!.text)?.[1] ?? assert.fail(`no code in ${received[seen]!.text}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return assert.fail(`the gateway received no text to ${to}`);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The code in the next mail to `to` not read before, from the real SMTP receiver. */
export function mailCodes(smtp: SmtpReceiver) {
  const taken = new Set<string>();
  return async (to: string): Promise<string> => {
    const mail = await smtp.waitFor((m) => m.to.includes(to) && !taken.has(m.raw));
    taken.add(mail.raw);
    return /\b(\d{6})\b/.exec(mail.text)?.[1] ?? assert.fail(`no code in ${mail.text}`);
  };
}

/** A pool allowing `factors` as first factors and a client allowing USER_AUTH (and refresh). */
export async function passwordlessPool(server: TestServer, factors = ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP'], pool: Partial<CreateUserPoolCommandInput> = {}, client: Partial<CreateUserPoolClientCommandInput> = {}): Promise<Pool> {
  const poolId = (
    await server.admin.send(
      new CreateUserPoolCommand({
        PoolName: 'passwordless',
        AutoVerifiedAttributes: ['email'],
        Policies: { SignInPolicy: { AllowedFirstAuthFactors: factors as never } },
        SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/cognate-sms' },
        ...pool,
      }),
    )
  ).UserPool!.Id!;
  const clientId = (
    await server.admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'app',
        PreventUserExistenceErrors: 'ENABLED',
        ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        ...client,
      }),
    )
  ).UserPoolClient!.ClientId!;
  return { poolId, clientId };
}

/** A confirmed user with a password and, as given, a verified email and phone number. */
export async function passwordlessUser(server: TestServer, pool: Pool, username: string, p: { email?: string; phone?: string; verified?: boolean } = {}): Promise<void> {
  const verified = String(p.verified ?? true);
  const attributes = [
    ...(p.email ? [{ Name: 'email', Value: p.email }, { Name: 'email_verified', Value: verified }] : []),
    ...(p.phone ? [{ Name: 'phone_number', Value: p.phone }, { Name: 'phone_number_verified', Value: verified }] : []),
  ];
  await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes: attributes }));
  await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: username, Password: PASSWORD, Permanent: true }));
}

/** A call that must fail: its error's name and message. */
export async function fails(fn: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  return assert.fail('expected the call to fail');
}
