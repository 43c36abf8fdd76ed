import { action } from './action.js';
import { userImportJobType } from './shapes.js';
import { createImportJob } from '../domain/import-jobs.js';
import type { PasswordHashingAlgorithm } from '../domain/imported-passwords.js';

export default action(async (cognate, input: { UserPoolId: string; JobName: string; CloudWatchLogsRoleArn: string; PasswordHashingAlgorithm?: PasswordHashingAlgorithm }) => ({
  UserImportJob: userImportJobType(await createImportJob(cognate, input)),
}));
