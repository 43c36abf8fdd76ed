/**
 * The messages Cognito sends, with the pool's templates (`{####}` is the code, `{username}` the
 * username) and Cognito's defaults, and where they go (CodeDeliveryDetails).
 */
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Outbox } from '../messaging/outbox.js';
import type { CodePurpose, Codes } from './codes.js';
import type { UserPool } from './user-pools.js';
import type { User } from './users.js';

export interface CodeDeliveryDetails {
  Destination: string;
  DeliveryMedium: 'EMAIL' | 'SMS';
  AttributeName: string;
}

const DEFAULT_CODE_MESSAGE = 'Your verification code is {####}. ';
const DEFAULT_CODE_SUBJECT = 'Your verification code';

/** `j***@e***` and `+*******1234`, as Cognito masks destinations. */
export function maskDestination(medium: 'EMAIL' | 'SMS', value: string): string {
  if (medium === 'SMS') return '+' + '*'.repeat(Math.max(0, value.length - 5)) + value.slice(-4);
  const at = value.lastIndexOf('@');
  return `${value.slice(0, 1)}***@${value.slice(at + 1, at + 2)}***`;
}

/**
 * Where a code for `user` goes: SMS to phone_number when the pool verifies phone numbers (Cognito
 * prefers SMS when both are auto-verified), else email. `verifiedOnly` limits the choice to verified
 * values (account recovery). Returns undefined when there is no such destination.
 */
export function codeDestination(pool: UserPool, user: Pick<User, 'attributes'>, opts: { verifiedOnly?: boolean; attribute?: 'email' | 'phone_number' } = {}): { medium: 'EMAIL' | 'SMS'; attribute: 'email' | 'phone_number'; to: string } | undefined {
  const auto = pool.settings.AutoVerifiedAttributes ?? [];
  const candidates: ('email' | 'phone_number')[] = opts.attribute ? [opts.attribute] : auto.includes('phone_number') ? ['phone_number', 'email'] : ['email', 'phone_number'];
  for (const attribute of candidates) {
    const to = user.attributes.get(attribute);
    if (!to) continue;
    if (opts.verifiedOnly && user.attributes.get(`${attribute}_verified`) !== 'true') continue;
    if (!opts.attribute && !opts.verifiedOnly && !auto.includes(attribute)) continue;
    return { medium: attribute === 'email' ? 'EMAIL' : 'SMS', attribute, to };
  }
  return undefined;
}

// Function replacers: a username like `$&` must come out as written, not as a replacement pattern.
const fill = (template: string, code: string, username: string) => template.replaceAll('{####}', () => code).replaceAll('{username}', () => username);

/** Queues a verification-code message in the caller's transaction and describes its delivery. */
export async function queueCodeMessage(
  outbox: Outbox,
  trx: Transaction<Database>,
  p: { pool: UserPool; username: string; destination: { medium: 'EMAIL' | 'SMS'; attribute: string; to: string }; code: string; kind: string },
): Promise<CodeDeliveryDetails> {
  const s = p.pool.settings;
  const template = s.VerificationMessageTemplate;
  if (p.destination.medium === 'EMAIL') {
    await outbox.enqueue(trx, {
      poolId: p.pool.id,
      channel: 'email',
      to: p.destination.to,
      kind: p.kind,
      subject: template.EmailSubject ?? s.EmailVerificationSubject ?? DEFAULT_CODE_SUBJECT,
      text: fill(template.EmailMessage ?? s.EmailVerificationMessage ?? DEFAULT_CODE_MESSAGE, p.code, p.username),
    });
  } else {
    await outbox.enqueue(trx, {
      poolId: p.pool.id,
      channel: 'sms',
      to: p.destination.to,
      kind: p.kind,
      text: fill(template.SmsMessage ?? s.SmsVerificationMessage ?? DEFAULT_CODE_MESSAGE, p.code, p.username),
    });
  }
  return { Destination: maskDestination(p.destination.medium, p.destination.to), DeliveryMedium: p.destination.medium, AttributeName: p.destination.attribute };
}

/**
 * Issues a code of `purpose` and queues the message carrying it, both in the caller's transaction
 * (the code is live only if its message will go out). Call `outbox.kick()` after commit.
 */
export async function sendCode(
  services: { codes: Codes; outbox: Outbox },
  trx: Transaction<Database>,
  p: { pool: UserPool; userId: string; username: string; purpose: CodePurpose; destination: { medium: 'EMAIL' | 'SMS'; attribute: string; to: string }; kind: string },
  now: number,
): Promise<CodeDeliveryDetails> {
  const code = await services.codes.issue(trx, { poolId: p.pool.id, userId: p.userId, purpose: p.purpose }, now);
  return queueCodeMessage(services.outbox, trx, { pool: p.pool, username: p.username, destination: p.destination, code, kind: p.kind });
}
