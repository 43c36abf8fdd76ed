/**
 * The table types of scale-out (issue 16), split from schema.ts, which re-exports them and lists
 * every table in `Database`.
 */

/** A single runner's lease (store/leases.ts): `holder` runs `name` until `expires_at` (epoch ms) unless it renews. */
export interface RunnerLeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}
