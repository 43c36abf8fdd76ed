import { action } from './action.js';
import { updateUserPoolReplica, type ReplicaStatus } from '../domain/replicas/replicas.js';

export default action(async (cognate, input: { UserPoolId: string; RegionName: string; Status: ReplicaStatus }) => ({ UserPoolReplica: await updateUserPoolReplica(cognate, input) }));
