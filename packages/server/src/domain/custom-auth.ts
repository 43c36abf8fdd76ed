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
import { errors } from '../errors.js';
import type { Cognate } from './cognate.js';
import { checkSecretHash, type AppClient } from './app-clients.js';
import type { User } from './users.js';
import type { UserPool } from './user-pools.js';
import { afterPrimaryCredential, assertMayUseAccount, deviceKeyOf, preAuthentication, SESSION_SEAL_GRACE_MS, sessionMs, startSrp, type AuthResponse } from './auth.js';
import { spendOnce } from './single-use.js';
import { booleanField, runTrigger, stringField, stringMapField, triggerArn, unusableAnswer, userAttributesOf } from '../triggers/triggers.js';
import { required } from './parameters.js';

type Params = Record<string, string>;
type Metadata = Record<string, string> | undefined;

/** One step of the session, as DefineAuthChallenge and CreateAuthChallenge see it. */
export interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata: string | null;
}

/** What a CUSTOM_CHALLENGE Session carries. */
interface CustomSession {
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

const CUSTOM_SESSION_AAD = 'custom-auth-session';

const notConfigured = () => errors.invalidParameter('Custom auth lambda trigger is not configured for the user pool.');
const refused = () => errors.notAuthorized('Incorrect username or password.');

/** InitiateAuth / AdminInitiateAuth with AuthFlow CUSTOM_AUTH. */
export async function startCustomAuth(cognate: Cognate, pool: UserPool, client: AppClient, params: Params, clientMetadata: Metadata): Promise<AuthResponse> {
  if (!triggerArn(pool, 'DefineAuthChallenge')) throw notConfigured();
  const name = required(params, 'USERNAME');
  checkSecretHash(client, [name], params.SECRET_HASH);
  const user = await cognate.users.findForSignInEvenly(pool, name);
  if (!user && client.settings.PreventUserExistenceErrors !== 'ENABLED') throw errors.userNotFound();
  // Under PreventUserExistenceErrors a lock shows only as a refused answer, as for an unknown name (P01).
  if (user && client.settings.PreventUserExistenceErrors !== 'ENABLED') await cognate.lockout.assertNotLocked(user.sub, cognate.clock.now());
  await preAuthentication(cognate, pool, client, user, name, clientMetadata);
  if (params.CHALLENGE_NAME === 'SRP_A') {
    // SRP first: Define is told the client sent SRP_A and is expected to ask for PASSWORD_VERIFIER.
    const history: ChallengeResult[] = [{ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null }];
    const next = await defineNext(cognate, pool, client, user, name, history, clientMetadata);
    if (next.kind !== 'challenge' || next.challengeName !== 'PASSWORD_VERIFIER') throw unusableAnswer();
    return startSrp(cognate, pool, client, params, clientMetadata, history);
  }
  return step(cognate, pool, client, user, name, [], clientMetadata, deviceKeyOf(params));
}

/** After SRP in CUSTOM_AUTH proved the password: back to DefineAuthChallenge. */
export async function continueAfterPassword(cognate: Cognate, pool: UserPool, client: AppClient, user: User, history: ChallengeResult[], clientMetadata: Metadata): Promise<AuthResponse> {
  await cognate.lockout.recordVerifiedPassword(user.sub);
  assertMayUseAccount(user);
  const after = [...history, { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null }];
  return step(cognate, pool, client, user, user.username, after, clientMetadata, undefined);
}

/** RespondToAuthChallenge CUSTOM_CHALLENGE: the answer checked by VerifyAuthChallengeResponse. */
export async function answerCustomChallenge(cognate: Cognate, pool: UserPool, client: AppClient, responses: Params, session: string | undefined, clientMetadata: Metadata): Promise<AuthResponse> {
  const now = cognate.clock.now();
  const state = session ? cognate.secrets.sessions.openJson<CustomSession>(session, CUSTOM_SESSION_AAD, now) : null;
  if (!state || state.p !== pool.id || state.c !== client.id) throw errors.notAuthorized('Invalid session for the user.');
  if (state.e <= now) throw errors.notAuthorized('Invalid session for the user, session is expired.');
  const name = required(responses, 'USERNAME');
  const answer = required(responses, 'ANSWER');
  checkSecretHash(client, [name, state.u], responses.SECRET_HASH);
  if (!triggerArn(pool, 'VerifyAuthChallengeResponse')) throw notConfigured();
  // A name that matches no one makes the reads a user's answer does, for an ID that names no one (P01).
  const sub = state.s || randomUUID();
  let user = await cognate.users.findBySubEvenly(pool.id, sub);
  if (state.s && !user) throw refused();
  if ((await cognate.lockout.isLocked(sub, now)) && user) {
    if (client.settings.PreventUserExistenceErrors !== 'ENABLED') throw errors.notAuthorized('Password attempts exceeded');
    // A locked user's answer goes on as an unknown name's would: it can't succeed, and looks no different (P01).
    user = undefined;
  }
  // A Session is answered once: replaying it can't buy a guesser more tries (security.md A26).
  await spendOnce(cognate.store, state.n, state.e, now);
  const verdict = await runTrigger(cognate, pool, 'VerifyAuthChallengeResponse', {
    source: 'VerifyAuthChallengeResponse_Authentication',
    userName: state.u,
    clientId: client.id,
    request: {
      userAttributes: user ? userAttributesOf(user) : {},
      privateChallengeParameters: state.q,
      challengeAnswer: answer,
      clientMetadata: clientMetadata ?? null,
      ...(user ? {} : { userNotFound: true }),
    },
    response: { answerCorrect: false },
  });
  const correct = booleanField(verdict ?? {}, 'answerCorrect') ?? false;
  const history = [...state.h, { challengeName: 'CUSTOM_CHALLENGE', challengeResult: correct && user !== undefined, challengeMetadata: state.m }];
  return step(cognate, pool, client, user, state.u, history, clientMetadata, deviceKeyOf(responses));
}

type Decision = { kind: 'fail' } | { kind: 'tokens' } | { kind: 'challenge'; challengeName: string };

/** DefineAuthChallenge: what comes next, given the session so far. */
async function defineNext(cognate: Cognate, pool: UserPool, client: AppClient, user: User | undefined, name: string, history: ChallengeResult[], clientMetadata: Metadata): Promise<Decision> {
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
async function step(cognate: Cognate, pool: UserPool, client: AppClient, user: User | undefined, name: string, history: ChallengeResult[], clientMetadata: Metadata, deviceKey: string | undefined): Promise<AuthResponse> {
  const next = await defineNext(cognate, pool, client, user, name, history, clientMetadata);
  if (next.kind === 'fail') throw refused();
  if (next.kind === 'tokens') {
    // Tokens only for a real user; an unknown one fails as a wrong answer would.
    if (!user) throw refused();
    const fresh = (await cognate.users.findBySub(pool.id, user.sub)) ?? user;
    return afterPrimaryCredential(cognate, pool, client, fresh, { deviceKey, clientMetadata });
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
  return {
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: cognate.secrets.sessions.sealJson(state, CUSTOM_SESSION_AAD, state.e + SESSION_SEAL_GRACE_MS),
    ChallengeParameters: { ...publicParameters, USERNAME: state.u },
  };
}
