import { action } from './action.js';
import { groupType } from './shapes.js';
import { groupsForUser } from '../domain/groups.js';

export default action(async (cognate, input: { UserPoolId: string; Username: string; Limit?: number; NextToken?: string }) => {
  const page = await groupsForUser(cognate, input);
  return { Groups: page.groups.map(groupType), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
});
