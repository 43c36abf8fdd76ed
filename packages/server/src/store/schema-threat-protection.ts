/**
 * The table types of threat protection (risk configurations, auth events, log delivery), split from
 * schema.ts, which re-exports them and lists every table in `Database`.
 */

/** SetRiskConfiguration (domain/threat-protection/): target 'ALL' for the pool, else the client id; config is JSON. */
export interface RiskConfigurationsTable {
  pool_id: string;
  target: string;
  client_id: string | null;
  config: string;
  updated_at: number;
}

/** An auth event (AdminListUserAuthEvents; domain/threat-protection/auth-events.ts): user_id null for an unknown name. */
export interface AuthEventsTable {
  id: string;
  pool_id: string;
  user_id: string | null;
  client_id: string | null;
  event_type: string;
  created_at: number;
  response: string;
  risk_level: string | null;
  risk_decision: string;
  compromised: number;
  challenges: string;
  ip: string | null;
  device_name: string | null;
  device_key: string | null;
  feedback_token_hash: string | null;
  feedback_value: string | null;
  feedback_provider: string | null;
  feedback_at: number | null;
  /** 'refresh' for a token refresh (never a known address or device); null for other events (0025) */
  source?: string | null;
}

/** SetLogDeliveryConfiguration: the pool's LogConfigurations (JSON). */
export interface LogDeliveryConfigurationsTable {
  pool_id: string;
  config: string;
  updated_at: number;
}
