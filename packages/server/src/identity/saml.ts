/**
 * SAML logins of identity pools (SamlProviderARNs): the logins key is the provider's ARN and the
 * value the base64 SAMLResponse. Not implemented yet: such logins are refused.
 */
import { errors } from '../errors.js';
import type { Clock } from '../ports.js';
import type { ExternalProviders } from './external.js';
import type { IdentityPool } from './identity-pools.js';
import type { VerifiedLogin } from './logins.js';

export class SamlLogins {
  constructor(private readonly providers: ExternalProviders, private readonly clock: Clock) {}

  async verifyLogin(pool: IdentityPool, key: string, _token: string): Promise<VerifiedLogin | undefined> {
    if (!(pool.settings.SamlProviderARNs ?? []).includes(key)) return undefined;
    void this.providers;
    void this.clock;
    throw errors.notAuthorized('SAML logins are not supported by Cognate yet.');
  }
}
