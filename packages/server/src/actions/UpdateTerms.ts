import { action } from './action.js';
import { termsType, updateTerms, type TermsInput } from '../domain/oauth/terms.js';

export default action(async (cognate, input: TermsInput & { TermsId: string }) => ({ Terms: termsType(await updateTerms(cognate, input)) }));
