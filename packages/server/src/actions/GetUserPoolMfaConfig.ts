import { action } from './action.js';
import { poolMfaConfig } from '../domain/mfa.js';

export default action(async (cognate, input: { UserPoolId: string }) => poolMfaConfig(await cognate.pools.get(input.UserPoolId)));
