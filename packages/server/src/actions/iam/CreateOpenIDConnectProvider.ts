import { iamAction } from '../query-action.js';

export default iamAction(async (cognate, params) => {
  const clientIds = params.list('ClientIDList');
  const provider = await cognate.identity.external.createOidc(params.required('Url'), clientIds, cognate.clock.now());
  return { OpenIDConnectProviderArn: provider.arn };
});
