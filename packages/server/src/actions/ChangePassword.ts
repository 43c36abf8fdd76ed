import { action } from './action.js';
import { changePassword } from '../domain/change-password.js';

export default action((cognate, input: { AccessToken: string; PreviousPassword?: string; ProposedPassword: string }) => changePassword(cognate, input));
