/**
 * RespondToAuthChallenge and AdminRespondToAuthChallenge: the answer goes to the registered
 * handler for its ChallengeName (challenges/index.ts), and what it proved to the pipeline.
 */
import { errors } from '../../errors.js';
import type { Cognate } from '../cognate.js';
import { clientAndPool } from '../client-context.js';
import type { UserPool } from '../user-pools.js';
import { challengeHandler } from './challenges/index.js';
import { continueSignIn } from './pipeline.js';
import type { AuthResponse, ChallengeName, Params } from './types.js';

export interface RespondInput {
  ClientId: string;
  ChallengeName: string;
  Session?: string;
  ChallengeResponses?: Params;
  ClientMetadata?: Record<string, string>;
}

/** RespondToAuthChallenge; AdminRespondToAuthChallenge passes the pool it named. */
export async function respondToAuthChallenge(cognate: Cognate, input: RespondInput, pool?: UserPool): Promise<AuthResponse> {
  const found = pool ? { pool, client: await cognate.clients.get(pool.id, input.ClientId) } : await clientAndPool(cognate, input.ClientId);
  const handler = challengeHandler(input.ChallengeName);
  if (!handler) throw errors.invalidParameter(`Invalid challenge name: ${input.ChallengeName}`);
  const outcome = await handler(cognate, {
    pool: found.pool,
    client: found.client,
    challengeName: input.ChallengeName as ChallengeName,
    responses: input.ChallengeResponses ?? {},
    session: input.Session,
    clientMetadata: input.ClientMetadata,
  });
  return continueSignIn(cognate, found.pool, found.client, outcome);
}
