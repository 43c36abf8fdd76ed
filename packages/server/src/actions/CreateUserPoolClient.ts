import { action } from './action.js';
import { userPoolClientType } from './shapes.js';
import { createAppClient } from '../domain/pool-admin.js';

export default action(async (cognate, input: { UserPoolId: string; ClientName: string } & Record<string, any>) => ({ UserPoolClient: userPoolClientType(await createAppClient(cognate, input)) }));
