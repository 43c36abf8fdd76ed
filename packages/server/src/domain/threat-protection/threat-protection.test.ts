import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipRange, riskLevel, type Signals } from './account-takeover.js';
import { newEventId } from './auth-events.js';
import { breachedPasswordCount, isBreachedPassword } from './compromised-credentials.js';
import { assertThreatProtectionTier, inRanges, parseRange, rangeList, signInMode } from './risk-configuration.js';
import type { UserPool } from '../user-pools.js';

const quiet: Signals = { firstSignIn: false, newIp: false, newIpRange: false, newDevice: false, recentFailures: 0 };

describe('account-takeover signals', () => {
  it('points add up to the documented levels', () => {
    assert.equal(riskLevel(quiet), undefined);
    assert.equal(riskLevel({ ...quiet, newIp: true }), 'Low');
    assert.equal(riskLevel({ ...quiet, newIp: true, newIpRange: true }), 'Medium');
    assert.equal(riskLevel({ ...quiet, newDevice: true, recentFailures: 3 }), 'Medium');
    assert.equal(riskLevel({ ...quiet, newIp: true, newIpRange: true, recentFailures: 3 }), 'High');
    assert.equal(riskLevel({ ...quiet, recentFailures: 2 }), undefined);
    assert.equal(riskLevel({ ...quiet, recentFailures: 10 }), 'Medium');
  });

  it('networks: /24 for IPv4, /48 for IPv6 (compressed or not)', () => {
    assert.equal(ipRange('192.0.2.77'), '192.0.2.0/24');
    assert.equal(ipRange('2001:db8:abcd:12::1'), '2001:db8:abcd::/48');
    assert.equal(ipRange('2001:0db8:abcd:0012:0000:0000:0000:0001'), '2001:db8:abcd::/48');
    assert.equal(ipRange('2001:db8::1'), '2001:db8:0::/48');
  });
});

describe('risk exception ranges', () => {
  it('parses addresses and CIDR ranges of both families, and nothing else', () => {
    assert.deepEqual(parseRange('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, type: 'ipv4' });
    assert.deepEqual(parseRange('2001:db8::/32'), { address: '2001:db8::', prefix: 32, type: 'ipv6' });
    assert.deepEqual(parseRange('192.0.2.1'), { address: '192.0.2.1', prefix: 32, type: 'ipv4' });
    for (const bad of ['10.0.0.0/33', '::/129', 'host', '10.0.0.0/-1', '10.0.0.0/8/8', '', '10.0.0.0/']) assert.equal(parseRange(bad), undefined, bad);
  });

  it('matches addresses inside a range only', () => {
    const list = rangeList(['203.0.113.0/24', '2001:db8::/32']);
    assert.equal(inRanges(list, '203.0.113.200'), true);
    assert.equal(inRanges(list, '203.0.114.1'), false);
    assert.equal(inRanges(list, '2001:db8:1::5'), true);
    assert.equal(inRanges(list, undefined), false);
    assert.equal(inRanges(list, 'garbage'), false);
  });
});

describe('auth event ids', () => {
  it('are UUIDs that sort in the order they were made, within one millisecond too', () => {
    const ids = [newEventId(1000), newEventId(1000), newEventId(1000), newEventId(1001), newEventId(5000)];
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual([...ids].sort(), ids);
  });
});

describe('the shipped breached-password list', () => {
  const config = { breachedPasswordsFile: '' };
  it('holds 10,000 hashes and finds the most common passwords, not a random one', () => {
    assert.equal(breachedPasswordCount(config), 10_000);
    for (const p of ['password1', 'qwerty123', 'iloveyou', '12345678']) assert.equal(isBreachedPassword(config, p), true, p);
    assert.equal(isBreachedPassword(config, 'vQ7#not-a-common-one-9'), false);
  });
});

describe('the mode a sign-in runs under', () => {
  const pool = (addOns: unknown) => ({ settings: { UserPoolAddOns: addOns } }) as unknown as UserPool;
  it('CUSTOM_AUTH follows CustomAuthMode, and nothing while the pool is OFF', () => {
    assert.equal(signInMode(pool(undefined), false), 'OFF');
    assert.equal(signInMode(pool({ AdvancedSecurityMode: 'ENFORCED' }), false), 'ENFORCED');
    assert.equal(signInMode(pool({ AdvancedSecurityMode: 'ENFORCED' }), true), 'OFF');
    assert.equal(signInMode(pool({ AdvancedSecurityMode: 'ENFORCED', AdvancedSecurityAdditionalFlows: { CustomAuthMode: 'AUDIT' } }), true), 'AUDIT');
    assert.equal(signInMode(pool({ AdvancedSecurityMode: 'OFF', AdvancedSecurityAdditionalFlows: { CustomAuthMode: 'ENFORCED' } }), true), 'OFF');
  });
});

describe('the tier', () => {
  it('AUDIT and ENFORCED need PLUS when tier gating is on; nothing is refused with it off', () => {
    const gated = { config: { tierGating: true } } as never;
    assert.throws(() => assertThreatProtectionTier(gated, 'ESSENTIALS', { AdvancedSecurityMode: 'AUDIT' }), { name: 'FeatureUnavailableInTierException' });
    assertThreatProtectionTier(gated, 'PLUS', { AdvancedSecurityMode: 'ENFORCED' });
    assertThreatProtectionTier(gated, 'LITE', { AdvancedSecurityMode: 'OFF' });
    assertThreatProtectionTier({ config: { tierGating: false } } as never, 'LITE', { AdvancedSecurityMode: 'ENFORCED' });
  });
});
