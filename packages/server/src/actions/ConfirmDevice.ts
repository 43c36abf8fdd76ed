import { action } from './action.js';
import { confirmDevice, type ConfirmDeviceInput } from '../domain/devices.js';

export default action(async (cognate, input: ConfirmDeviceInput) => confirmDevice(cognate, input));
