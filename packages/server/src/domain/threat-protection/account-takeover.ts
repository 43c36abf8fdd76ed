/**
 * Account-takeover risk from a few signals anyone can check (README.md beside this file), not a
 * model: the sign-in's address and device against the addresses and devices of the user's earlier
 * successful sign-ins, and the user's recent failed attempts. Points add up to a level.
 */
import { isIP } from 'node:net';
import * as store from '../../store/threat-protection.js';
import type { Executor } from '../../store/db.js';
import type { RiskLevel } from './auth-events.js';

/** How far back the history reaches. */
export const HISTORY_MS = 90 * 24 * 3600_000;
/** The window of "recent" failed attempts. */
export const FAILURE_WINDOW_MS = 3600_000;

export interface Signals {
  /** the user has no successful sign-in to compare with: the address and device signals stay quiet */
  firstSignIn: boolean;
  /** no earlier successful sign-in came from this address */
  newIp: boolean;
  /** ... nor from its network (/24 for IPv4, /48 for IPv6) */
  newIpRange: boolean;
  /** the user signed in before from a remembered device key, and this sign-in names none of them */
  newDevice: boolean;
  /** failed sign-ins of the user in the last hour */
  recentFailures: number;
}

/** The network an address belongs to, for the range signal. */
export function ipRange(ip: string): string {
  if (isIP(ip) === 4) return ip.split('.').slice(0, 3).join('.') + '.0/24';
  const groups = expandIpv6(ip);
  return groups.slice(0, 3).join(':') + '::/48';
}

function expandIpv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? Array(Math.max(0, 8 - h.length - t.length)).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** The signals of a sign-in whose password was just proven. */
export async function signalsFor(db: Executor, userId: string, now: number, ip: string | undefined, deviceKey: string | undefined): Promise<Signals> {
  const history = await store.recentSignIns(db, userId, now - HISTORY_MS);
  // Known: sign-ins that passed and weren't reported as not the user's, and any the user or an admin said were theirs.
  const known = history.filter((e) => (e.response === 'Pass' && e.feedback_value !== 'Invalid') || e.feedback_value === 'Valid');
  const ips = new Set(known.map((e) => e.ip).filter((x): x is string => !!x));
  const ranges = new Set([...ips].map(ipRange));
  const devices = new Set(known.map((e) => e.device_key).filter((x): x is string => !!x));
  const firstSignIn = known.length === 0;
  const recentFailures = history.filter((e) => e.response === 'Fail' && e.created_at >= now - FAILURE_WINDOW_MS).length;
  return {
    firstSignIn,
    newIp: !firstSignIn && !!ip && !ips.has(ip),
    newIpRange: !firstSignIn && !!ip && !ranges.has(ipRange(ip)),
    newDevice: !firstSignIn && devices.size > 0 && !(deviceKey && devices.has(deviceKey)),
    recentFailures,
  };
}

/**
 * Points: a new address 1, or 2 when its network is new too; a new device 1; 3 or more failed
 * attempts in the last hour 1, 10 or more 2. 1 point is Low, 2 Medium, 3 or more High.
 */
export function riskLevel(s: Signals): RiskLevel | undefined {
  const points = (s.newIpRange ? 2 : s.newIp ? 1 : 0) + (s.newDevice ? 1 : 0) + (s.recentFailures >= 10 ? 2 : s.recentFailures >= 3 ? 1 : 0);
  if (points >= 3) return 'High';
  if (points === 2) return 'Medium';
  if (points === 1) return 'Low';
  return undefined;
}
