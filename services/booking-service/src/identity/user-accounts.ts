import type { PrismaClient } from '../db/client.ts';
import { checkCredentials, isUniqueViolation, type HashingSlot } from './credentials.ts';
import { normalizeEmail } from './email.ts';
import { identityErrors } from './errors.ts';
import { hashPassword } from './password.ts';

/** A rider as API.md shows it. */
export interface UserView {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

const view = ({ id, name, email }: UserView): UserView => ({ id, name, email });

/** Creates a rider; EMAIL_TAKEN (409) when the email, in any case, is already a rider's. */
export async function registerUser(
  prisma: PrismaClient,
  input: { readonly name: string; readonly email: string; readonly password: string },
  inSlot: HashingSlot,
): Promise<UserView> {
  const passwordHash = await inSlot(() => hashPassword(input.password));
  try {
    return view(await prisma.user.create({ data: { name: input.name.trim(), email: normalizeEmail(input.email), passwordHash } }));
  } catch (error) {
    if (isUniqueViolation(error)) throw identityErrors.EMAIL_TAKEN();
    throw error;
  }
}

/** The rider with these credentials; INVALID_CREDENTIALS (401) otherwise. */
export async function loginUser(
  prisma: PrismaClient,
  input: { readonly email: string; readonly password: string },
  inSlot: HashingSlot,
): Promise<UserView> {
  const account = await prisma.user.findUnique({ where: { email: normalizeEmail(input.email) } });
  const verified = await checkCredentials(account, input.password, (checked, passwordHash) =>
    prisma.user.update({ where: { id: checked.id }, data: { passwordHash } }),
    inSlot,
  );
  return view(verified);
}
