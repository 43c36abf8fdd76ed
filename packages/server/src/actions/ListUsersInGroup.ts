import { action } from './action.js';
import { userType } from './shapes.js';
import { usersInGroup } from '../domain/groups.js';

export default action(async (cognate, input: { UserPoolId: string; GroupName: string; Limit?: number; NextToken?: string }) => {
  const page = await usersInGroup(cognate, input);
  return { Users: page.users.map(userType), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
});
