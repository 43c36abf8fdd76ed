/** CUSTOM_CHALLENGE: the answer checked by the pool's VerifyAuthChallengeResponse; DefineAuthChallenge says what follows. */
import { randomUUID } from 'node:crypto';
import { errors } from '../../../errors.js';
import { booleanField, runTrigger, triggerArn, userAttributesOf } from '../../../triggers/triggers.js';
import { checkSecretHash } from '../../app-clients.js';
import { spendOnce } from '../../single-use.js';
import { required } from '../../parameters.js';
import { deviceKeyOf, expiredSession, invalidSession, type ChallengeHandler } from '../types.js';
import { recordFailedSignIn } from '../../threat-protection/index.js';
import { CUSTOM_SESSION_AAD, notConfigured, refused, step, type CustomSession } from '../flows/custom-auth.js';

export const customChallenge: ChallengeHandler = async (cognate, { pool, client, responses, session, clientMetadata }) => {
  const now = cognate.clock.now();
  const state = session ? cognate.secrets.sessions.openJson<CustomSession>(session, CUSTOM_SESSION_AAD, now) : null;
  if (!state || state.p !== pool.id || state.c !== client.id) throw invalidSession();
  if (state.e <= now) throw expiredSession();
  const name = required(responses, 'USERNAME');
  const answer = required(responses, 'ANSWER');
  checkSecretHash(client, [name, state.u], responses.SECRET_HASH);
  if (!triggerArn(pool, 'VerifyAuthChallengeResponse')) throw notConfigured();
  // A name that matches no one makes the reads a user's answer does, for an ID that names no one (P01).
  const sub = state.s || randomUUID();
  let user = await cognate.users.findBySub(pool.id, sub);
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
  // Threat protection (CustomAuthMode): a wrong answer is a failed sign-in; a name that matches no one writes the same row without a user (P01).
  if (!correct || !user) await recordFailedSignIn(cognate, pool, client, user, 'custom');
  const history = [...state.h, { challengeName: 'CUSTOM_CHALLENGE', challengeResult: correct && user !== undefined, challengeMetadata: state.m }];
  return step(cognate, pool, client, user, state.u, history, clientMetadata, deviceKeyOf(responses));
};
