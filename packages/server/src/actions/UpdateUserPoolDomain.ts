import { action } from './action.js';
import { domainAuthority, updateUserPoolDomain, type DomainInput } from '../domain/user-pool-domains.js';

export default action(async (cognate, input: DomainInput) => {
  const d = await updateUserPoolDomain(cognate, input);
  return { CloudFrontDomain: domainAuthority(cognate.config, d), ManagedLoginVersion: d.managedLoginVersion };
});
