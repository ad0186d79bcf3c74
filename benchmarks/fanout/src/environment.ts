/** The machine and the versions of everything measured, for the results file. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { GATEWAY_DIR } from './targets/gateway.ts';
import { systemPython } from './targets/django.ts';

const PACKAGE_DIR = resolve(import.meta.dirname, '..');

export interface Environment {
  readonly machine: string;
  readonly versions: Readonly<Record<string, string>>;
}

function npmVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(resolve(PACKAGE_DIR, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '?';
  }
}

function pythonVersions(): Record<string, string> {
  const script = [
    'import json, sys',
    'out = {"Python": sys.version.split()[0]}',
    'for name, mod in [("Django", "django"), ("Channels", "channels"), ("Daphne", "daphne"), ("channels_redis", "channels_redis"), ("Twisted", "twisted")]:',
    '    try:',
    '        m = __import__(mod)',
    '        out[name] = getattr(m, "__version__", None) or str(getattr(m, "version", "?"))',
    '    except Exception as e:',
    '        out[name] = "missing"',
    'print(json.dumps(out))',
  ].join('\n');
  try {
    const out = execFileSync(systemPython(), ['-c', script], { encoding: 'utf8', timeout: 20_000 });
    const parsed = JSON.parse(out) as Record<string, string>;
    // Twisted's version object prints as "[Twisted, version 22.4.0]".
    if (parsed['Twisted']) parsed['Twisted'] = parsed['Twisted'].replace(/^\[Twisted, version (.*)\]$/, '$1');
    return parsed;
  } catch {
    return { Python: 'unavailable' };
  }
}

function redisVersion(redisUrl: string): string {
  try {
    const info = execFileSync('redis-cli', ['-u', redisUrl, 'INFO', 'server'], { encoding: 'utf8', timeout: 5_000 });
    return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  } catch {
    return '?';
  }
}

function gatewayRevision(): string {
  try {
    const rev = execFileSync('git', ['log', '-1', '--format=%h %cs', '--', '.'], { cwd: GATEWAY_DIR, encoding: 'utf8' }).trim();
    // Its own benchmark's results file, rewritten earlier in the same `pnpm bench`, is not a code change.
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '.', ':!bench/RESULTS.md'], { cwd: GATEWAY_DIR, encoding: 'utf8' }).trim();
    return `${rev || 'uncommitted'}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return '?';
  }
}

export function describeEnvironment(redisUrl: string): Environment {
  const cpuList = cpus();
  const machine = `${cpuList[0]?.model.trim() ?? 'unknown CPU'}, ${cpuList.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}`;
  return {
    machine,
    versions: {
      Node: process.version,
      ws: npmVersion('ws'),
      'socket.io': npmVersion('socket.io'),
      'socket.io-client': npmVersion('socket.io-client'),
      kafkajs: npmVersion('kafkajs'),
      ...pythonVersions(),
      Redis: redisVersion(redisUrl),
      'realtime-gateway': gatewayRevision(),
    },
  };
}
