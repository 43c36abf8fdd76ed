/**
 * What an action module is: a thin handler that takes the validated input (the API model has
 * already checked shapes and constraints), calls the domain and shapes the output.
 */
import type { Cognate } from '../domain/cognate.js';
import { errors } from '../errors.js';

export interface RequestInfo {
  requestId: string;
  sourceIp: string;
  /** The region the request is served as (docs/replicas.md): its SigV4 scope's, else the node's. */
  region?: string;
}

export type Action<I = any, O = unknown> = (cognate: Cognate, input: I, request: RequestInfo) => Promise<O>;

/** Defines an action with typed input and output. */
export const action = <I, O>(handler: Action<I, O>): Action<I, O> => handler;

/** Opaque pagination tokens: the last key of the previous page, base64url-encoded. */
export const pageToken = {
  encode: (key: string | undefined) => (key === undefined ? undefined : Buffer.from(key, 'utf8').toString('base64url')),
  decode: (token: string | undefined, valid: RegExp): string | undefined => {
    if (token === undefined) return undefined;
    const key = Buffer.from(token, 'base64url').toString('utf8');
    if (!valid.test(key)) throw errors.invalidParameter('Invalid pagination token.');
    return key;
  },
};
