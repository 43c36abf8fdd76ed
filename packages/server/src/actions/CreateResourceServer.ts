import { action } from './action.js';
import { createResourceServer, resourceServerType, type ResourceServerInput } from '../domain/oauth/resource-servers.js';

export default action(async (cognate, input: ResourceServerInput) => ({ ResourceServer: resourceServerType(await createResourceServer(cognate, input)) }));
