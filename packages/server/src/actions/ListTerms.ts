import { action, pageToken } from './action.js';
import { listTerms, termsDescriptionType } from '../domain/oauth/terms.js';

/** MaxResults 1–60 (the model checks it). */
export default action(async (cognate, input: { UserPoolId: string; MaxResults?: number; NextToken?: string }) => {
  const after = pageToken.decode(input.NextToken, /^[0-9a-f-]{36}$/);
  const page = await listTerms(cognate, input.UserPoolId, input.MaxResults ?? 60, after);
  const next = pageToken.encode(page.next);
  return { Terms: page.terms.map(termsDescriptionType), ...(next ? { NextToken: next } : {}) };
});
