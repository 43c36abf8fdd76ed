import { action } from './action.js';
import { errors } from '../errors.js';
import { listUserPoolReplicas } from '../domain/replicas/replicas.js';

// A pool lists its primary and at most one secondary: one page, so no NextToken is ever issued and
// any NextToken given is one this server didn't make.
export default action(async (cognate, input: { UserPoolId: string; NextToken?: string }) => {
  if (input.NextToken !== undefined) throw errors.invalidParameter('Invalid pagination token.');
  return { UserPoolReplicas: await listUserPoolReplicas(cognate, input.UserPoolId) };
});
