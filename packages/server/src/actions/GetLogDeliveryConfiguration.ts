import { action } from './action.js';
import { getLogDeliveryConfiguration } from '../domain/threat-protection/log-delivery.js';

export default action((cognate, input: { UserPoolId: string }) => getLogDeliveryConfiguration(cognate, input));
