import { action } from './action.js';
import { updateResourceServer, resourceServerType, type ResourceServerInput } from '../domain/oauth/resource-servers.js';

export default action(async (cognate, input: ResourceServerInput) => ({ ResourceServer: resourceServerType(await updateResourceServer(cognate, input)) }));
