import type { Admin } from 'kafkajs';

/**
 * Answers "is the broker reachable right now" for `/health/ready`, asking the cluster at most
 * once per `cacheMs` so that a busy load balancer does not turn probes into broker load.
 */
export function kafkaReadinessCheck(admin: Admin, cacheMs = 1_000, timeoutMs = 2_000) {
  let last: { at: number; error: Error | null } | null = null;
  return async (): Promise<void> => {
    const now = Date.now();
    if (!last || now - last.at > cacheMs) {
      let error: Error | null = null;
      try {
        await withTimeout(admin.describeCluster(), timeoutMs);
      } catch (cause) {
        error = cause instanceof Error ? cause : new Error(String(cause));
      }
      last = { at: Date.now(), error };
    }
    if (last.error) throw last.error;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
