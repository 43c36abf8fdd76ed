/** The parameters of a sign-in step (AuthParameters, ChallengeResponses): string to string. */
import { errors } from '../errors.js';

export type Params = Record<string, string>;

/** A parameter the step can't go on without: missing or empty is Cognito's InvalidParameterException. */
export function required(params: Params | undefined, name: string): string {
  const value = params?.[name];
  if (value === undefined || value === '') throw errors.invalidParameter(`Missing required parameter ${name}`);
  return value;
}
