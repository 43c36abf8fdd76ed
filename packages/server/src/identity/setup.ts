/**
 * What `cognate identity-pool create` does in one step: an identity pool linked to user pool
 * clients, with an authenticated and an unauthenticated role whose trust policies admit only this
 * pool's identities (the trust policy Cognito's console writes) and whose permissions are the
 * policies given (none: the verifier then denies everything).
 */
import type { Ports } from '../domain/cognate.js';
import { identityPoolType, type IdentityPoolInput } from './identity-pools.js';
import { parsePolicy } from './policy.js';

export interface IdentityPoolSetup {
  name: string;
  allowGuests: boolean;
  /** `<userPoolId>:<clientId>` pairs. */
  providers: string[];
  developerProviderName?: string;
  authPolicy?: string;
  unauthPolicy?: string;
}

/** The trust policy of an identity pool's role (Cognito's console default). */
export function identityPoolTrust(identityPoolId: string, amr: 'authenticated' | 'unauthenticated'): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPoolId }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr } },
      },
    ],
  };
}

/** The CreateIdentityPool input the set-up sends (the CLI checks it against the API model first, as the API would). */
export function identityPoolInput(region: string, p: IdentityPoolSetup): IdentityPoolInput {
  const providers = p.providers.map((pair) => {
    const i = pair.lastIndexOf(':');
    if (i < 0) throw new Error(`--provider takes <userPoolId>:<clientId>, not ${pair}`);
    return { ProviderName: `cognito-idp.${region}.amazonaws.com/${pair.slice(0, i)}`, ClientId: pair.slice(i + 1) };
  });
  return {
    IdentityPoolName: p.name,
    AllowUnauthenticatedIdentities: p.allowGuests,
    ...(providers.length > 0 ? { CognitoIdentityProviders: providers } : {}),
    ...(p.developerProviderName ? { DeveloperProviderName: p.developerProviderName } : {}),
  };
}

export async function setUpIdentityPool(cognate: Ports<'clock' | 'config' | 'identity'>, p: IdentityPoolSetup): Promise<{ pool: Record<string, unknown>; authRoleArn: string; unauthRoleArn: string }> {
  // Checked before anything is written, so a bad policy leaves no half-made pool behind.
  if (p.authPolicy !== undefined) parsePolicy(p.authPolicy);
  if (p.unauthPolicy !== undefined) parsePolicy(p.unauthPolicy);
  const now = cognate.clock.now();
  const pool = await cognate.identity.pools.create(identityPoolInput(cognate.config.region, p), now);
  const base = `Cognito_${p.name.replace(/[^\w+=,.@-]/g, '')}_${pool.id.slice(pool.id.indexOf(':') + 1, pool.id.indexOf(':') + 9)}`.slice(0, 50);
  const auth = await cognate.identity.roles.create({ name: `${base}_Auth_Role`, trust: identityPoolTrust(pool.id, 'authenticated'), policies: p.authPolicy ? { default: p.authPolicy } : {} }, now);
  const unauth = await cognate.identity.roles.create({ name: `${base}_Unauth_Role`, trust: identityPoolTrust(pool.id, 'unauthenticated'), policies: p.unauthPolicy ? { default: p.unauthPolicy } : {} }, now);
  await cognate.identity.pools.setRoles(pool.id, { authenticated: auth.arn, unauthenticated: unauth.arn }, undefined, now);
  return { pool: identityPoolType(pool), authRoleArn: auth.arn, unauthRoleArn: unauth.arn };
}
