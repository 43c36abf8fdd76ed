// CPU time and resident memory of a process and all its descendants, from /proc (Linux): what a
// server that forks (`cognate start --workers N`, node:cluster) or that has no /metrics
// (cognito-local) spends.
//
// Each process's utime + stime + cutime + cstime is summed over the tree rooted at `pid`: a child
// that exits and is reaped during a window moves its time into its parent's cutime/cstime, so the
// difference between two readings still counts it once.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux Node runs on). */
const USER_HZ = 100;

/** [ppid, ticks] of one process, or undefined when it is gone or unreadable. */
function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); ppid is field 4, utime..cstime are fields 14..17.
  const ppid = Number(rest[1]);
  const ticks = Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
  return [ppid, ticks];
}

/** True where /proc/<pid>/stat can be read (Linux). */
export function procAvailable(pid = process.pid) {
  return readStat(pid) !== undefined;
}

/** CPU seconds (user + system, every thread, children included) of `rootPid` and its descendants. */
export function processTreeCpuSeconds(rootPid) {
  const stats = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(name);
    if (s) stats.set(Number(name), s);
  }
  const children = new Map();
  for (const [pid, [ppid]] of stats) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  let ticks = 0;
  const todo = [rootPid];
  while (todo.length) {
    const pid = todo.pop();
    const s = stats.get(pid);
    if (!s) continue;
    ticks += s[1];
    todo.push(...(children.get(pid) ?? []));
  }
  return ticks / USER_HZ;
}

/** The pids of the tree rooted at `rootPid` (itself first, when it is alive). */
export function processTree(rootPid) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(name);
    if (s) parent.set(Number(name), s[0]);
  }
  const out = [];
  for (const pid of parent.keys()) {
    for (let p = pid; p; p = parent.get(p)) {
      if (p === rootPid) {
        out.push(pid);
        break;
      }
    }
  }
  return out.sort((a, b) => (a === rootPid ? -1 : b === rootPid ? 1 : a - b));
}

/** How many processes the tree rooted at `rootPid` has now (the server's primary and its workers). */
export function processTreeSize(rootPid) {
  return processTree(rootPid).length;
}

/**
 * { rss, hwm, anon, file } in bytes (VmRSS, VmHWM, RssAnon, RssFile of /proc/<pid>/status), or
 * undefined when it is gone. `file` is file-backed pages (SQLite's memory map of the database, the
 * code), which the kernel can drop and re-read; `anon` is the process's own heap and stacks.
 */
export function readMemory(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { rss: kib('VmRSS'), hwm: kib('VmHWM'), anon: kib('RssAnon'), file: kib('RssFile') };
}

/** Resets a process's peak resident set (VmHWM) to its current one (clear_refs "5", Linux ≥ 4.0); false where refused. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Watches the peak resident memory (RSS) of every process of the tree rooted at `rootPid` from
 * now until stop(). Each process's kernel peak (VmHWM) is reset to its current RSS when the watch
 * starts, so at stop() VmHWM is the exact peak within the window; a process that appears during
 * the window (a worker restarted) has a VmHWM that began inside it. Where the reset is refused or
 * the process is gone by stop(), the peak is the largest VmRSS seen by sampling every
 * `intervalMs` (a lower bound). The tree is looked up again every `treeEveryMs`.
 *
 * stop() returns one entry per process seen, the root first: { pid, root, peakBytes, exact,
 * peakAnonBytes, peakFileBytes } (the last two sampled: the largest anonymous and file-backed parts seen).
 */
export function watchPeakRss(rootPid, { intervalMs = 100, treeEveryMs = 1000 } = {}) {
  const seen = new Map(); // pid → { sampled, exact }
  const look = (fresh) => {
    for (const pid of processTree(rootPid)) {
      if (!seen.has(pid)) seen.set(pid, { sampled: 0, anon: 0, file: 0, exact: fresh ? resetPeak(pid) : true });
    }
  };
  const sample = () => {
    for (const [pid, s] of seen) {
      const m = readMemory(pid);
      if (m && Number.isFinite(m.rss)) s.sampled = Math.max(s.sampled, m.rss);
      if (m && Number.isFinite(m.anon)) s.anon = Math.max(s.anon, m.anon);
      if (m && Number.isFinite(m.file)) s.file = Math.max(s.file, m.file);
    }
  };
  look(true);
  sample();
  let lastTree = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - lastTree >= treeEveryMs) {
      look(false);
      lastTree = Date.now();
    }
    sample();
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const out = [];
      for (const [pid, s] of seen) {
        const m = readMemory(pid);
        const exact = s.exact && m !== undefined && Number.isFinite(m.hwm);
        out.push({ pid, root: pid === rootPid, peakBytes: exact ? Math.max(m.hwm, s.sampled) : s.sampled, exact, peakAnonBytes: s.anon, peakFileBytes: s.file });
      }
      return out.sort((a, b) => (a.root ? -1 : b.root ? 1 : a.pid - b.pid));
    },
  };
}
