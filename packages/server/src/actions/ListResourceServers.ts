import { action, pageToken } from './action.js';
import { listResourceServers, resourceServerType } from '../domain/oauth/resource-servers.js';

/** MaxResults 1–50 (the model checks it); Cognito's default page is 50 here too. */
export default action(async (cognate, input: { UserPoolId: string; MaxResults?: number; NextToken?: string }) => {
  const after = pageToken.decode(input.NextToken, /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/);
  const page = await listResourceServers(cognate, input.UserPoolId, input.MaxResults ?? 50, after);
  const next = pageToken.encode(page.next);
  return { ResourceServers: page.servers.map(resourceServerType), ...(next ? { NextToken: next } : {}) };
});
