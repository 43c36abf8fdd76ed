import { action } from './action.js';
import { createTerms, termsType, type TermsInput, type TermsName } from '../domain/oauth/terms.js';

export default action(async (cognate, input: TermsInput & { ClientId: string; TermsName: TermsName }) => ({ Terms: termsType(await createTerms(cognate, input)) }));
