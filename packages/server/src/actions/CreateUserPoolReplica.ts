import { action } from './action.js';
import { createUserPoolReplica } from '../domain/replicas/replicas.js';

export default action(async (cognate, input: { UserPoolId: string; RegionName: string; UserPoolTags?: Record<string, string> }) => ({
  UserPoolReplica: await createUserPoolReplica(cognate, input),
}));
