import { action } from './action.js';
import { adminCreateUser, type AdminCreateUserInput } from '../domain/admin-create-user.js';
import { userType } from './shapes.js';

export default action(async (cognate, input: AdminCreateUserInput) => ({ User: userType(await adminCreateUser(cognate, input)) }));
