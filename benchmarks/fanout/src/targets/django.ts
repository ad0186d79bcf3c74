/**
 * Django Channels on Daphne, the stack the spec was written for (Debian's python3-django-channels,
 * python3-daphne, python3-channels-redis): one consumer per client socket in the group `bench`,
 * and a publish socket whose consumer calls `channel_layer.group_send`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import { availableBookingMessage, PublishErrors } from '../common.ts';
import { freePort, pidListeningOn, startProcess, waitForPort } from '../proc.ts';
import type { StartResult, Target, TargetParams } from './target.ts';

const DJANGO_DIR = resolve(import.meta.dirname, '../../django');

/** Debian's Django, Channels and Daphne live in the system Python, not in a pyenv or venv one. */
export function systemPython(): string {
  return process.env['FANOUT_PYTHON'] ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/**
 * Deletes what the channel layer left in Redis under this server's prefix (group sets last
 * `group_expiry`, channels a minute): best effort, with redis-cli where there is one.
 */
function dropRedisKeys(redisUrl: string, prefix: string): void {
  try {
    const keys = execFileSync('redis-cli', ['-u', redisUrl, '--scan', '--pattern', `${prefix}*`], { encoding: 'utf8', timeout: 10_000 })
      .split('\n')
      .filter(Boolean);
    if (keys.length > 0) execFileSync('redis-cli', ['-u', redisUrl, 'DEL', ...keys], { timeout: 10_000, stdio: 'ignore' });
  } catch {
    // No redis-cli: the keys expire by themselves.
  }
}

export type ChannelLayerKind = 'redis' | 'memory';

export function djangoTarget(layer: ChannelLayerKind, redisUrl: string): Target {
  return {
    id: 'django',
    label: `Django Channels on Daphne (${layer === 'redis' ? 'channels_redis' : 'InMemoryChannelLayer'})`,
    publishPath:
      'a text frame on a publish WebSocket (`/ws/publish/`) whose consumer calls `group_send` to the group every client consumer joined' +
      (layer === 'redis' ? ' (RedisChannelLayer on the local Redis)' : ' (InMemoryChannelLayer)'),
    async start(params: TargetParams): Promise<StartResult> {
      const python = systemPython();
      const prefix = `fanoutbench:${params.startId}:`;
      const port = await freePort();
      const server = startProcess(python, ['-m', 'daphne', '-b', '127.0.0.1', '-p', String(port), '-v', '1', 'asgi:application'], {
        cwd: DJANGO_DIR,
        env: {
          ...process.env,
          DJANGO_SETTINGS_MODULE: 'settings',
          PYTHONPATH: DJANGO_DIR,
          PYTHONDONTWRITEBYTECODE: '1',
          BENCH_CHANNEL_LAYER: layer,
          BENCH_REDIS_URL: redisUrl,
          BENCH_REDIS_PREFIX: prefix,
        },
      });
      try {
        await waitForPort(port, 30_000, () => !server.exited());
      } catch (error) {
        await server.stop();
        return { ok: false, skip: `Daphne did not start (${(error as Error).message}): ${server.output()}` };
      }
      const redisPid = pidListeningOn(Number(new URL(redisUrl).port || 6379));
      const control = new WebSocket(`ws://127.0.0.1:${port}/ws/publish/`, { perMessageDeflate: false });
      const publishErrors = new PublishErrors();
      control.on('error', (error) => publishErrors.note(error.message));
      control.on('close', () => publishErrors.note('the publish socket closed'));
      try {
        await new Promise<void>((resolveOpen, reject) => {
          control.once('open', () => resolveOpen());
          control.once('error', reject);
        });
      } catch (error) {
        await server.stop();
        return { ok: false, skip: `Daphne refused the publish socket (${(error as Error).message}): ${server.output()}` };
      }
      return {
        ok: true,
        target: {
          pid: server.pid,
          ...(redisPid !== undefined && layer === 'redis' ? { helper: { name: 'Redis', pid: redisPid } } : {}),
          protocol: 'ws',
          sockets: Array.from({ length: params.connections }, (_, i) => ({
            url: `ws://127.0.0.1:${port}/ws/bench/${i < params.fanout ? '?join=1' : ''}`,
          })),
          publish(seq) {
            control.send(availableBookingMessage(seq));
          },
          takePublishError: () => publishErrors.take(),
          output: () => server.output(),
          async stop() {
            control.removeAllListeners('close');
            control.terminate();
            await server.stop();
            if (layer === 'redis') dropRedisKeys(redisUrl, prefix);
          },
        },
      };
    },
  };
}
