import { action } from './action.js';
import { userImportJobType } from './shapes.js';
import { listImportJobs } from '../domain/import-jobs.js';

export default action(async (cognate, input: { UserPoolId: string; MaxResults: number; PaginationToken?: string }) => {
  const page = await listImportJobs(cognate, input);
  // UserImportJobsListType has at least one member: an empty list is left out.
  return { ...(page.jobs.length > 0 ? { UserImportJobs: page.jobs.map(userImportJobType) } : {}), ...(page.paginationToken ? { PaginationToken: page.paginationToken } : {}) };
});
