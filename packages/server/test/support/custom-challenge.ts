/**
 * CUSTOM_AUTH functions as the developer guide writes them, for TriggerHost.module: the sources of
 * DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse. An unknown name gets
 * a challenge too (no custom:colour, so an answer no one is asked for) and never passes.
 */
// A question with an answer per user (custom:colour), three tries, and SRP first when the client asks.
export const DEFINE = `export const handler = async (event) => {
  const session = event.request.session;
  const last = session[session.length - 1];
  const tries = session.filter((s) => s.challengeName === 'CUSTOM_CHALLENGE').length;
  if (last && last.challengeName === 'SRP_A') {
    event.response.challengeName = 'PASSWORD_VERIFIER';
  } else if (last && last.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult) {
    event.response.issueTokens = true;
  } else if (tries >= 3 || (last && last.challengeName === 'PASSWORD_VERIFIER' && !last.challengeResult)) {
    event.response.failAuthentication = true;
  } else {
    event.response.challengeName = 'CUSTOM_CHALLENGE';
  }
  return event;
};`;
export const CREATE = `export const handler = async (event) => {
  event.response.publicChallengeParameters = { question: 'Favourite colour?', attempt: String(event.request.session.length) };
  event.response.privateChallengeParameters = { answer: event.request.userAttributes['custom:colour'] ?? 'no-one-knows' };
  event.response.challengeMetadata = 'COLOUR-' + (event.request.clientMetadata?.round ?? 'x');
  return event;
};`;
export const VERIFY = `export const handler = async (event) => {
  event.response.answerCorrect = event.request.challengeAnswer === event.request.privateChallengeParameters.answer;
  return event;
};`;
