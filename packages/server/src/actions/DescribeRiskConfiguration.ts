import { action } from './action.js';
import { describeRiskConfiguration } from '../domain/threat-protection/risk-configuration.js';

export default action(async (cognate, input: { UserPoolId: string; ClientId?: string }) => ({ RiskConfiguration: await describeRiskConfiguration(cognate, input) }));
