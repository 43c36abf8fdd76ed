/**
 * The transactional outbox: a message is written in the same transaction as the code or
 * password it carries, so a crash after commit still delivers it (security.md R02). A delivery
 * loop claims due messages with a lease (safe with several nodes), hands them to a transport and
 * retries transient failures with backoff; permanent failures and exhausted retries are marked
 * failed. Messages with no configured transport stay in the development outbox (`cognate outbox`).
 */
import type { Logger } from 'pino';
import type { Executor } from '../store/db.js';
import * as outboxStore from '../store/outbox.js';
import type { OutboxRow } from '../store/outbox.js';
import type { Sealer } from '../crypto/seal.js';
import type { Clock } from '../ports.js';
import { newId } from '../domain/ids.js';
import { isTransientStoreError } from '../store/faults.js';
import { TransportError, type MessageTransport, type OutboundMessage } from './transports.js';
import type { CustomSenderRequest } from '../triggers/custom-senders.js';

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
  /** `webhook`: a log-delivery record (log-webhook.ts), `to` being the operator's endpoint */
  channel: 'email' | 'sms' | 'webhook';
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
  /** log-delivery records posted to the operator's webhooks (log-webhook.ts) */
  webhook?: MessageTransport;
}

/** Attempts before a message is marked failed. */
export const MAX_DELIVERY_ATTEMPTS = 8;
const LEASE_MS = 30_000;
const backoffMs = (attempt: number) => Math.min(60_000 * 15, 1000 * 2 ** attempt);

/** A failed delivery attempt, as the pool's userNotification log delivery reports it. */
export interface DeliveryFailure {
  poolId: string;
  messageId: string;
  channel: string;
  kind: string;
  attempts: number;
  permanent: boolean;
  reason: string;
}

export class Outbox {
  /** Told of every failed delivery attempt (threat-protection/log-delivery.ts: userNotification). */
  onDeliveryFailure: ((failure: DeliveryFailure) => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly db: Executor,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly transports: OutboxTransports,
    private readonly log: Logger,
  ) {}

  /** Writes a message inside the caller's transaction; call {@link kick} after commit. */
  async enqueue(db: Executor, message: NewMessage): Promise<string> {
    const id = newId();
    const now = this.clock.now();
    const content: MessageContent = { text: message.text, ...(message.subject ? { subject: message.subject } : {}), ...(message.html ? { html: message.html } : {}), ...(message.from ? { from: message.from } : {}), ...(message.replyTo ? { replyTo: message.replyTo } : {}), ...(message.customSender ? { customSender: message.customSender } : {}) };
    await outboxStore.insertMessage(db, {
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
    });
    return id;
  }

  /**
   * Starts the delivery loop: now, on every kick, and every `intervalMs` for retries and other
   * nodes' messages — those periodic passes only while `sweeps()` says this worker is the runner
   * (domain/runner-lease.ts; by default it always is).
   */
  start(intervalMs = 1000, sweeps: () => boolean = () => true): void {
    this.timer = setInterval(() => {
      if (sweeps()) this.kick();
    }, intervalMs);
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
    const due = await outboxStore.dueMessages(this.db, now, 50);
    await Promise.all(due.map((row) => this.deliverOne(row)));
  }

  private async deliverOne(row: OutboxRow): Promise<void> {
    const now = this.clock.now();
    // Claim with a lease: of several nodes seeing the same row, one wins the conditional update.
    if (!(await outboxStore.claimMessage(this.db, row.id, row.attempts, now + LEASE_MS))) return;
    const opened = this.sealer.openString(row.content_sealed, `outbox:${row.id}`);
    if (!opened) {
      await outboxStore.markAttemptFailed(this.db, row.id, { error: 'content cannot be opened', failedAt: now });
      return;
    }
    const content = JSON.parse(opened.toString('utf8')) as MessageContent;
    const message: OutboundMessage = { id: row.id, channel: row.channel as OutboundMessage['channel'], to: row.destination, poolId: row.pool_id, kind: row.kind, ...content };
    const webhook = row.channel === 'webhook';
    const transport = content.customSender ? this.transports.custom : webhook ? this.transports.webhook : ((row.channel === 'email' ? this.transports.email : this.transports.sms) ?? this.transports.outbox);
    try {
      // A log-delivery record never lands in the development outbox: without the webhook transport it can't go anywhere.
      if (webhook && !transport) throw new TransportError(`no log delivery webhook is configured for record ${row.id}`, { permanent: true });
      if (transport) await transport.send(message);
      await outboxStore.markDelivered(this.db, row.id, this.clock.now(), transport?.name ?? 'outbox');
    } catch (e) {
      const permanent = e instanceof TransportError && e.permanent;
      const attempts = row.attempts + 1;
      const failed = permanent || attempts >= MAX_DELIVERY_ATTEMPTS;
      const reason = e instanceof Error ? e.message.slice(0, 500) : 'delivery failed';
      this.log.warn({ messageId: row.id, channel: row.channel, attempts, permanent }, 'message delivery failed');
      await outboxStore.markAttemptFailed(this.db, row.id, { error: reason, nextAttemptAt: this.clock.now() + backoffMs(attempts), ...(failed ? { failedAt: this.clock.now() } : {}) });
      // After the attempt is recorded: the pool's userNotification log delivery (threat-protection/log-delivery.ts);
      // not for a log-delivery record itself, so a broken endpoint can't feed itself.
      if (!webhook) await this.onDeliveryFailure?.({ poolId: row.pool_id, messageId: row.id, channel: row.channel, kind: row.kind, attempts, permanent, reason }).catch((err: unknown) => this.log.warn({ err }, 'userNotification log delivery failed'));
    }
  }

  /** The newest messages, opened, for `cognate outbox` and tests. */
  async recent(limit = 20, poolId?: string): Promise<StoredMessage[]> {
    const rows = await outboxStore.recentMessages(this.db, limit, poolId);
    return rows.map((row) => {
      const opened = this.sealer.openString(row.content_sealed, `outbox:${row.id}`);
      const content = opened ? (JSON.parse(opened.toString('utf8')) as MessageContent) : { text: '(sealed with another key)' };
      return {
        id: row.id,
        poolId: row.pool_id,
        channel: row.channel as StoredMessage['channel'],
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
