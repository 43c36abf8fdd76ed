/**
 * What a Cognito Sync action module is (one per operation, registered in actions/index.ts): who may
 * call it and a thin handler from validated input to the output shape.
 */
import type { Cognate } from '../domain/cognate.js';
import type { SyncCaller } from './auth.js';

export interface SyncContext {
  caller: SyncCaller;
  requestId: string;
  /** The region of the request's SigV4 scope. */
  region: string;
}

export interface SyncAction<I = any, O = unknown> {
  /**
   * `identity`: an identity's own data, called with that identity's credentials (under its role's
   * policy) or with the admin keys; `developer`: the admin keys only (pool-wide calls).
   */
  callers: 'identity' | 'developer';
  handle(cognate: Cognate, input: I, ctx: SyncContext): Promise<O>;
}

/** Defines an action with typed input and output. */
export const syncAction = <I, O>(a: SyncAction<I, O>): SyncAction<I, O> => a;
