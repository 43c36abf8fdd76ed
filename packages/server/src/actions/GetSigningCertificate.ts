import { action } from './action.js';
import { getSigningCertificate } from '../domain/federation/saml-keys.js';

export default action(async (cognate, input: { UserPoolId: string }) => ({ Certificate: await getSigningCertificate(cognate, input.UserPoolId) }));
