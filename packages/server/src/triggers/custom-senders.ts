/**
 * CustomEmailSender and CustomSMSSender (user-pool-lambda-custom-sender-triggers): the pool's own
 * function delivers its email or SMS messages instead of Cognate's SMTP or SMS transport.
 *
 * The function gets the code (or an invitation's temporary password), never the worded message,
 * and the code is encrypted. Cognito encrypts it for the AWS Encryption SDK under the pool's KMS
 * key (LambdaConfig.KMSKeyID); Cognate has no KMS, so it seals the code as a compact JWE (RFC 7516:
 * `alg` "dir", `enc` "A256GCM", `kid` the pool's KMSKeyID) under the 256-bit key the
 * `customSenderKeys` option holds for that KMSKeyID. Any JOSE library opens it — with jose,
 * `compactDecrypt(event.request.code, key)`. A pool can only name a KMSKeyID the server has a key
 * for, so a message can't be queued for a function that couldn't read it.
 *
 * Delivery goes through the outbox like any message: the function runs after the commit, a failed
 * run is retried with backoff, and every message is delivered at least once.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { errors } from '../errors.js';
import type { Config } from '../config.js';
import { TransportError, type MessageTransport, type OutboundMessage } from '../messaging/transports.js';
import { FunctionError, InvocationError, UnreadableAnswer, type TriggerFunctions } from './functions.js';
import { NO_CLIENT, triggerArn, type TriggerName } from './triggers.js';
import type { UserPool } from '../domain/user-pools.js';

export type SenderTrigger = Extract<TriggerName, 'CustomEmailSender' | 'CustomSMSSender'>;

/** What the outbox keeps (sealed) for a message a custom sender delivers. */
export interface CustomSenderRequest {
  trigger: SenderTrigger;
  arn: string;
  kmsKeyId: string;
  /** e.g. `CustomEmailSender_SignUp` */
  source: string;
  userName: string;
  clientId?: string;
  userAttributes: Record<string, string>;
  clientMetadata: Record<string, string> | null;
  /** the code in plain text: the outbox seals it at rest, the event carries it as a JWE */
  code: string;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** A `customSenderKeys` entry: 32 bytes, base64 or base64url. Undefined when absent or malformed. */
export function senderKey(config: Pick<Config, 'customSenderKeys'>, kmsKeyId: string): Buffer | undefined {
  const text = config.customSenderKeys[kmsKeyId];
  if (!text) return undefined;
  const key = Buffer.from(text, 'base64');
  return key.length === 32 ? key : undefined;
}

/** The code as a compact JWE: dir + A256GCM, the header (with `kid`) as additional data (RFC 7516 §5.1). */
export function sealSenderCode(key: Buffer, kid: string, code: string): string {
  const header = b64url(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid }));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
  return `${header}..${b64url(iv)}.${b64url(ciphertext)}.${b64url(cipher.getAuthTag())}`;
}

/** The pool's custom sender for a medium, if it has one. */
export function customSenderFor(pool: UserPool, medium: 'EMAIL' | 'SMS'): { trigger: SenderTrigger; arn: string; kmsKeyId: string } | undefined {
  const trigger: SenderTrigger = medium === 'EMAIL' ? 'CustomEmailSender' : 'CustomSMSSender';
  const arn = triggerArn(pool, trigger);
  if (!arn) return undefined;
  return { trigger, arn, kmsKeyId: String(pool.settings.LambdaConfig.KMSKeyID ?? '') };
}

/**
 * A LambdaConfig's custom senders must name a KMSKeyID the server holds a key for (CreateUserPool,
 * UpdateUserPool); Cognito likewise refuses custom senders without a KMS key.
 */
export function checkCustomSenders(config: Pick<Config, 'customSenderKeys'>, lambdaConfig: Record<string, unknown> | undefined): void {
  if (!lambdaConfig) return;
  const senders = (['CustomEmailSender', 'CustomSMSSender'] as const).filter((name) => lambdaConfig[name] !== undefined && lambdaConfig[name] !== null);
  if (senders.length === 0) return;
  for (const name of senders) {
    const sender = lambdaConfig[name] as { LambdaArn?: unknown; LambdaVersion?: unknown };
    if (typeof sender !== 'object' || typeof sender.LambdaArn !== 'string' || sender.LambdaArn === '') throw errors.invalidParameter(`${name} requires a LambdaArn.`);
    if (sender.LambdaVersion !== undefined && sender.LambdaVersion !== 'V1_0') throw errors.invalidParameter(`${name} LambdaVersion must be V1_0.`);
  }
  const kmsKeyId = lambdaConfig.KMSKeyID;
  if (typeof kmsKeyId !== 'string' || kmsKeyId === '') throw errors.invalidParameter('KMSKeyID is required when a custom sender trigger is configured.');
  if (!senderKey(config, kmsKeyId)) throw errors.invalidParameter(`KMSKeyID ${kmsKeyId} has no key in this server's customSenderKeys (32 bytes, base64).`);
}

/** The transport the outbox uses for messages a pool's custom sender delivers. */
export function customSenderTransport(triggers: TriggerFunctions, config: Pick<Config, 'customSenderKeys'>): MessageTransport {
  return {
    name: 'custom-sender',
    async send(message: OutboundMessage): Promise<void> {
      const request = message.customSender;
      if (!request) throw new TransportError(`message ${message.id} has no custom sender`, { permanent: true });
      const key = senderKey(config, request.kmsKeyId);
      if (!key) throw new TransportError(`no customSenderKeys entry for ${request.kmsKeyId}`, { permanent: true });
      const event = {
        version: '1',
        triggerSource: request.source,
        region: message.poolId.slice(0, message.poolId.indexOf('_')),
        userPoolId: message.poolId,
        userName: request.userName,
        callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: request.clientId ?? NO_CLIENT },
        request: {
          type: request.trigger === 'CustomEmailSender' ? 'customEmailSenderRequestV1' : 'customSMSSenderRequestV1',
          code: sealSenderCode(key, request.kmsKeyId, request.code),
          clientMetadata: request.clientMetadata,
          userAttributes: request.userAttributes,
        },
        response: {},
      };
      try {
        await triggers.invoke(request.arn, event);
      } catch (err) {
        // Its answer is not read: a function that ran has delivered the message.
        if (err instanceof UnreadableAnswer) return;
        // The function failed or didn't answer: the outbox tries again later.
        if (err instanceof FunctionError || err instanceof InvocationError) throw new TransportError(`${request.trigger} failed: ${err.message}`, { permanent: false });
        throw err;
      }
    },
  };
}
