import { Prisma } from '../generated/prisma/client.ts';
import { normalizeEmail } from './email.ts';
import { identityErrors } from './errors.ts';
import { hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from './password.ts';

/** True for Prisma's unique-constraint violation (the only unique column written is email). */
const isUniqueViolation = (error: unknown): boolean => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** Runs password hashing work within the service's bound (a HashingGate lane). */
export type HashingSlot = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * The login check shared by users, drivers and operators: the same 401, and about the same time, whether
 * the email is unknown or the password wrong. A hash made with older parameters is replaced
 * (computed in the same hashing slot, saved after it).
 */
async function checkCredentials<A extends { readonly id: string; readonly passwordHash: string }>(
  account: A | null,
  password: string,
  saveRehash: (account: A, passwordHash: string) => PromiseLike<unknown>,
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

/** What every account row has (users, drivers, operators). */
export interface StoredAccount {
  readonly id: string;
  readonly passwordHash: string;
}

/**
 * One kind of account's table (`prisma.user`, `prisma.driver`, `prisma.operator`), as
 * registration and login use it: rows found by their (normalized, unique) email.
 */
export interface AccountTable<Row extends StoredAccount, Data> {
  create(args: { data: Data & { email: string; passwordHash: string } }): PromiseLike<Row>;
  findUnique(args: { where: { email: string } }): PromiseLike<Row | null>;
  update(args: { where: { id: string }; data: { passwordHash: string } }): PromiseLike<Row>;
}

/** Hashing outside any gate: the command line's, where nobody competes for the CPU. */
const unbounded: HashingSlot = (work) => work();

/**
 * Creates an account of `table` with `data`, its email normalized and `password` hashed (in
 * `inSlot`); EMAIL_TAKEN (409) when the email, in any case, is already one of the table's.
 */
export async function createAccount<Row extends StoredAccount, Data>(
  table: AccountTable<Row, Data>,
  data: Data,
  credentials: { readonly email: string; readonly password: string },
  inSlot: HashingSlot = unbounded,
): Promise<Row> {
  const passwordHash = await inSlot(() => hashPassword(credentials.password));
  try {
    return await table.create({ data: { ...data, email: normalizeEmail(credentials.email), passwordHash } });
  } catch (error) {
    if (isUniqueViolation(error)) throw identityErrors.EMAIL_TAKEN();
    throw error;
  }
}

/** The account of `table` with these credentials (checkCredentials); INVALID_CREDENTIALS (401) otherwise. */
export async function loginAccount<Row extends StoredAccount>(
  table: AccountTable<Row, never>,
  credentials: { readonly email: string; readonly password: string },
  inSlot: HashingSlot,
): Promise<Row> {
  const account = await table.findUnique({ where: { email: normalizeEmail(credentials.email) } });
  return checkCredentials(
    account,
    credentials.password,
    (checked, passwordHash) => table.update({ where: { id: checked.id }, data: { passwordHash } }),
    inSlot,
  );
}
