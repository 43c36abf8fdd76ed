import { action } from './action.js';
import { userImportJobType } from './shapes.js';
import { describeImportJob } from '../domain/import-jobs.js';

export default action(async (cognate, input: { UserPoolId: string; JobId: string }) => ({ UserImportJob: userImportJobType(await describeImportJob(cognate, input.UserPoolId, input.JobId)) }));
