import { action } from './action.js';
import { createUserPoolDomain, domainAuthority, type DomainInput } from '../domain/user-pool-domains.js';

export default action(async (cognate, input: DomainInput) => {
  const d = await createUserPoolDomain(cognate, input);
  return { CloudFrontDomain: domainAuthority(cognate.config, d), ManagedLoginVersion: d.managedLoginVersion };
});
