import { action } from './action.js';
import { errors } from '../errors.js';
import { readableBy } from '../domain/app-clients.js';
import { attributeList } from '../domain/users.js';
import { userMfaView } from '../domain/mfa.js';

/** GetUser: the attributes the token's app client may read (its ReadAttributes; all when unset). */
export default action(async (cognate, input: { AccessToken: string }) => {
  const { user, pool, claims } = await cognate.tokens.verifyAccessToken(input.AccessToken);
  const client = typeof claims.client_id === 'string' ? await cognate.clients.find(pool.id, claims.client_id) : undefined;
  if (!client) throw errors.notAuthorized('Access Token has been revoked');
  return { Username: user.username, UserAttributes: attributeList(user, readableBy(client)), ...(await userMfaView(cognate, user)) };
});
