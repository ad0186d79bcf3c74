import type { PrismaClient } from '../db/client.ts';
import { createAccount, loginAccount, type HashingSlot } from './credentials.ts';

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
  return view(await createAccount(prisma.operator, {}, input));
}

export const countOperators = (prisma: PrismaClient): Promise<number> => prisma.operator.count();

/** The operator with these credentials; INVALID_CREDENTIALS (401) otherwise. */
export async function loginOperator(
  prisma: PrismaClient,
  input: { readonly email: string; readonly password: string },
  inSlot: HashingSlot,
): Promise<OperatorView> {
  return view(await loginAccount(prisma.operator, input, inSlot));
}
