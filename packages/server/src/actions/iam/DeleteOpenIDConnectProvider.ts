import { iamAction } from '../query-action.js';

export default iamAction(async (cognate, params) => {
  await cognate.identity.external.delete(params.required('OpenIDConnectProviderArn'));
  return undefined;
});
