import { action } from './action.js';
import { setLogDeliveryConfiguration, type LogConfiguration } from '../domain/threat-protection/log-delivery.js';

export default action((cognate, input: { UserPoolId: string; LogConfigurations: LogConfiguration[] }) => setLogDeliveryConfiguration(cognate, input));
