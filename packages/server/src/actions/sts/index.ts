/** The STS registry (query protocol, unsigned): action names → action modules. */
import type { QueryAction } from '../query-action.js';
import AssumeRoleWithWebIdentity from './AssumeRoleWithWebIdentity.js';

export const stsActions: Readonly<Record<string, QueryAction>> = {
  AssumeRoleWithWebIdentity,
};
