/**
 * SELECT_CHALLENGE (USER_AUTH): ANSWER names one of the AvailableChallenges offered, with that
 * challenge's parameters alongside as Amplify sends them (PASSWORD for PASSWORD, SRP_A for
 * PASSWORD_SRP); the chosen first factor starts (flows/user-auth.ts). A code sent after the
 * choice is bound to this Session's nonce, so replaying the answer can't send more than the cap.
 */
import { errors } from '../../../errors.js';
import { checkSecretHash } from '../../app-clients.js';
import { isFirstChallenge } from '../../user-auth-factors.js';
import { usernameKey } from '../../users.js';
import { required } from '../../parameters.js';
import { expiredSession, invalidSession, type ChallengeHandler } from '../types.js';
import { SELECT_CHALLENGE_AAD, startChallenge, type SelectChallengeSession } from '../flows/user-auth.js';

export const selectChallenge: ChallengeHandler = async (cognate, { pool, client, responses, session, clientMetadata }) => {
  const now = cognate.clock.now();
  const state = session ? cognate.secrets.sessions.openJson<SelectChallengeSession>(session, SELECT_CHALLENGE_AAD, now) : null;
  if (!state || state.k !== 'select-challenge' || state.p !== pool.id || state.c !== client.id || !Array.isArray(state.o)) throw invalidSession();
  if (state.e <= now) throw expiredSession();
  const name = required(responses, 'USERNAME');
  const answer = required(responses, 'ANSWER');
  // A name that matches no one has a sub that names no one: the same look-up finds nothing (P01).
  const user = await cognate.users.findBySub(pool.id, state.s);
  const named = usernameKey(pool, name) === usernameKey(pool, state.u) || (!!user && (await cognate.users.findForSignIn(pool, name))?.sub === user.sub);
  // Only hidden existence issues Sessions for no one; otherwise the user went away meanwhile.
  checkSecretHash(client, [name, state.u, ...(user ? [user.username] : [])], responses.SECRET_HASH);
  if (!named || (!user && client.settings.PreventUserExistenceErrors !== 'ENABLED')) throw invalidSession();
  if (!isFirstChallenge(answer) || !state.o.includes(answer)) throw errors.invalidParameter(`Invalid ANSWER: ${answer} is not one of the available challenges.`);
  // The password flows find the user by the name again (their own existence rules); the name is the one the Session was issued for.
  return startChallenge(cognate, pool, client, user, state.u, answer, responses, clientMetadata, { nonce: state.n, ...(state.d ? { deviceKey: state.d } : {}) });
};
