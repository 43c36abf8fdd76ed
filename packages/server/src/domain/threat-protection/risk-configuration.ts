/**
 * SetRiskConfiguration / DescribeRiskConfiguration, and the configuration a sign-in runs under:
 * the app client's own when it has one, else the pool's (Cognito: a client-level configuration
 * replaces the pool's for that client, it doesn't merge with it).
 *
 * `UserPoolAddOns.AdvancedSecurityMode` decides whether any of it acts: OFF nothing is assessed or
 * recorded; AUDIT every event is assessed and recorded, no action is taken; ENFORCED the actions
 * configured here are taken.
 */
import { BlockList, isIP } from 'node:net';
import { CognitoError, errors } from '../../errors.js';
import * as store from '../../store/threat-protection.js';
import type { Ports } from '../cognate.js';
import type { UserPool } from '../user-pools.js';
import { assertTier } from '../user-auth-factors.js';

export type SecurityMode = 'OFF' | 'AUDIT' | 'ENFORCED';
export type CompromisedEvent = 'SIGN_IN' | 'PASSWORD_CHANGE' | 'SIGN_UP';
export type TakeoverAction = 'BLOCK' | 'MFA_IF_CONFIGURED' | 'MFA_REQUIRED' | 'NO_ACTION';

export interface NotifyEmail {
  Subject: string;
  HtmlBody?: string;
  TextBody?: string;
}

export interface RiskConfiguration {
  CompromisedCredentialsRiskConfiguration?: { EventFilter?: CompromisedEvent[]; Actions: { EventAction: 'BLOCK' | 'NO_ACTION' } };
  AccountTakeoverRiskConfiguration?: {
    NotifyConfiguration?: { From?: string; ReplyTo?: string; SourceArn: string; BlockEmail?: NotifyEmail; NoActionEmail?: NotifyEmail; MfaEmail?: NotifyEmail };
    Actions: Partial<Record<'LowAction' | 'MediumAction' | 'HighAction', { Notify: boolean; EventAction: TakeoverAction }>>;
  };
  RiskExceptionConfiguration?: { BlockedIPRangeList?: string[]; SkippedIPRangeList?: string[] };
}

export interface SetRiskConfigurationInput extends RiskConfiguration {
  UserPoolId: string;
  ClientId?: string;
}

const POOL_TARGET = 'ALL';

/** The pool's threat-protection mode for its standard (password and SRP) sign-ins. */
export function securityMode(pool: UserPool): SecurityMode {
  const mode = (pool.settings.UserPoolAddOns as { AdvancedSecurityMode?: unknown } | undefined)?.AdvancedSecurityMode;
  return mode === 'AUDIT' || mode === 'ENFORCED' ? mode : 'OFF';
}

/**
 * The mode a sign-in runs under: CUSTOM_AUTH sign-ins under AdvancedSecurityAdditionalFlows'
 * CustomAuthMode (not set: not assessed), and only while the pool's own mode isn't OFF.
 */
export function signInMode(pool: UserPool, customAuth: boolean): SecurityMode {
  const mode = securityMode(pool);
  if (!customAuth || mode === 'OFF') return mode;
  const custom = (pool.settings.UserPoolAddOns as { AdvancedSecurityAdditionalFlows?: { CustomAuthMode?: unknown } } | undefined)?.AdvancedSecurityAdditionalFlows?.CustomAuthMode;
  return custom === 'AUDIT' || custom === 'ENFORCED' ? custom : 'OFF';
}

/** Cognito: threat protection (AUDIT or ENFORCED) is a PLUS feature; refused below it when tier gating is on. */
export function assertThreatProtectionTier(cognate: Ports<'config'>, tier: string, addOns: unknown): void {
  const mode = (addOns as { AdvancedSecurityMode?: unknown } | undefined)?.AdvancedSecurityMode;
  if (mode !== 'AUDIT' && mode !== 'ENFORCED') return;
  assertTier(cognate, { settings: { UserPoolTier: tier } } as UserPool, 'PLUS', `Threat protection (AdvancedSecurityMode ${mode})`);
}

export const addOnNotEnabled = () => new CognitoError('UserPoolAddOnNotEnabledException', 'Advanced security features are not enabled for this user pool.');

/** An IPv4 or IPv6 address or CIDR range, as the range lists take them; undefined when it isn't one. */
export function parseRange(text: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', bits, ...rest] = text.trim().split('/');
  if (rest.length) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = bits === undefined ? max : Number(bits);
  if (prefix > max) return undefined;
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' };
}

/** A BlockList of the given ranges (already validated). */
export function rangeList(ranges: readonly string[] | undefined): BlockList {
  const list = new BlockList();
  for (const r of ranges ?? []) {
    const range = parseRange(r);
    if (range) list.addSubnet(range.address, range.prefix, range.type);
  }
  return list;
}

export function inRanges(list: BlockList, ip: string | undefined): boolean {
  if (!ip) return false;
  const version = isIP(ip);
  return version !== 0 && list.check(ip, version === 4 ? 'ipv4' : 'ipv6');
}

/** The rules the model can't say. */
function validate(input: RiskConfiguration): void {
  for (const key of ['BlockedIPRangeList', 'SkippedIPRangeList'] as const) {
    for (const range of input.RiskExceptionConfiguration?.[key] ?? []) {
      if (!parseRange(range)) throw errors.invalidParameter(`Invalid IP range ${JSON.stringify(range.slice(0, 64))} in ${key}: use an IPv4 or IPv6 address or CIDR range.`);
    }
  }
  const takeover = input.AccountTakeoverRiskConfiguration;
  if (takeover) {
    const actions = Object.values(takeover.Actions ?? {});
    if (actions.some((a) => a?.Notify) && !takeover.NotifyConfiguration) {
      throw errors.invalidParameter('NotifyConfiguration is required when an account takeover action has Notify set to true.');
    }
    const notify = takeover.NotifyConfiguration;
    for (const key of ['BlockEmail', 'NoActionEmail', 'MfaEmail'] as const) {
      const email = notify?.[key];
      if (email && email.HtmlBody === undefined && email.TextBody === undefined) throw errors.invalidParameter(`${key} needs an HtmlBody or a TextBody.`);
    }
  }
}

function stored(input: SetRiskConfigurationInput): RiskConfiguration {
  const out: RiskConfiguration = {};
  if (input.CompromisedCredentialsRiskConfiguration) out.CompromisedCredentialsRiskConfiguration = input.CompromisedCredentialsRiskConfiguration;
  if (input.AccountTakeoverRiskConfiguration) out.AccountTakeoverRiskConfiguration = input.AccountTakeoverRiskConfiguration;
  if (input.RiskExceptionConfiguration) out.RiskExceptionConfiguration = input.RiskExceptionConfiguration;
  return out;
}

function view(poolId: string, clientId: string | undefined, row: { config: string; updated_at: number } | undefined) {
  const config = row ? (JSON.parse(row.config) as RiskConfiguration) : {};
  return { UserPoolId: poolId, ...(clientId ? { ClientId: clientId } : {}), ...config, ...(row ? { LastModifiedDate: row.updated_at / 1000 } : {}) };
}

/** SetRiskConfiguration: replaces the pool's (or the client's) whole configuration. */
export async function setRiskConfiguration(cognate: Ports<'clients' | 'clock' | 'pools' | 'store'>, input: SetRiskConfigurationInput) {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (input.ClientId !== undefined) await cognate.clients.get(pool.id, input.ClientId);
  if (securityMode(pool) === 'OFF') throw addOnNotEnabled();
  validate(input);
  const now = cognate.clock.now();
  const target = input.ClientId ?? POOL_TARGET;
  const config = JSON.stringify(stored(input));
  await store.putRiskConfiguration(cognate.store.db, { pool_id: pool.id, target, client_id: input.ClientId ?? null, config, updated_at: now });
  return view(pool.id, input.ClientId, { config, updated_at: now });
}

/** DescribeRiskConfiguration: the client's own configuration, else the pool's. */
export async function describeRiskConfiguration(cognate: Ports<'clients' | 'pools' | 'store'>, input: { UserPoolId: string; ClientId?: string }) {
  const pool = await cognate.pools.get(input.UserPoolId);
  if (input.ClientId !== undefined) await cognate.clients.get(pool.id, input.ClientId);
  const own = input.ClientId ? await store.findRiskConfiguration(cognate.store.db, pool.id, input.ClientId) : undefined;
  if (own) return view(pool.id, input.ClientId, own);
  return view(pool.id, undefined, await store.findRiskConfiguration(cognate.store.db, pool.id, POOL_TARGET));
}

/** The configuration a sign-in of this client runs under. */
export async function effectiveRiskConfiguration(cognate: Ports<'store'>, pool: UserPool, clientId: string | undefined): Promise<RiskConfiguration> {
  const rows = await store.riskConfigurationsFor(cognate.store.db, pool.id, clientId);
  const row = rows.find((r) => r.target !== POOL_TARGET) ?? rows.find((r) => r.target === POOL_TARGET);
  return row ? (JSON.parse(row.config) as RiskConfiguration) : {};
}

/** Whether the compromised-credentials check applies to this event (no EventFilter: every event). */
export function checksCompromised(config: RiskConfiguration, event: CompromisedEvent): boolean {
  const cc = config.CompromisedCredentialsRiskConfiguration;
  if (!cc) return false;
  return !cc.EventFilter || cc.EventFilter.length === 0 || cc.EventFilter.includes(event);
}
