import { action } from './action.js';
import { describeResourceServer, resourceServerType } from '../domain/oauth/resource-servers.js';

export default action(async (cognate, input: { UserPoolId: string; Identifier: string }) => ({ ResourceServer: resourceServerType(await describeResourceServer(cognate, input)) }));
