/**
 * The transactional outbox: a message is written in the same transaction as the code or
 * password it carries, so a crash after commit still delivers it (security.md R02). A delivery
 * loop claims due messages with a lease (safe with several nodes), hands them to a transport and
 * retries transient failures with backoff; permanent failures and exhausted retries are marked
 * failed. Messages with no configured transport stay in the development outbox (`cognate outbox`).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.js';
import type { Sealer } from '../crypto/seal.js';
import type { Clock } from '../ports.js';
import { newId } from '../domain/ids.js';
import { isTransientStoreError } from '../store/faults.js';
import { TransportError, type MessageTransport, type OutboundMessage } from './transports.js';
import type { CustomSenderRequest } from '../triggers/custom-senders.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface MessageContent {
  subject?: string;
  text: string;
  html?: string;
  /** the pool's EmailConfiguration.From / ReplyToEmailAddress */
  from?: string;
  replyTo?: string;
  /** The pool's custom sender delivers it; the code inside is sealed at rest with the rest. */
  customSender?: CustomSenderRequest;
}

export interface NewMessage extends MessageContent {
  poolId: string;
  channel: 'email' | 'sms';
  to: string;
  kind: string;
}

export interface StoredMessage extends NewMessage {
  id: string;
  createdAt: number;
  deliveredAt: number | null;
  deliveredBy: string | null;
  attempts: number;
  lastError: string | null;
  failedAt: number | null;
}

/** Where messages go: by channel, to the pool's custom sender, or (neither) kept in the development outbox. */
export interface OutboxTransports {
  email?: MessageTransport;
  sms?: MessageTransport;
  /** development: shows messages that have no real transport */
  outbox?: MessageTransport;
  /** CustomEmailSender / CustomSMSSender functions */
  custom?: MessageTransport;
}

/** Attempts before a message is marked failed. */
export const MAX_DELIVERY_ATTEMPTS = 8;
const LEASE_MS = 30_000;
const backoffMs = (attempt: number) => Math.min(60_000 * 15, 1000 * 2 ** attempt);

export class Outbox {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly transports: OutboxTransports,
    private readonly log: Logger,
  ) {}

  /** Writes a message inside the caller's transaction; call {@link kick} after commit. */
  async enqueue(db: Db, message: NewMessage): Promise<string> {
    const id = newId();
    const now = this.clock.now();
    const content: MessageContent = { text: message.text, ...(message.subject ? { subject: message.subject } : {}), ...(message.html ? { html: message.html } : {}), ...(message.from ? { from: message.from } : {}), ...(message.replyTo ? { replyTo: message.replyTo } : {}), ...(message.customSender ? { customSender: message.customSender } : {}) };
    await db
      .insertInto('outbox')
      .values({
        id,
        pool_id: message.poolId,
        channel: message.channel,
        destination: message.to,
        kind: message.kind,
        content_sealed: this.sealer.sealToString(Buffer.from(JSON.stringify(content)), `outbox:${id}`),
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        delivered_at: null,
        delivered_by: null,
        last_error: null,
        failed_at: null,
      })
      .execute();
    return id;
  }

  /** Starts the delivery loop: now, on every kick, and every `intervalMs` for retries and other nodes' messages. */
  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Runs a delivery pass soon (coalescing concurrent kicks). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.deliverDue()
      // A database outage only postpones delivery: the next pass (every interval) tries again.
      .catch((e: unknown) =>
        isTransientStoreError(e) ? this.log.warn({ err: e }, 'outbox delivery pass skipped: the database is unavailable') : this.log.error({ err: e }, 'outbox delivery pass failed'),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * {@link kick}, once the current response is on its way (setImmediate): for paths whose timing
   * must not depend on whether a message was queued (issue 10, security.md P01). With SQLite the
   * delivery pass's queries run synchronously, so a plain kick would run part of it before the
   * answer is written.
   */
  kickLater(): void {
    setImmediate(() => this.kick()).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Delivers every due message once. */
  async deliverDue(): Promise<void> {
    const now = this.clock.now();
    const due = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('delivered_at', 'is', null)
      .where('failed_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(50)
      .execute();
    await Promise.all(due.map((row) => this.deliverOne(row)));
  }

  private async deliverOne(row: Database['outbox']): Promise<void> {
    const now = this.clock.now();
    // Claim with a lease: of several nodes seeing the same row, one wins the conditional update.
    const claim = await this.db
      .updateTable('outbox')
      .set({ next_attempt_at: now + LEASE_MS, attempts: row.attempts + 1 })
      .where('id', '=', row.id)
      .where('attempts', '=', row.attempts)
      .where('delivered_at', 'is', null)
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) return;
    const opened = this.sealer.openString(row.content_sealed, `outbox:${row.id}`);
    if (!opened) {
      await this.db.updateTable('outbox').set({ failed_at: now, last_error: 'content cannot be opened' }).where('id', '=', row.id).execute();
      return;
    }
    const content = JSON.parse(opened.toString('utf8')) as MessageContent;
    const message: OutboundMessage = { id: row.id, channel: row.channel as 'email' | 'sms', to: row.destination, poolId: row.pool_id, kind: row.kind, ...content };
    const transport = content.customSender ? this.transports.custom : ((row.channel === 'email' ? this.transports.email : this.transports.sms) ?? this.transports.outbox);
    try {
      if (transport) await transport.send(message);
      await this.db.updateTable('outbox').set({ delivered_at: this.clock.now(), delivered_by: transport?.name ?? 'outbox', last_error: null }).where('id', '=', row.id).execute();
    } catch (e) {
      const permanent = e instanceof TransportError && e.permanent;
      const attempts = row.attempts + 1;
      const failed = permanent || attempts >= MAX_DELIVERY_ATTEMPTS;
      const reason = e instanceof Error ? e.message.slice(0, 500) : 'delivery failed';
      this.log.warn({ messageId: row.id, channel: row.channel, attempts, permanent }, 'message delivery failed');
      await this.db
        .updateTable('outbox')
        .set({ last_error: reason, next_attempt_at: this.clock.now() + backoffMs(attempts), ...(failed ? { failed_at: this.clock.now() } : {}) })
        .where('id', '=', row.id)
        .execute();
    }
  }

  /** The newest messages, opened, for `cognate outbox` and tests. */
  async recent(limit = 20, poolId?: string): Promise<StoredMessage[]> {
    let q = this.db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').limit(limit);
    if (poolId) q = q.where('pool_id', '=', poolId);
    const rows = await q.execute();
    return rows.map((row) => {
      const opened = this.sealer.openString(row.content_sealed, `outbox:${row.id}`);
      const content = opened ? (JSON.parse(opened.toString('utf8')) as MessageContent) : { text: '(sealed with another key)' };
      return {
        id: row.id,
        poolId: row.pool_id,
        channel: row.channel as 'email' | 'sms',
        to: row.destination,
        kind: row.kind,
        ...content,
        createdAt: row.created_at,
        deliveredAt: row.delivered_at,
        deliveredBy: row.delivered_by,
        attempts: row.attempts,
        lastError: row.last_error,
        failedAt: row.failed_at,
      };
    });
  }
}
