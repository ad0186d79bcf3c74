import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../db/client.ts';

/**
 * A secret configured by the operator, or else one generated once and kept in the database so
 * that every instance, and every restart, uses the same. The first writer wins.
 */
export async function configuredOrStoredSecret(
  prisma: PrismaClient,
  name: string,
  configured: string | undefined,
  logger: { warn(message: string): void },
): Promise<string> {
  if (configured !== undefined) return configured;
  await prisma.serviceSecret.createMany({
    data: [{ name, value: randomBytes(32).toString('base64url') }],
    skipDuplicates: true,
  });
  const stored = await prisma.serviceSecret.findUniqueOrThrow({ where: { name } });
  logger.warn(`using the ${name} generated and kept in the database; configure it in production`);
  return stored.value;
}
