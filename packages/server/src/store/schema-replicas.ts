/** Tables of user-pool replicas (migration 0024_replicas; domain/replicas/). */

export interface UserPoolReplicasTable {
  pool_id: string;
  /** the secondary's region (the primary is the pool ID's prefix and has no row) */
  region: string;
  /** 'ACTIVE' | 'INACTIVE' */
  status: string;
  /** the replica ARN's tags, a JSON object of strings */
  tags: string;
  created_at: number;
  updated_at: number;
}
