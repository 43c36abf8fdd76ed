import { action } from './action.js';
import { groupType } from './shapes.js';
import { listGroups } from '../domain/groups.js';

export default action(async (cognate, input: { UserPoolId: string; Limit?: number; NextToken?: string }) => {
  const page = await listGroups(cognate, input);
  return { Groups: page.groups.map(groupType), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
});
