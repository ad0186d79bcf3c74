import { Prisma } from '../generated/prisma/client.ts';
import { identityErrors } from './errors.ts';
import { hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from './password.ts';

/** True for Prisma's unique-constraint violation (the only unique column written is email). */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** Runs password hashing work within the service's bound (a HashingGate lane). */
export type HashingSlot = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * The login check shared by users and drivers: the same 401, and about the same time, whether
 * the email is unknown or the password wrong. A hash made with older parameters is replaced
 * (computed in the same hashing slot, saved after it).
 */
export async function checkCredentials<A extends { readonly id: string; readonly passwordHash: string }>(
  account: A | null,
  password: string,
  saveRehash: (account: A, passwordHash: string) => Promise<unknown>,
  inSlot: HashingSlot,
): Promise<A> {
  const outcome = await inSlot(async () => {
    if (!account) return verifyAgainstNothing(password);
    if (!(await verifyPassword(password, account.passwordHash))) return false;
    return { rehash: needsRehash(account.passwordHash) ? await hashPassword(password) : null };
  });
  if (!account || outcome === false) throw identityErrors.INVALID_CREDENTIALS();
  if (outcome.rehash !== null) await saveRehash(account, outcome.rehash);
  return account;
}
