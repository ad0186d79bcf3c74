import type { PrismaClient } from './client.ts';

/** `/health/ready`'s database probe: one trivial query, bounded in time. */
export function databaseReadinessCheck(prisma: PrismaClient, timeoutMs = 2_000) {
  return async (): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([prisma.$queryRaw`SELECT 1`, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
