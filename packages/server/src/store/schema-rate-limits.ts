/**
 * The table types of the request-rate limits (domain/rate-limits/), split from schema.ts, which
 * re-exports them and lists every table in `Database`.
 */

/** UpdateProvisionedLimit: the provisioned rate (requests per second) of an API category. */
export interface ProvisionedLimitsTable {
  category: string;
  value: number;
  updated_at: number;
}

/** One node's admitted requests for a (scope, bucket) in one second (epoch seconds). */
export interface RateLimitCountsTable {
  scope: string;
  bucket: string;
  second: number;
  node: string;
  count: number;
}
