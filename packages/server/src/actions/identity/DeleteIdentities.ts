import { action } from '../action.js';

export default action(async (cognate, input: { IdentityIdsToDelete: string[] }) => {
  await cognate.identity.identities.delete([...new Set(input.IdentityIdsToDelete)]);
  return { UnprocessedIdentityIds: [] };
});
