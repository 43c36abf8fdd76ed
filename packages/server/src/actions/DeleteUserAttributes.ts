import { action } from './action.js';
import { deleteUserAttributes } from '../domain/user-attributes.js';

export default action((cognate, input: { AccessToken: string; UserAttributeNames: string[] }) => deleteUserAttributes(cognate, input));
