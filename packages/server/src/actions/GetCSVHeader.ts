import { action } from './action.js';
import { getCsvHeader } from '../domain/import-jobs.js';

export default action(async (cognate, input: { UserPoolId: string }) => {
  const { poolId, header } = await getCsvHeader(cognate, input.UserPoolId);
  return { UserPoolId: poolId, CSVHeader: header };
});
