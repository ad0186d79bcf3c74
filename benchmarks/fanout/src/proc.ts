/** Server processes under test: start, wait for, measure (/proc), stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { createConnection, createServer } from 'node:net';
import { sleep } from './common.ts';

/** Resident set size of a process in bytes, from /proc/<pid>/status (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last lines the process printed (stdout and stderr), for error messages. */
  output(): string;
  exited(): boolean;
  /** How the process ended ("exited with code 1"), or undefined while it runs. */
  exitInfo(): string | undefined;
  stop(timeoutMs?: number): Promise<void>;
}

export function startProcess(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): ServerProcess {
  const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  // The first lines (where an error usually says what it is) and the latest ones.
  const first: string[] = [];
  const lines: string[] = [];
  let dropped = 0;
  let exitInfo: string | undefined;
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      const short = line.length > 400 ? `${line.slice(0, 400)}…` : line;
      if (first.length < 6) {
        first.push(short);
        continue;
      }
      lines.push(short);
      if (lines.length > 10) {
        lines.shift();
        dropped++;
      }
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.on('error', (error) => {
      exitInfo = `could not start: ${error.message}`;
      resolve();
    });
  });
  return {
    child,
    pid: child.pid ?? -1,
    output: () => [...first, ...(dropped ? ['…'] : []), ...lines, ...(exitInfo ? [`(${exitInfo})`] : [])].join('\n'),
    exited: () => exitInfo !== undefined,
    exitInfo: () => exitInfo,
    async stop(timeoutMs = 10_000) {
      if (exitInfo !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Resolves once something accepts TCP connections on the port, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('the process exited');
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** GET a local URL: status and body, or undefined when nothing answers. */
export function httpGet(url: string, timeoutMs = 2_000): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Polls a URL until it answers 200; false after `timeoutMs`. */
export async function waitForHttp200(url: string, timeoutMs: number, alive: () => boolean = () => true): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) return false;
    const res = await httpGet(url);
    if (res?.status === 200) return true;
    await sleep(200);
  }
  return false;
}

/**
 * The process listening on a local TCP port (the Redis of the channel layer, the Kafka broker),
 * found through /proc/net/tcp{,6} and the processes' open sockets; undefined if it cannot be seen.
 */
export function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const row of table.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, inode is column 10.
      if (cols.length > 9 && cols[3] === '0A' && Number.parseInt(cols[1]!.split(':')[1] ?? '', 16) === port) inodes.add(cols[9]!);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`/proc/${entry}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode && inodes.has(inode)) return Number(entry);
      } catch {
        // The fd closed meanwhile.
      }
    }
  }
  return undefined;
}
