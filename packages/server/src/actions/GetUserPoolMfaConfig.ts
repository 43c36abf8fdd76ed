import { action } from './action.js';
import { poolMfaConfig } from '../domain/mfa.js';

export default action(async (cognate, input: { UserPoolId: string }) => poolMfaConfig(cognate, await cognate.pools.get(input.UserPoolId)));
