import { iamAction } from '../query-action.js';

export default iamAction(async (cognate, params) => {
  const provider = await cognate.identity.external.createSaml(params.required('Name'), params.required('SAMLMetadataDocument'), cognate.clock.now());
  return { SAMLProviderArn: provider.arn };
});
