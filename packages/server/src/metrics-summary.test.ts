import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { parseExposition, quantileOf, summarizeMetrics } from './metrics-summary.js';

describe('metrics at a glance', () => {
  it('summarises a registry like the one /metrics serves', async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'cognate_' });
    const requests = new Counter({ name: 'cognate_requests_total', help: 'h', labelNames: ['action', 'outcome'], registers: [registry] });
    const latency = new Histogram({ name: 'cognate_request_duration_seconds', help: 'h', labelNames: ['action'], buckets: [0.001, 0.01, 0.1, 1], registers: [registry] });
    for (let i = 0; i < 90; i++) {
      requests.inc({ action: 'InitiateAuth', outcome: 'ok' });
      latency.observe({ action: 'InitiateAuth' }, 0.005);
    }
    for (let i = 0; i < 10; i++) {
      requests.inc({ action: 'InitiateAuth', outcome: 'NotAuthorizedException' });
      latency.observe({ action: 'InitiateAuth' }, 0.5);
    }
    requests.inc({ action: 'GetUser', outcome: 'ok' });
    latency.observe({ action: 'GetUser' }, 0.0005);
    const s = summarizeMetrics(await registry.metrics(), Date.now());
    assert.equal(s.requests, 101);
    assert.equal(s.failed, 10);
    const auth = s.actions[0]!;
    assert.equal(auth.action, 'InitiateAuth');
    assert.deepEqual(auth.failures, { NotAuthorizedException: 10 });
    assert.ok(auth.p50Ms! > 1 && auth.p50Ms! <= 10, String(auth.p50Ms));
    assert.ok(auth.p99Ms! > 100 && auth.p99Ms! <= 1000, String(auth.p99Ms));
    assert.equal(auth.meanMs, 54.5);
    assert.ok(s.cpuSeconds !== undefined && s.residentBytes! > 0);
    assert.ok(s.uptimeSeconds !== undefined && s.uptimeSeconds >= 0);
  });

  it('adds up a cluster sum and survives odd text', () => {
    const text = ['# HELP x', 'cognate_requests_total{action="A",outcome="ok"} 3', 'cognate_requests_total{action="A",outcome="ok"} 4', 'garbage line', 'cognate_process_cpu_seconds_total 1.5', 'cognate_requests_total{action="we\\"ird"} NaN'].join('\n');
    const s = summarizeMetrics(text, 0);
    assert.equal(s.requests, 7);
    assert.equal(s.cpuSeconds, 1.5);
    assert.equal(s.uptimeSeconds, undefined);
    assert.equal(summarizeMetrics(undefined as never, 0).samples, 0);
    assert.deepEqual(parseExposition('a{b="c\\"d"} 1')[0]!.labels, { b: 'c"d' });
    assert.equal(quantileOf([], 0.5), undefined);
    assert.equal(quantileOf([{ le: 1, count: 0 }, { le: Infinity, count: 5 }], 0.5), 1);
  });
});
