import { Prisma } from '../generated/prisma/client.ts';
import { identityErrors } from './errors.ts';
import { hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from './password.ts';

/** True for Prisma's unique-constraint violation (the only unique column written is email). */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * The login check shared by users and drivers: the same 401, and about the same time, whether
 * the email is unknown or the password wrong. A hash made with older parameters is replaced.
 */
export async function checkCredentials<A extends { readonly id: string; readonly passwordHash: string }>(
  account: A | null,
  password: string,
  saveRehash: (account: A, passwordHash: string) => Promise<unknown>,
): Promise<A> {
  if (!account) {
    await verifyAgainstNothing(password);
    throw identityErrors.INVALID_CREDENTIALS();
  }
  if (!(await verifyPassword(password, account.passwordHash))) throw identityErrors.INVALID_CREDENTIALS();
  if (needsRehash(account.passwordHash)) await saveRehash(account, await hashPassword(password));
  return account;
}
