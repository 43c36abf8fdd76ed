// CPU time of a process and all its descendants, from /proc (Linux): what a server that forks
// (`cognate start --workers N`, node:cluster) or that has no /metrics (cognito-local) spends.
//
// Each process's utime + stime + cutime + cstime is summed over the tree rooted at `pid`: a child
// that exits and is reaped during a window moves its time into its parent's cutime/cstime, so the
// difference between two readings still counts it once.

import { readdirSync, readFileSync } from 'node:fs';

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

/** How many processes the tree rooted at `rootPid` has now (the server's primary and its workers). */
export function processTreeSize(rootPid) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(name);
    if (s) parent.set(Number(name), s[0]);
  }
  let n = 0;
  for (const pid of parent.keys()) {
    for (let p = pid; p; p = parent.get(p)) {
      if (p === rootPid) {
        n++;
        break;
      }
    }
  }
  return n;
}
