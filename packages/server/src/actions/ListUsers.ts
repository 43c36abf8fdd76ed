import { action } from './action.js';
import { userType } from './shapes.js';
import { listUsers, listedAttributes, type ListUsersInput } from '../domain/list-users.js';

export default action(async (cognate, input: ListUsersInput) => {
  const page = await listUsers(cognate, input);
  return {
    Users: page.users.map((user) => ({ ...userType(user), Attributes: listedAttributes(user, page.attributes) })),
    ...(page.paginationToken ? { PaginationToken: page.paginationToken } : {}),
  };
});
