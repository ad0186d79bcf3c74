import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * The `java` to run Kafka with: `$KAFKA_JAVA` (a java binary), else `$JAVA_HOME/bin/java`, else
 * `java` from PATH. Kafka 4.x brokers and tools need Java 17 or newer.
 */
export function resolveJava(): string {
  const explicit = process.env['KAFKA_JAVA'];
  if (explicit) return explicit;
  const javaHome = process.env['JAVA_HOME'];
  if (javaHome) {
    const candidate = path.join(javaHome, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
    if (existsSync(candidate)) return candidate;
  }
  return 'java';
}

/** The major version of a java binary (17, 21, 25, ...), or undefined if it does not run. */
export function javaMajorVersion(java: string = resolveJava()): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(java, ['-version'], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) return resolve(undefined);
      const match = /version "(\d+)(?:\.(\d+))?/.exec(`${stderr}${stdout}`);
      if (!match?.[1]) return resolve(undefined);
      const major = Number(match[1]);
      resolve(major === 1 && match[2] ? Number(match[2]) : major);
    });
  });
}

/** Split a JVM options string from the environment (KAFKA_HEAP_OPTS and friends) on whitespace. */
export function splitJvmOptions(value: string | undefined): string[] {
  return value
    ? value
        .trim()
        .split(/\s+/)
        .filter((s) => s.length > 0)
    : [];
}

/** Whether a process with this pid exists (and may be signalled by us). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is alive and its command line contains `marker` (guards against a stale pid file
 * whose pid was reused). Where /proc is missing, liveness alone decides.
 */
export async function isProcessRunning(pid: number, marker: string): Promise<boolean> {
  if (!isProcessAlive(pid)) return false;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0').some((arg) => arg.includes(marker));
  } catch {
    return !existsSync('/proc/self');
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll until the process is gone; true if it exited within the timeout. */
export async function waitForPidExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(100);
  }
  return !isProcessAlive(pid);
}

/** The last `maxLines` lines of a text file (at most the last 64 KiB are read); '' if unreadable. */
export async function tailFile(file: string, maxLines = 40): Promise<string> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-maxLines).join('\n');
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}
