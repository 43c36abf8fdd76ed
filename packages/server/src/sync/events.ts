/**
 * Cognito Events: SetCognitoEvents / GetCognitoEvents (developer credentials), and the
 * `SyncTrigger` they configure, run through the same function targets as user-pool triggers
 * (triggers/functions.ts: a module, a signed webhook, or Lambda).
 *
 * When an identity's UpdateRecords carries changes, the function gets Cognito's sync event
 * (version 2):
 *
 * ```json
 * {"version": 2, "eventType": "SyncTrigger", "region": "us-east-1", "identityPoolId": "…",
 *  "identityId": "…", "datasetName": "…",
 *  "datasetRecords": {"level": {"oldValue": "1", "newValue": "2", "op": "replace"}}}
 * ```
 *
 * and answers with the event; the `datasetRecords` it returns are what is stored, as in Cognito
 * ("the function can evaluate and optionally manipulate the data before it is stored"): a value
 * it changed is stored changed, a record it adds is stored too, a record it leaves out is not
 * written. Developer-credential calls don't run it (Cognito: "If you call UpdateRecords with AWS
 * account credentials, your Lambda function will not be invoked"). A function that fails or
 * answers with something unusable fails the UpdateRecords with InvalidLambdaFunctionOutputException
 * and nothing is written; a throttled Lambda with LambdaThrottledException.
 */
import type { Ports } from '../domain/cognate.js';
import { CognitoError } from '../errors.js';
import { FunctionError, InvocationError, UnreadableAnswer } from '../triggers/functions.js';
import * as syncStore from '../store/sync-extras.js';
import type { Executor } from '../store/db.js';
import { requireDeveloper, requirePool, syncInvalidParameter, type SyncCaller } from './push-caller.js';
import { poolSettings } from './push-configuration.js';

export const SYNC_TRIGGER = 'SyncTrigger';
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]{1,140}(:(\$LATEST|[a-zA-Z0-9_-]+))?$/;

function eventsOf(json: string): Record<string, string> {
  return JSON.parse(json) as Record<string, string>;
}

/** GetCognitoEvents. */
export async function getCognitoEvents(cognate: Ports<'store' | 'clock'>, caller: SyncCaller, input: { IdentityPoolId: string }): Promise<{ Events: Record<string, string> }> {
  requireDeveloper(caller);
  await requirePool(cognate.store.db, input.IdentityPoolId);
  return { Events: eventsOf((await poolSettings(cognate.store.db, input.IdentityPoolId, cognate.clock.now())).events) };
}

/** SetCognitoEvents: sets the event types named; an empty ARN removes one; the others stay. */
export async function setCognitoEvents(cognate: Ports<'store' | 'clock'>, caller: SyncCaller, input: { IdentityPoolId: string; Events: unknown }): Promise<Record<string, never>> {
  requireDeveloper(caller);
  const events = input.Events;
  if (events === null || typeof events !== 'object' || Array.isArray(events)) throw syncInvalidParameter('Events is required and must be a map of event type to Lambda function ARN.');
  const entries = Object.entries(events as Record<string, unknown>);
  for (const [type, arn] of entries) {
    if (type !== SYNC_TRIGGER) throw syncInvalidParameter(`Unsupported event type: ${type}`);
    if (typeof arn !== 'string') throw syncInvalidParameter(`The function of ${type} must be a string.`);
    if (arn !== '' && !LAMBDA_ARN.test(arn)) throw syncInvalidParameter(`Invalid Lambda function ARN: ${arn}`);
  }
  await cognate.store.transaction(async (tx) => {
    await requirePool(tx, input.IdentityPoolId);
    const now = cognate.clock.now();
    const row = await poolSettings(tx, input.IdentityPoolId, now);
    const current = eventsOf(row.events);
    for (const [type, arn] of entries as [string, string][]) {
      if (arn === '') delete current[type];
      else current[type] = arn;
    }
    row.events = JSON.stringify(current);
    row.updated_at = now;
    await syncStore.savePoolSettings(tx, row);
  });
  return {};
}

/** The pool's SyncTrigger function, if any. */
export async function syncTriggerArn(db: Executor, identityPoolId: string): Promise<string | undefined> {
  const row = await syncStore.findPoolSettings(db, identityPoolId);
  return row ? eventsOf(row.events)[SYNC_TRIGGER] : undefined;
}

/** One record of the sync event: the stored value before, the value the device sends, the op. */
export interface SyncEventRecord {
  oldValue: string | null;
  newValue: string | null;
  op: 'replace' | 'remove';
}

const badOutput = (message: string) => new CognitoError('InvalidLambdaFunctionOutputException', message);

/** The `datasetRecords` of the function's answer, checked. */
function answeredRecords(answer: unknown): Map<string, SyncEventRecord> {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) throw badOutput('The SyncTrigger function did not return the event.');
  const records = (answer as { datasetRecords?: unknown }).datasetRecords;
  if (records === null || typeof records !== 'object' || Array.isArray(records)) throw badOutput('The SyncTrigger function returned no datasetRecords.');
  const out = new Map<string, SyncEventRecord>();
  for (const [key, value] of Object.entries(records as Record<string, unknown>)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badOutput(`The SyncTrigger function returned an invalid record: ${key}`);
    const { newValue, oldValue, op } = value as Record<string, unknown>;
    if (op !== 'replace' && op !== 'remove') throw badOutput(`The SyncTrigger function returned an invalid op for record ${key}.`);
    if (op === 'replace' && typeof newValue !== 'string') throw badOutput(`The SyncTrigger function returned no newValue for record ${key}.`);
    if (key.length === 0 || [...key].length > 128) throw badOutput('The SyncTrigger function returned an invalid record key.');
    out.set(key, { oldValue: typeof oldValue === 'string' ? oldValue : null, newValue: op === 'replace' ? (newValue as string) : null, op });
  }
  return out;
}

/**
 * Runs the pool's SyncTrigger over a set of changes before they are written; returns the records
 * to write instead (the function's `datasetRecords`), or undefined when there is no trigger to
 * run (none configured, developer credentials, or no changes). Call it outside any transaction.
 */
export async function runSyncTrigger(
  cognate: Ports<'store' | 'triggers' | 'log'>,
  caller: SyncCaller,
  change: { identityPoolId: string; identityId: string; datasetName: string; records: ReadonlyMap<string, SyncEventRecord> },
): Promise<Map<string, SyncEventRecord> | undefined> {
  if (caller.kind !== 'identity' || change.records.size === 0) return undefined;
  const arn = await syncTriggerArn(cognate.store.db, change.identityPoolId);
  if (!arn) return undefined;
  const event = {
    version: 2,
    eventType: SYNC_TRIGGER,
    region: change.identityPoolId.slice(0, change.identityPoolId.indexOf(':')),
    identityPoolId: change.identityPoolId,
    identityId: change.identityId,
    datasetName: change.datasetName,
    datasetRecords: Object.fromEntries(change.records),
  };
  let answer: unknown;
  try {
    answer = await cognate.triggers.invoke(arn, event);
  } catch (err) {
    // The event is never logged: it carries the user's data.
    cognate.log.warn({ trigger: SYNC_TRIGGER, arn, error: err instanceof Error ? err.message : String(err) }, 'sync trigger failed');
    if (err instanceof InvocationError && /Throttl|TooManyRequests/.test(err.message)) throw new CognitoError('LambdaThrottledException', 'AWS Lambda throttled the SyncTrigger function.', 429);
    if (err instanceof FunctionError) throw badOutput(`The SyncTrigger function failed: ${err.message}`);
    if (err instanceof InvocationError) throw badOutput(`The SyncTrigger function could not be invoked: ${err.message}`);
    if (err instanceof UnreadableAnswer) throw badOutput('The SyncTrigger function returned invalid output.');
    throw err;
  }
  return answeredRecords(answer);
}
