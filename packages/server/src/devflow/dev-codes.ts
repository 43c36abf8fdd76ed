/**
 * Development mode's fixed codes (`--env development --dev-codes 123456`): every verification,
 * MFA, one-time and forgot-password code is the given value (domain/codes.ts mints them). It is
 * server configuration only — config.ts refuses it outside development mode, and no pool setting
 * or request reaches it — and it is loud: a warning when the server starts, the response header
 * {@link DEV_CODES_HEADER} on every answer, and the gauge `cognate_dev_codes_enabled` in /metrics.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Config } from '../config.js';

/** Set on every response of a server whose codes are fixed, so no one mistakes it for a real one. */
export const DEV_CODES_HEADER = 'x-cognate-dev-codes';

/** The banner `cognate start` prints (standard error) when codes are fixed; empty otherwise. */
export function devCodesBanner(config: Pick<Config, 'devCodes' | 'environment'>): string {
  if (!config.devCodes) return '';
  const line = '!'.repeat(78);
  return (
    `\n${line}\n` +
    `!! DEVELOPMENT MODE: every verification, MFA, one-time and forgot-password code is ${config.devCodes}.\n` +
    `!! Anyone can confirm any account or reset any password on this server. Never use it for real users.\n` +
    `${line}\n\n`
  );
}

/**
 * Marks a listener's answers and metrics when codes are fixed: the header on every response (set
 * before any handler writes its head, so it survives writeHead) and a gauge in `registry`.
 */
export function markDevCodes(config: Pick<Config, 'devCodes'>, registry: Registry): ((res: { setHeader(name: string, value: string): unknown }) => void) {
  const gauge = new Gauge({ name: 'cognate_dev_codes_enabled', help: '1 when --dev-codes fixes every code (development mode only)', registers: [registry], aggregator: 'max' });
  gauge.set(config.devCodes ? 1 : 0);
  if (!config.devCodes) return () => {};
  return (res) => res.setHeader(DEV_CODES_HEADER, 'on');
}
