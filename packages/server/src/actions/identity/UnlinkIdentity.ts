import { action } from '../action.js';
import { unlinkIdentity } from '../../identity/federation.js';

export default action(async (cognate, input: { IdentityId: string; Logins: Record<string, string>; LoginsToRemove: string[] }) => {
  await unlinkIdentity(cognate, input);
  return {};
});
