/** Tables of the console's operations pages (migration 0028_console_ops; triggers/invocations.ts). */

/** One run of a pool's trigger function: where it ran, how long, how it ended. Never the event. */
export interface TriggerInvocationsTable {
  id: string;
  pool_id: string;
  /** the event's triggerSource, e.g. `PreSignUp_SignUp` */
  trigger_source: string;
  function_arn: string;
  /** 'module' | 'webhook' | 'lambda' */
  target: string;
  /** epoch ms */
  started_at: number;
  duration_ms: number;
  /** 'ok' | 'function-error' | 'no-answer' | 'unreadable' | 'error' */
  outcome: string;
  /** the failure's message, cut to 500 characters, URLs without credentials or query */
  error: string | null;
}
