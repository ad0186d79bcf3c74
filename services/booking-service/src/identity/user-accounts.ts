import type { PrismaClient } from '../db/client.ts';
import { createAccount, loginAccount, type HashingSlot } from './credentials.ts';

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
  return view(await createAccount(prisma.user, { name: input.name.trim() }, input, inSlot));
}

/** The rider with these credentials; INVALID_CREDENTIALS (401) otherwise. */
export async function loginUser(prisma: PrismaClient, input: { readonly email: string; readonly password: string }, inSlot: HashingSlot): Promise<UserView> {
  return view(await loginAccount(prisma.user, input, inSlot));
}
