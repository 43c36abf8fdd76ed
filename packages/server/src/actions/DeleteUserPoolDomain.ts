import { action } from './action.js';
import { deleteUserPoolDomain } from '../domain/user-pool-domains.js';

export default action(async (cognate, input: { UserPoolId: string; Domain: string }) => {
  await deleteUserPoolDomain(cognate, input);
  return {};
});
