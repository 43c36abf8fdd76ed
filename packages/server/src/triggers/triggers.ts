/**
 * Cognito's Lambda triggers: the event every trigger receives (the common parameters of the
 * developer guide's "Customizing user pool workflows with Lambda triggers"), the function run
 * through {@link TriggerFunctions}, and its failures turned into Cognito's errors:
 *
 * - the function threw or returned an error → UserLambdaValidationException
 *   "PreSignUp failed with error <its message>.";
 * - it timed out or couldn't be reached → UnexpectedLambdaException
 *   "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.";
 * - its answer isn't an event with the response fields the trigger reads → InvalidLambdaResponseException.
 *
 * Triggers run outside database transactions: an operation checks, calls its trigger, then writes,
 * so a failing trigger leaves nothing behind.
 */
import { CognitoError } from '../errors.js';
import type { Ports } from '../domain/cognate.js';
import type { UserPool } from '../domain/user-pools.js';
import type { User } from '../domain/users.js';
import { FunctionError, InvocationError, UnreadableAnswer } from './functions.js';

export type TriggerName =
  | 'PreSignUp'
  | 'PostConfirmation'
  | 'PreAuthentication'
  | 'PostAuthentication'
  | 'DefineAuthChallenge'
  | 'CreateAuthChallenge'
  | 'VerifyAuthChallengeResponse'
  | 'PreTokenGeneration'
  | 'CustomMessage'
  | 'UserMigration'
  | 'CustomEmailSender'
  | 'CustomSMSSender'
  | 'InboundFederation';

/** Cognito's callerContext.clientId where no app client is involved (admin actions). */
export const NO_CLIENT = 'CLIENT_ID_NOT_APPLICABLE';

interface LambdaConfig {
  [name: string]: unknown;
  PreTokenGenerationConfig?: { LambdaArn?: string; LambdaVersion?: string };
  CustomEmailSender?: { LambdaArn?: string; LambdaVersion?: string };
  CustomSMSSender?: { LambdaArn?: string; LambdaVersion?: string };
  InboundFederation?: { LambdaArn?: string; LambdaVersion?: string };
}

const lambdaConfig = (pool: UserPool) => (pool.settings.LambdaConfig ?? {}) as LambdaConfig;

/** The ARN of the pool's function for `name`, if it has one. */
export function triggerArn(pool: UserPool, name: TriggerName): string | undefined {
  const config = lambdaConfig(pool);
  let arn: unknown;
  if (name === 'PreTokenGeneration') arn = config.PreTokenGenerationConfig?.LambdaArn ?? config.PreTokenGeneration;
  else if (name === 'CustomEmailSender' || name === 'CustomSMSSender' || name === 'InboundFederation') arn = config[name]?.LambdaArn;
  else arn = config[name];
  return typeof arn === 'string' && arn !== '' ? arn : undefined;
}

/** The event version: "1", except a PreTokenGeneration trigger configured as V2_0 or V3_0. */
export function triggerVersion(pool: UserPool, name: TriggerName): string {
  if (name !== 'PreTokenGeneration') return '1';
  const v = lambdaConfig(pool).PreTokenGenerationConfig?.LambdaVersion;
  return v === 'V2_0' ? '2' : v === 'V3_0' ? '3' : '1';
}

/** The user as triggers see them: their attributes plus `sub` and `cognito:user_status`. */
export function userAttributesOf(user: Pick<User, 'sub' | 'status' | 'attributes'>): Record<string, string> {
  return { sub: user.sub, ...Object.fromEntries(user.attributes), 'cognito:user_status': user.status };
}

/** `[{Name, Value}]` (ValidationData, UserAttributes) as the name → value map events carry. */
export function attributeMap(list: readonly { Name: string; Value?: string }[] | undefined): Record<string, string> | null {
  if (!list || list.length === 0) return null;
  return Object.fromEntries(list.map((a) => [a.Name, a.Value ?? '']));
}

export interface TriggerCall {
  /** e.g. `PreSignUp_SignUp` */
  source: string;
  userName: string | null;
  clientId?: string;
  request: Record<string, unknown>;
  /** The response fields, with the defaults the function sees. */
  response?: Record<string, unknown>;
}

/** An answer that can't be used: Cognito's InvalidLambdaResponseException. */
export const unusableAnswer = (message = 'Unrecognizable lambda output') => new CognitoError('InvalidLambdaResponseException', message);

/**
 * Runs the pool's `name` trigger, if it has one, and returns the `response` object of the event
 * it answers with; undefined when the pool has no such trigger.
 */
export async function runTrigger(cognate: Ports<'log' | 'triggers'>, pool: UserPool, name: TriggerName, call: TriggerCall): Promise<Record<string, unknown> | undefined> {
  const arn = triggerArn(pool, name);
  if (!arn) return undefined;
  const event = {
    version: triggerVersion(pool, name),
    triggerSource: call.source,
    region: pool.id.slice(0, pool.id.indexOf('_')),
    userPoolId: pool.id,
    userName: call.userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: call.clientId ?? NO_CLIENT },
    request: call.request,
    response: call.response ?? {},
  };
  let answer: unknown;
  try {
    answer = await cognate.triggers.invoke(arn, event);
  } catch (err) {
    // The event is never logged: it carries attributes, and UserMigration's carries a password.
    cognate.log.warn({ trigger: name, arn, error: err instanceof Error ? err.message : String(err) }, 'trigger failed');
    if (err instanceof FunctionError) throw new CognitoError('UserLambdaValidationException', `${name} failed with error ${err.message}.`);
    if (err instanceof InvocationError) throw new CognitoError('UnexpectedLambdaException', `${name} invocation failed due to error ${err.message}.`);
    if (err instanceof UnreadableAnswer) throw unusableAnswer();
    throw err;
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) throw unusableAnswer();
  const response = (answer as { response?: unknown }).response;
  if (response === undefined || response === null) return {};
  if (typeof response !== 'object' || Array.isArray(response)) throw unusableAnswer();
  return response as Record<string, unknown>;
}

/** A response field that must be a boolean when present. */
export function booleanField(response: Record<string, unknown>, key: string): boolean | undefined {
  const v = response[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw unusableAnswer();
  return v;
}

/** A response field that must be a string when present. */
export function stringField(response: Record<string, unknown>, key: string): string | undefined {
  const v = response[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw unusableAnswer();
  return v;
}

/** A response field that must be a map of strings when present. */
export function stringMapField(response: Record<string, unknown>, key: string): Record<string, string> | undefined {
  const v = response[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) throw unusableAnswer();
  return v as Record<string, string>;
}

/** A response field that must be a list of strings when present. */
export function stringListField(response: Record<string, unknown>, key: string): string[] | undefined {
  const v = response[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw unusableAnswer();
  return v as string[];
}
