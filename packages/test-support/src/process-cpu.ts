import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on most Linux builds). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system) process `pid` has used so far, from /proc/<pid>/stat (Linux);
 * NaN when it cannot be read (the process is gone, or no /proc). Benchmarks take differences of
 * two readings, at a resolution of one tick.
 */
export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat.
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : Number.NaN;
}

/**
 * CPU seconds used so far by `pid` and by every child it has run: its own time, the children it
 * has reaped (cutime and cstime, which the kernel adds when a parent waits for an exited child)
 * and the children running now. The difference of two readings is then the whole family's work
 * in between, children started or ended in between included (a child running at the first
 * reading and reaped by the second counts its time after the first reading only). For a server
 * that forks a process per connection, such as PostgreSQL, whose pooled connections open and
 * close during a run. NaN when `pid` cannot be read.
 */
export function processTreeCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return Number.NaN;
  // utime, stime, cutime, cstime: fields 14 to 17.
  let ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  for (const child of childPids(pid)) {
    const childFields = statFields(child);
    // A child that exited since the listing: its time is in the parent's cutime once reaped.
    if (childFields) ticks += Number(childFields[11]) + Number(childFields[12]);
  }
  return ticks / TICKS_PER_SECOND;
}

/** The parent of process `pid` (field 4 of /proc/<pid>/stat); NaN when it cannot be read. */
export function parentPid(pid: number): number {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : Number.NaN;
}

/** The fields of /proc/<pid>/stat after the command name (field 3 onwards), or null when it cannot be read. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The processes whose parent is `pid` now (field 4 of /proc/<pid>/stat). */
function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === pid) children.push(Number(entry));
  }
  return children;
}
