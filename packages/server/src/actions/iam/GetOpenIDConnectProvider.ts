import { iamAction } from '../query-action.js';
import { iamErrors } from '../../identity/iam-errors.js';

export default iamAction(async (cognate, params) => {
  const provider = await cognate.identity.external.findOidc(params.required('OpenIDConnectProviderArn'));
  if (!provider) throw iamErrors.noSuchEntity('The OpenID Connect provider cannot be found.');
  return { Url: provider.url.replace(/^https?:\/\//, ''), ClientIDList: provider.clientIds };
});
