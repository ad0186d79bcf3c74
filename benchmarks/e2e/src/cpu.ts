import { readFileSync } from 'node:fs';
import { processCpuSeconds } from '@rideline/test-support';

/** CPU used during a phase: by each process, in % of one core, and by the whole machine, in % of all its cores. */
export interface CpuUsage {
  readonly byProcess: Readonly<Record<string, number>>;
  readonly machine: number;
}

/** A process id, or a function reading CPU seconds used so far. */
export type CpuSource = number | (() => number);

interface Reading {
  readonly at: number;
  readonly byProcess: Record<string, number>;
  readonly machineBusy: number;
  readonly machineTotal: number;
}

/**
 * Reads CPU time from /proc (Linux; NaN elsewhere). It tells whether a slow phase was the
 * system working or the machine being busy with something else: the box is shared.
 */
export class CpuMeter {
  /** By name, a process id, or a reading of CPU seconds so far for what a pid alone cannot name (a process and its children). */
  constructor(private readonly sources: Readonly<Record<string, CpuSource>>) {}

  read(): Reading {
    const byProcess: Record<string, number> = {};
    for (const [name, source] of Object.entries(this.sources)) byProcess[name] = typeof source === 'number' ? processCpuSeconds(source) : source();
    const usage = process.cpuUsage();
    byProcess['load generator (this process)'] = (usage.user + usage.system) / 1e6;
    return { at: performance.now(), byProcess, ...machineTicks() };
  }

  usageSince(before: Reading): CpuUsage {
    const after = this.read();
    const seconds = (after.at - before.at) / 1000;
    const byProcess: Record<string, number> = {};
    for (const name of Object.keys(after.byProcess)) byProcess[name] = (100 * (after.byProcess[name]! - before.byProcess[name]!)) / seconds;
    const total = after.machineTotal - before.machineTotal;
    return { byProcess, machine: total > 0 ? (100 * (after.machineBusy - before.machineBusy)) / total : NaN };
  }
}

/** The first line of /proc/stat: every core's ticks by kind; idle and iowait are not busy. */
function machineTicks(): { machineBusy: number; machineTotal: number } {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    return { machineBusy: total - ticks[3]! - ticks[4]!, machineTotal: total };
  } catch {
    return { machineBusy: NaN, machineTotal: NaN };
  }
}

/** How busy the whole machine is over the next `ms`, in % of all its cores. */
export async function machineBusyOver(ms: number): Promise<number> {
  const meter = new CpuMeter({});
  const before = meter.read();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return meter.usageSince(before).machine;
}
