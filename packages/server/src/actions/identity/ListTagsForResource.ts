import { action } from '../action.js';

export default action(async (cognate, input: { ResourceArn: string }) => ({ Tags: (await cognate.identity.pools.byArn(input.ResourceArn)).tags }));
