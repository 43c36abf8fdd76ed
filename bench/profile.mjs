// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the hottest functions by self time and
// by inclusive time, optionally only over a time window (CLOCK_MONOTONIC microseconds, which is
// what V8 stamps samples with and what process.hrtime measures in every process on the machine).
// Used by `BENCH_PROFILE=1 npm run bench`; also runnable on its own:
//
//   node bench/profile.mjs <file.cpuprofile> [top=25] [fromUs toUs]

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function frameName(cf) {
  const fn = cf.functionName || '(anonymous)';
  if (!cf.url) return fn;
  let where = cf.url.replace(/^file:\/\//, '');
  if (where.startsWith(root + '/')) where = where.slice(root.length + 1);
  where = where.replace(/^.*\/node_modules\//, '~/');
  return `${fn}  ${where}:${cf.lineNumber + 1}`;
}

/**
 * @param {string} file - a .cpuprofile
 * @param {{ top?: number, from?: number, to?: number }} [opts] - how many frames; the window in µs of CLOCK_MONOTONIC
 */
/** Where a frame's code lives: an npm package, a folder of this repository, a Node.js subsystem. */
function moduleOf(cf) {
  const url = cf.url.replace(/^file:\/\//, '');
  if (!url) {
    if (cf.functionName === 'writev' || cf.functionName === 'writeUtf8String' || cf.functionName === 'writeBuffer') return 'socket writes (native)';
    return cf.functionName.startsWith('(') ? cf.functionName : `native: ${cf.functionName || '(anonymous)'}`;
  }
  // better-sqlite3 runs statements natively and synchronously inside kysely's executeQuery.
  if (cf.functionName === 'executeQuery' && /kysely\/.*sqlite-driver/.test(url)) return 'SQLite statements (executeQuery)';
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) {
    const m = /^node:(?:internal\/)?(?:deps\/)?([^/]+)/.exec(url);
    return `node:${m ? m[1] : url.slice(5)}`;
  }
  let rel = url.startsWith(root + '/') ? url.slice(root.length + 1) : url;
  rel = rel.replace(/^packages\/server\/dist\//, 'server/');
  return rel.split('/').slice(0, -1).join('/') || rel;
}

export async function summarizeProfile(file, opts = {}) {
  const top = opts.top ?? 25;
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  const profile = JSON.parse(await readFile(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Self time per node from the samples and their time deltas (µs).
  const selfUs = new Map();
  let total = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < from || at > to) continue;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const self = new Map();
  const inclusive = new Map();
  const modules = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + us);
    const mod = moduleOf(node.callFrame);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
    // Inclusive: every distinct frame on the stack gets the sample once (recursion counted once).
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const n = frameName(byId.get(cur).callFrame);
      if (seen.has(n)) continue;
      seen.add(n);
      inclusive.set(n, (inclusive.get(n) ?? 0) + us);
    }
  }
  if (total === 0) return `no samples between ${from} and ${to} (profile spans ${profile.startTime} to ${profile.endTime})`;
  const idle = self.get('(idle)') ?? 0;
  const busy = total - idle;
  const pct = (us, of) => `${((100 * us) / of).toFixed(1).padStart(5)}%`;
  const lines = [];
  lines.push(`main thread: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (${pct(busy, total).trim()}), ${(idle / 1e6).toFixed(1)} s idle; percentages are of busy time`);
  lines.push(`top ${top} by self time:`);
  for (const [name, us] of [...self].filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${name}`);
  }
  lines.push('self time by module (native code is counted with the JavaScript that called it):');
  const mods = [...modules].filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, Math.max(12, top));
  lines.push('  ' + mods.map(([n, us]) => `${n} ${pct(us, busy).trim()}`).join(', '));
  lines.push(`top ${top} by inclusive time:`);
  for (const [name, us] of [...inclusive].filter(([n]) => n !== '(idle)' && n !== '(root)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${name}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, top, from, to] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/profile.mjs <file.cpuprofile> [top] [fromUs toUs]\n');
    process.exit(2);
  }
  const window = from && to ? { from: Number(from), to: Number(to) } : {};
  process.stdout.write((await summarizeProfile(file, { top: top ? Number(top) : 25, ...window })) + '\n');
}
