import { action } from '../action.js';
import { epochSeconds } from '../../ports.js';

export default action(async (cognate, input: { IdentityId: string }) => {
  const identity = await cognate.identity.identities.get(input.IdentityId);
  const logins = await cognate.identity.identities.logins(identity.id);
  return {
    IdentityId: identity.id,
    Logins: [...new Set(logins.map((l) => l.provider))],
    CreationDate: epochSeconds(identity.createdAt),
    LastModifiedDate: epochSeconds(identity.updatedAt),
  };
});
