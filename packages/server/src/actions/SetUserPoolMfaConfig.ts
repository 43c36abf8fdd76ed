import { action } from './action.js';
import { setUserPoolMfaConfig, type PoolMfaConfigInput } from '../domain/mfa.js';

export default action(async (cognate, input: PoolMfaConfigInput) => setUserPoolMfaConfig(cognate, input));
