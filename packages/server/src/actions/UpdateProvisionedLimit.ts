import { action } from './action.js';
import { updateProvisionedLimit, type LimitDefinition } from '../domain/rate-limits/index.js';

export default action(async (cognate, input: { LimitDefinition: LimitDefinition; RequestedLimitValue: number }) => ({ Limit: await updateProvisionedLimit(cognate, input) }));
