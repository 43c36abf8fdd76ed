/**
 * CUSTOM_AUTH: a sign-in the pool's three challenge triggers drive (user-pool-lambda-challenge).
 *
 *   InitiateAuth CUSTOM_AUTH ──> DefineAuthChallenge(session so far)
 *     ├─ failAuthentication ──> NotAuthorizedException
 *     ├─ issueTokens ──> MFA / devices / tokens, as after a password
 *     ├─ PASSWORD_VERIFIER (after CHALLENGE_NAME=SRP_A) ──> SRP, then Define again
 *     └─ CUSTOM_CHALLENGE ──> CreateAuthChallenge ──> the client answers ──> VerifyAuthChallengeResponse
 *                                                                      └─> Define again, with the result
 *
 * The session so far (challenge names, results, metadata) and the private challenge parameters
 * travel sealed in the Session, which can be answered once. Unknown users go through the same
 * steps with `userNotFound: true` where PreventUserExistenceErrors hides them, and never get tokens.
 */
import { randomUUID } from 'node:crypto';
import { errors } from '../../../errors.js';
import { booleanField, runTrigger, stringField, stringMapField, triggerArn, unusableAnswer, userAttributesOf } from '../../../triggers/triggers.js';
import type { Ports } from '../../cognate.js';
import { checkSecretHash, type AppClient } from '../../app-clients.js';
import type { User } from '../../users.js';
import type { UserPool } from '../../user-pools.js';
import { required } from '../../parameters.js';
import { assertMayUseAccount, preAuthentication } from '../account.js';
import { deviceKeyOf, respond, SESSION_SEAL_GRACE_MS, sessionMs, type Metadata, type Outcome, type Params } from '../types.js';
import { startSrp } from './srp.js';

/** One step of the session, as DefineAuthChallenge and CreateAuthChallenge see it. */
export interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata: string | null;
}

/** What a CUSTOM_CHALLENGE Session carries. */
export interface CustomSession {
  p: string;
  c: string;
  /** the user's sub, or '' for a name that matches no one */
  s: string;
  /** the username (or, for no one, the name given) */
  u: string;
  h: ChallengeResult[];
  /** privateChallengeParameters and challengeMetadata from CreateAuthChallenge */
  q: Record<string, string>;
  m: string | null;
  n: string;
  e: number;
}

export const CUSTOM_SESSION_AAD = 'custom-auth-session';

export const notConfigured = () => errors.invalidParameter('Custom auth lambda trigger is not configured for the user pool.');
export const refused = () => errors.notAuthorized('Incorrect username or password.');

/** InitiateAuth / AdminInitiateAuth with AuthFlow CUSTOM_AUTH. */
export async function startCustomAuth(cognate: Ports<'clock' | 'lockout' | 'log' | 'secrets' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, params: Params, clientMetadata: Metadata): Promise<Outcome> {
  if (!triggerArn(pool, 'DefineAuthChallenge')) throw notConfigured();
  const name = required(params, 'USERNAME');
  checkSecretHash(client, [name], params.SECRET_HASH);
  const user = await cognate.users.findForSignIn(pool, name);
  if (!user && client.settings.PreventUserExistenceErrors !== 'ENABLED') throw errors.userNotFound();
  // Under PreventUserExistenceErrors a lock shows only as a refused answer, as for an unknown name (P01).
  if (user && client.settings.PreventUserExistenceErrors !== 'ENABLED') cognate.lockout.assertNotLocked(user, cognate.clock.now());
  await preAuthentication(cognate, pool, client, user, name, clientMetadata);
  if (params.CHALLENGE_NAME === 'SRP_A') {
    // SRP first: Define is told the client sent SRP_A and is expected to ask for PASSWORD_VERIFIER.
    const history: ChallengeResult[] = [{ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null }];
    const next = await defineNext(cognate, pool, client, user, name, history, clientMetadata);
    if (next.kind !== 'challenge' || next.challengeName !== 'PASSWORD_VERIFIER') throw unusableAnswer();
    return respond(await startSrp(cognate, pool, client, params, clientMetadata, history));
  }
  return step(cognate, pool, client, user, name, [], clientMetadata, deviceKeyOf(params));
}

/** After SRP in CUSTOM_AUTH proved the password: back to DefineAuthChallenge. */
export async function continueAfterPassword(cognate: Ports<'clock' | 'lockout' | 'log' | 'secrets' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, user: User, history: ChallengeResult[], clientMetadata: Metadata, lockoutCleared = false): Promise<Outcome> {
  if (!lockoutCleared) await cognate.lockout.recordVerifiedPassword(user.sub);
  assertMayUseAccount(user);
  const after = [...history, { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null }];
  return step(cognate, pool, client, user, user.username, after, clientMetadata, undefined);
}

type Decision = { kind: 'fail' } | { kind: 'tokens' } | { kind: 'challenge'; challengeName: string };

/** DefineAuthChallenge: what comes next, given the session so far. */
async function defineNext(cognate: Ports<'log' | 'triggers'>, pool: UserPool, client: AppClient, user: User | undefined, name: string, history: ChallengeResult[], clientMetadata: Metadata): Promise<Decision> {
  const response = await runTrigger(cognate, pool, 'DefineAuthChallenge', {
    source: 'DefineAuthChallenge_Authentication',
    userName: user?.username ?? name,
    clientId: client.id,
    request: { userAttributes: user ? userAttributesOf(user) : {}, session: history, clientMetadata: clientMetadata ?? null, ...(user ? {} : { userNotFound: true }) },
    response: { challengeName: null, issueTokens: false, failAuthentication: false },
  });
  if (!response) throw notConfigured();
  if (booleanField(response, 'failAuthentication')) return { kind: 'fail' };
  if (booleanField(response, 'issueTokens')) return { kind: 'tokens' };
  const challengeName = stringField(response, 'challengeName');
  if (!challengeName) throw unusableAnswer();
  return { kind: 'challenge', challengeName };
}

/** Asks Define what comes next and does it. */
export async function step(cognate: Ports<'clock' | 'log' | 'secrets' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, user: User | undefined, name: string, history: ChallengeResult[], clientMetadata: Metadata, deviceKey: string | undefined): Promise<Outcome> {
  const next = await defineNext(cognate, pool, client, user, name, history, clientMetadata);
  if (next.kind === 'fail') throw refused();
  if (next.kind === 'tokens') {
    // Tokens only for a real user; an unknown one fails as a wrong answer would.
    if (!user) throw refused();
    const fresh = (await cognate.users.findBySub(pool.id, user.sub)) ?? user;
    return { kind: 'password-proven', user: fresh, ctx: { clientMetadata, customAuth: true, ...(deviceKey ? { deviceKey } : {}) } };
  }
  if (next.challengeName !== 'CUSTOM_CHALLENGE') throw unusableAnswer();
  if (!triggerArn(pool, 'CreateAuthChallenge')) throw notConfigured();
  const created = await runTrigger(cognate, pool, 'CreateAuthChallenge', {
    source: 'CreateAuthChallenge_Authentication',
    userName: user?.username ?? name,
    clientId: client.id,
    request: { userAttributes: user ? userAttributesOf(user) : {}, challengeName: next.challengeName, session: history, clientMetadata: clientMetadata ?? null, ...(user ? {} : { userNotFound: true }) },
    response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  });
  const answer = created ?? {};
  const publicParameters = stringMapField(answer, 'publicChallengeParameters') ?? {};
  const state: CustomSession = {
    p: pool.id,
    c: client.id,
    s: user?.sub ?? '',
    u: user?.username ?? name,
    h: history,
    q: stringMapField(answer, 'privateChallengeParameters') ?? {},
    m: stringField(answer, 'challengeMetadata') ?? null,
    n: randomUUID(),
    e: cognate.clock.now() + sessionMs(client),
  };
  return respond({
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: cognate.secrets.sessions.sealJson(state, CUSTOM_SESSION_AAD, state.e + SESSION_SEAL_GRACE_MS),
    ChallengeParameters: { ...publicParameters, USERNAME: state.u },
  });
}
