import { action } from './action.js';
import { deleteTerms } from '../domain/oauth/terms.js';

export default action(async (cognate, input: { UserPoolId: string; TermsId: string }) => {
  await deleteTerms(cognate, input);
  return {};
});
