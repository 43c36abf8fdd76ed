/** SELECT_MFA_TYPE: the user picks one of the factors offered; its challenge follows. */
import { errors } from '../../../errors.js';
import type { MfaType } from '../../mfa.js';
import { required } from '../../parameters.js';
import { invalidSession, respond, type ChallengeHandler } from '../types.js';
import { openMfaAnswer } from '../mfa/answer.js';
import { sendChallenge } from '../mfa/challenge.js';

export const selectMfaType: ChallengeHandler = async (cognate, answer) => {
  const { state, user } = await openMfaAnswer(cognate, answer);
  if (state.k !== 'select') throw invalidSession();
  const choice = required(answer.responses, 'ANSWER') as MfaType;
  if (!state.o?.includes(choice)) throw errors.invalidParameter(`Invalid ANSWER: ${choice} is not one of the MFA types offered.`);
  // The chosen challenge keeps the session's nonce, so replaying this answer can't send more codes than the cap.
  const { o: _choices, ...rest } = state;
  return respond(await sendChallenge(cognate, answer.pool, answer.client, user, { ...rest, k: 'mfa', m: choice }, answer.clientMetadata));
};
