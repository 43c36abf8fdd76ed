import { action } from './action.js';
import { domainHost, updateUserPoolDomain, type DomainInput } from '../domain/user-pool-domains.js';

export default action(async (cognate, input: DomainInput) => {
  const d = await updateUserPoolDomain(cognate, input);
  return { CloudFrontDomain: domainHost(cognate.config, d), ManagedLoginVersion: d.managedLoginVersion };
});
