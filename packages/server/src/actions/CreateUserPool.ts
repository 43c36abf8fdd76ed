import { action } from './action.js';
import { userPoolType } from './shapes.js';
import { createUserPool } from '../domain/pool-admin.js';
import type { CreateInput } from '../domain/user-pools.js';

export default action(async (cognate, input: CreateInput) => ({ UserPool: userPoolType(await createUserPool(cognate, input), 0) }));
