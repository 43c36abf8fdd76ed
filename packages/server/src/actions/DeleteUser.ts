import { action } from './action.js';
import { deleteUser } from '../domain/self-service.js';

export default action((cognate, input: { AccessToken: string }) => deleteUser(cognate, input));
