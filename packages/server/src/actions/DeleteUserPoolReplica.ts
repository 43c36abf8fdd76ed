import { action } from './action.js';
import { deleteUserPoolReplica } from '../domain/replicas/replicas.js';

export default action(async (cognate, input: { UserPoolId: string; RegionName: string }) => ({ UserPoolReplica: await deleteUserPoolReplica(cognate, input) }));
