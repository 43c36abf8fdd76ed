/**
 * SAML sign-in through a user pool, both ways Cognito offers (cognito-user-pools-SAML-session-initiation):
 * - SP-initiated: {@link samlAuthnRedirect} sends the browser to the IdP with an AuthnRequest whose
 *   ID is `_` + the FederationRequest's id and whose RelayState is `<poolId>.<id>`; the answer comes back
 *   to `/saml2/idpresponse`, where the request is taken (once) and must be what the assertion's
 *   InResponseTo names;
 * - IdP-initiated (provider IDPInit "true" only): an assertion with no InResponseTo, issued within
 *   6 minutes, with the app's authorize parameters as RelayState.
 * Either way {@link samlResponseSignIn} verifies the response (saml-response.ts), spends the
 * assertion's ID in the database (a replay is refused on every node until the assertion expires),
 * and signs the NameID's user in (federated-sign-in.ts). With IDPSignout, the hosted session
 * remembers the NameID and SessionIndex so `/logout` can send the IdP a LogoutRequest
 * ({@link samlLogoutRedirect}).
 */
import { createHash } from 'node:crypto';
import * as samlStore from '../../store/saml.js';
import type { Cognate, Ports } from '../cognate.js';
import type { AppClient } from '../app-clients.js';
import type { HostedSignedIn } from '../oauth/hosted-sign-in.js';
import type { UserPool } from '../user-pools.js';
import { federatedSignIn } from './federated-sign-in.js';
import { findIdentityProvider, type IdentityProvider } from './providers.js';
import { beginFederation } from './requests.js';
import { poolSigningKey, providerEncryptionKey } from './saml-keys.js';
import { authnRequestXml, logoutRequestXml, messageId, redirectBindingUrl, spEntityId } from './saml-messages.js';
import { providerMetadata } from './saml-metadata.js';
import { SamlResponseError, verifySamlResponse } from './saml-response.js';

/** The URL that sends the browser to the IdP with a (signed, when RequestSigningAlgorithm is set) AuthnRequest, and the request's id. */
export async function samlAuthnRedirect(
  cognate: Ports<'clock' | 'secrets' | 'store'>,
  input: { pool: UserPool; client: AppClient; provider: IdentityProvider; returnQuery: string; acsUrl: string },
): Promise<{ url: string; requestId: string }> {
  const metadata = await providerMetadata(cognate, input.provider);
  const request = await beginFederation(cognate, { pool: input.pool, clientId: input.client.id, provider: input.provider, returnQuery: input.returnQuery });
  const destination = metadata.ssoRedirect!;
  const xml = authnRequestXml({ id: `_${request.id}`, poolId: input.pool.id, destination, acsUrl: input.acsUrl, now: cognate.clock.now() });
  const key = input.provider.details.RequestSigningAlgorithm === 'rsa-sha256' ? await poolSigningKey(cognate, input.pool) : undefined;
  return { url: redirectBindingUrl(destination, xml, `${input.pool.id}.${request.id}`, key), requestId: request.id };
}

const flatten = (attributes: Record<string, string[]>): Record<string, string | string[]> =>
  Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));

/**
 * Verifies a SAML response from `provider` and signs its subject in. `inResponseTo` is the
 * AuthnRequest's ID (SP-initiated) or undefined (IdP-initiated: then the provider must allow it).
 * Throws SamlResponseError for a response that is refused.
 */
export async function samlResponseSignIn(
  cognate: Cognate,
  input: { pool: UserPool; client: AppClient; provider: IdentityProvider; xml: string; acsUrl: string; inResponseTo: string | undefined; previousSecret?: string | undefined },
): Promise<HostedSignedIn> {
  const { pool, provider } = input;
  if (provider.type !== 'SAML') throw new SamlResponseError(`${provider.name} is not a SAML provider`);
  if (input.inResponseTo === undefined && provider.details.IDPInit !== 'true') throw new SamlResponseError(`an unsolicited response, and ${provider.name} does not allow IdP-initiated sign-in`);
  const metadata = await providerMetadata(cognate, provider);
  const encryptionKey = provider.details.EncryptedResponses === 'true' ? await providerEncryptionKey(cognate, pool, provider.name) : undefined;
  if (provider.details.EncryptedResponses === 'true' && !encryptionKey) throw new SamlResponseError('the provider has no encryption key');
  const now = cognate.clock.now();
  const assertion = await verifySamlResponse({ xml: input.xml, metadata, poolId: pool.id, spEntityId: spEntityId(pool.id), acsUrl: input.acsUrl, inResponseTo: input.inResponseTo, encryptionKey, now });
  const idHash = createHash('sha256').update(`${assertion.issuer}\n${assertion.id}`).digest('hex');
  if (!(await samlStore.spendAssertion(cognate.store.db, pool.id, idHash, assertion.expiresAt, now))) throw new SamlResponseError(`assertion ${assertion.id} was used already`);
  if (idHash.startsWith('00')) await samlStore.pruneSpent(cognate.store.db, now);

  const claims = flatten(assertion.attributes);
  const samlResponse = Object.fromEntries(Object.entries(assertion.attributes).map(([k, v]) => [k, v.join(',')]));
  const signedIn = await federatedSignIn(cognate, { pool, client: input.client, provider, subject: assertion.nameId, claims, previousSecret: input.previousSecret, sources: { samlResponse } });
  if (provider.details.IDPSignout === 'true') {
    await samlStore.insertSession(cognate.store.db, {
      session_id: signedIn.session.id,
      pool_id: pool.id,
      provider_name: provider.name,
      name_id: assertion.nameId,
      name_id_format: assertion.nameIdFormat,
      session_index: assertion.sessionIndex,
      expires_at: signedIn.session.expiresAt,
    });
    if (idHash.startsWith('01')) await samlStore.pruneSessions(cognate.store.db, now);
  }
  return signedIn;
}

/** What a LogoutRequest's RelayState carries, sealed: where to go once the IdP answers. */
export interface SamlLogoutState {
  poolId: string;
  /** the LogoutRequest's ID, which the LogoutResponse's InResponseTo must name */
  requestId: string;
  providerName: string;
  /** the validated URL to continue at (a LogoutURL of the client, or `/login?…`) */
  continueTo: string;
}

const LOGOUT_AAD = 'saml-logout-relay-state';
const LOGOUT_STATE_MS = 10 * 60_000;

/**
 * At `/logout` of a hosted session that a SAML provider with IDPSignout signed in: the URL of the
 * IdP's SingleLogoutService with a signed LogoutRequest, whose answer comes to `/saml2/logout` and
 * then continues to `continueTo`. Undefined when the session was not such a sign-in.
 */
export async function samlLogoutRedirect(cognate: Ports<'clock' | 'secrets' | 'store'>, input: { pool: UserPool; hostedSessionId: string; continueTo: string }): Promise<string | undefined> {
  const facts = await samlStore.takeSession(cognate.store.db, input.hostedSessionId);
  if (!facts || facts.pool_id !== input.pool.id) return undefined;
  const provider = await findIdentityProvider(cognate, input.pool, facts.provider_name);
  if (!provider || provider.type !== 'SAML' || provider.details.IDPSignout !== 'true') return undefined;
  const metadata = await providerMetadata(cognate, provider);
  if (!metadata.sloRedirect) return undefined;
  const now = cognate.clock.now();
  const requestId = messageId();
  const xml = logoutRequestXml({ id: requestId, poolId: input.pool.id, destination: metadata.sloRedirect, nameId: facts.name_id, nameIdFormat: facts.name_id_format, sessionIndex: facts.session_index, now });
  const state: SamlLogoutState = { poolId: input.pool.id, requestId, providerName: provider.name, continueTo: input.continueTo };
  const relayState = cognate.secrets.sessions.sealJson(state, LOGOUT_AAD, now + LOGOUT_STATE_MS);
  return redirectBindingUrl(metadata.sloRedirect, xml, relayState, await poolSigningKey(cognate, input.pool));
}

/** The logout in progress a `/saml2/logout` RelayState names, if it is ours and current. */
export function openSamlLogoutState(cognate: Ports<'clock' | 'secrets'>, relayState: string | undefined): SamlLogoutState | undefined {
  if (!relayState || relayState.length > 2048) return undefined;
  return cognate.secrets.sessions.openJson<SamlLogoutState>(relayState, LOGOUT_AAD, cognate.clock.now()) ?? undefined;
}
