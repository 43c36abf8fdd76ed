import { action, pageToken } from './action.js';
import { userPoolDescriptionType } from './shapes.js';
import { replicasOfPools, servedIn } from '../domain/replicas/replicas.js';

export default action(async (cognate, input: { MaxResults: number; NextToken?: string }, request) => {
  const after = pageToken.decode(input.NextToken, /^[\w-]+_[0-9a-zA-Z]+$/);
  const page = await cognate.pools.list(input.MaxResults, after);
  const next = pageToken.encode(page.next);
  const replicas = await replicasOfPools(cognate, page.pools.map((p) => p.id));
  // A pool with replicas exists only in its primary's and replicas' regions (docs/replicas.md).
  const region = request.region ?? cognate.config.region;
  const shown = page.pools.filter((p) => servedIn(p.id, replicas.get(p.id) ?? [], region));
  return { UserPools: shown.map((p) => userPoolDescriptionType(p, replicas.get(p.id) ?? [])), ...(next ? { NextToken: next } : {}) };
});
