import { action } from './action.js';
import { userPoolClientType } from './shapes.js';
import { updateAppClient } from '../domain/pool-admin.js';

export default action(async (cognate, input: any) => ({ UserPoolClient: userPoolClientType(await updateAppClient(cognate, input)) }));
