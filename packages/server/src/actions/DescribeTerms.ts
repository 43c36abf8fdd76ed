import { action } from './action.js';
import { describeTerms, termsType } from '../domain/oauth/terms.js';

export default action(async (cognate, input: { UserPoolId: string; TermsId: string }) => ({ Terms: termsType(await describeTerms(cognate, input)) }));
