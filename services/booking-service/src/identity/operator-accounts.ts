import type { PrismaClient } from '../db/client.ts';
import { checkCredentials, isUniqueViolation, type HashingSlot } from './credentials.ts';
import { normalizeEmail } from './email.ts';
import { identityErrors } from './errors.ts';
import { hashPassword } from './password.ts';

/** An operator as the login answer shows it. */
export interface OperatorView {
  readonly id: string;
  readonly email: string;
}

const view = ({ id, email }: OperatorView): OperatorView => ({ id, email });

/**
 * Creates an operator (the command line's `operator add`, never an HTTP route: whoever can reach
 * the API must not be able to make themselves an operator). EMAIL_TAKEN when the email is one.
 */
export async function addOperator(prisma: PrismaClient, input: { readonly email: string; readonly password: string }): Promise<OperatorView> {
  const passwordHash = await hashPassword(input.password);
  try {
    return view(await prisma.operator.create({ data: { email: normalizeEmail(input.email), passwordHash } }));
  } catch (error) {
    if (isUniqueViolation(error)) throw identityErrors.EMAIL_TAKEN();
    throw error;
  }
}

export const countOperators = (prisma: PrismaClient): Promise<number> => prisma.operator.count();

/** The operator with these credentials; INVALID_CREDENTIALS (401) otherwise. */
export async function loginOperator(
  prisma: PrismaClient,
  input: { readonly email: string; readonly password: string },
  inSlot: HashingSlot,
): Promise<OperatorView> {
  const account = await prisma.operator.findUnique({ where: { email: normalizeEmail(input.email) } });
  const verified = await checkCredentials(account, input.password, (checked, passwordHash) =>
    prisma.operator.update({ where: { id: checked.id }, data: { passwordHash } }),
    inSlot,
  );
  return view(verified);
}
