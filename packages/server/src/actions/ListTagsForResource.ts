import { action } from './action.js';
import { listUserPoolTags } from '../domain/user-pool-tags.js';

export default action(async (cognate, input: { ResourceArn: string }) => ({ Tags: await listUserPoolTags(cognate, input.ResourceArn) }));
