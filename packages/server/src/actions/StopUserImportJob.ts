import { action } from './action.js';
import { userImportJobType } from './shapes.js';
import { stopImportJob } from '../domain/import-jobs.js';

export default action(async (cognate, input: { UserPoolId: string; JobId: string }) => ({ UserImportJob: userImportJobType(await stopImportJob(cognate, input.UserPoolId, input.JobId)) }));
