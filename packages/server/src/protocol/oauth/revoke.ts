/**
 * `POST /oauth2/revoke` (developer guide, "Revoke endpoint"; RFC 7009): ends the refresh-token
 * family of `token` and with it every access token minted from it. The client authenticates as at
 * the token endpoint. Only refresh tokens can be revoked (an access token: unsupported_token_type);
 * an unknown or already revoked token succeeds silently (RFC 7009 §2.2).
 */
import type { Cognate } from '../../domain/cognate.js';
import { oauthError } from '../../domain/oauth/errors.js';
import { CognitoError } from '../../errors.js';
import { serveClientForm, type ClientFormRequest } from './token.js';
import { authenticateClient, JSON_HEADERS, type RawAnswer } from './wire.js';
import { checkRevokeEndpointRateLimit } from '../../domain/rate-limits/index.js';

const looksLikeJwt = (token: string) => token.split('.').length === 3;

export async function handleRevokeRequest(cognate: Cognate, req: ClientFormRequest): Promise<RawAnswer> {
  return serveClientForm(cognate, req, async (form, presented) => {
    const token = form.get('token');
    if (token === undefined) throw oauthError('invalid_request');
    const { client } = await authenticateClient(cognate, presented, req.headers.host);
    if (!client.settings.EnableTokenRevocation) throw oauthError('unauthorized_client');
    checkRevokeEndpointRateLimit(cognate, client.poolId);
    if (looksLikeJwt(token)) throw oauthError('unsupported_token_type');
    try {
      await cognate.tokens.revokeRefreshToken(client, token);
    } catch (e) {
      // A token issued to another client is refused (RFC 7009 §2.1); one that isn't ours at all is not an error.
      if (!(e instanceof CognitoError && e.name === 'NotAuthorizedException')) throw e;
      if (e.message !== 'Invalid token') throw oauthError('invalid_request');
    }
    return { status: 200, headers: { ...JSON_HEADERS }, body: '' };
  });
}
