import { action } from './action.js';
import { describeUserPoolDomain, domainDescription } from '../domain/user-pool-domains.js';

export default action(async (cognate, input: { Domain: string }) => {
  const d = await describeUserPoolDomain(cognate, input.Domain);
  return { DomainDescription: d ? domainDescription(cognate.config, d) : {} };
});
