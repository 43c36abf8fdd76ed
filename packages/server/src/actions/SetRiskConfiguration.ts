import { action } from './action.js';
import { setRiskConfiguration, type SetRiskConfigurationInput } from '../domain/threat-protection/risk-configuration.js';

export default action(async (cognate, input: SetRiskConfigurationInput) => ({ RiskConfiguration: await setRiskConfiguration(cognate, input) }));
