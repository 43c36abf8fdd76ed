import { action } from './action.js';
import { getProvisionedLimit, type LimitDefinition } from '../domain/rate-limits/index.js';

export default action(async (cognate, input: { LimitDefinition: LimitDefinition }) => ({ Limit: await getProvisionedLimit(cognate, input) }));
