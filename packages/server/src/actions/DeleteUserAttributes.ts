import { action } from './action.js';
import { deleteUserAttributes } from '../domain/self-service.js';

export default action((cognate, input: { AccessToken: string; UserAttributeNames: string[] }) => deleteUserAttributes(cognate, input));
