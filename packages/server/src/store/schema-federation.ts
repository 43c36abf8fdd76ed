/**
 * The table types of federation (identity providers, provider links, outbound requests, SAML),
 * split from schema.ts, which re-exports them and lists every table in `Database`.
 */
/** An external identity provider of a user pool (domain/federation/providers.ts). */
export interface IdentityProvidersTable {
  pool_id: string;
  name: string;
  type: string;
  /** JSON: the ProviderDetails that aren't secret; `secrets_sealed`: the others (client_secret, private_key), sealed */
  details: string;
  secrets_sealed: string | null;
  /** JSON: pool attribute → provider attribute */
  attribute_mapping: string;
  created_at: number;
  updated_at: number;
}

/** One of a provider's IdpIdentifiers (unique in the pool), at its place in the provider's list. */
export interface IdentityProviderIdentifiersTable {
  pool_id: string;
  identifier: string;
  provider_name: string;
  position: number;
}

/** A user's identity at a provider (domain/federation/links.ts): attribute `Cognito_Subject`, or the one AdminLinkProviderForUser matched on. */
export interface ProviderLinksTable {
  pool_id: string;
  provider_name: string;
  attribute_name: string;
  attribute_value: string;
  user_id: string;
  /** a SAML identity's issuer (the IdP's entity ID); null for others, and until a linked identity signs in */
  issuer: string | null;
  created_at: number;
}

/** An outbound request toward a provider (domain/federation/requests.ts), keyed by the SHA-256 (hex) of its id. */
export interface FederationRequestsTable {
  id_hash: string;
  pool_id: string;
  client_id: string;
  provider_name: string;
  return_query: string;
  nonce: string;
  code_verifier: string;
  created_at: number;
  expires_at: number;
}

/** The pool's SAML keys (domain/federation/saml-keys.ts): signing per pool, encryption per provider. */
export interface SamlKeysTable {
  pool_id: string;
  /** `signing` or `encryption` */
  purpose: string;
  /** '' for the pool's signing key */
  provider_name: string;
  /** PKCS#8 PEM, sealed under the master key */
  private_key_sealed: string;
  /** the self-signed X.509 certificate, base64 DER */
  certificate: string;
  created_at: number;
}

/** SAML assertion IDs already used (domain/federation/saml-response.ts): SHA-256 of issuer and ID. */
export interface SamlSpentAssertionsTable {
  pool_id: string;
  id_hash: string;
  expires_at: number;
}

/** A SAML sign-in's hosted session, for single logout (IDPSignout). */
export interface SamlSessionsTable {
  /** the hosted session's id (the hash of its cookie) */
  session_id: string;
  pool_id: string;
  provider_name: string;
  name_id: string;
  name_id_format: string | null;
  session_index: string | null;
  expires_at: number;
}
