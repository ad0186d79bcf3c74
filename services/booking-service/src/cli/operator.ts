/**
 * `pnpm operator add <email>`: creates an operator (the password from OPERATOR_PASSWORD, or asked
 * for twice on a terminal, or the first line of stdin). `ensure-dev <email>` is what `pnpm start`
 * runs: when no operator exists yet it creates one with a random password and prints both once.
 * DATABASE_URL names booking-service's database (default: the one `pnpm start` uses).
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createPrismaClient } from '../db/client.ts';
import { prepareDatabase } from '../db/migrate.ts';
import { addOperator, countOperators } from '../identity/operator-accounts.ts';
import { ServiceError } from '@rideline/service-kit';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/rideline_booking';
const MIN_PASSWORD = 8;
const usage = 'usage: pnpm operator add <email>   (password: OPERATOR_PASSWORD, or prompted)';

/** One line from the terminal without echoing it (or from a pipe as it is). */
async function readSecret(question: string): Promise<string> {
  const output = process.stderr;
  const lines = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true });
  if (process.stdin.isTTY) {
    output.write(question);
    // readline echoes through _writeToOutput; swallowing it hides what is typed.
    (lines as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => {};
  }
  const answer = await new Promise<string>((resolve) => lines.once('line', resolve).once('close', () => resolve('')));
  lines.close();
  if (process.stdin.isTTY) output.write('\n');
  return answer;
}

async function passwordFromUser(): Promise<string> {
  const fromEnv = process.env['OPERATOR_PASSWORD'];
  if (fromEnv !== undefined) return fromEnv;
  const first = await readSecret('password: ');
  if (process.stdin.isTTY && (await readSecret('again: ')) !== first) throw new Error('the two passwords differ');
  return first;
}

async function main(): Promise<void> {
  const [command, email] = process.argv.slice(2);
  if ((command !== 'add' && command !== 'ensure-dev') || email === undefined || !email.includes('@')) {
    process.stderr.write(`${usage}\n`);
    process.exitCode = 2;
    return;
  }
  const databaseUrl = process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL;
  await prepareDatabase(databaseUrl);
  const prisma = createPrismaClient(databaseUrl);
  try {
    if (command === 'ensure-dev') {
      const existing = await countOperators(prisma);
      if (existing > 0) {
        // Its password was shown once, when it was made; say how to get another rather than nothing.
        process.stdout.write(`console operators already exist (${existing}); add one with: pnpm operator add <email>\n`);
        return;
      }
      const password = randomBytes(12).toString('base64url');
      await addOperator(prisma, { email, password });
      process.stdout.write(`development operator created (shown once): ${email} / ${password}\n`);
      return;
    }
    const password = await passwordFromUser();
    if (password.length < MIN_PASSWORD) throw new Error(`the password needs at least ${MIN_PASSWORD} characters`);
    const operator = await addOperator(prisma, { email, password });
    process.stdout.write(`operator ${operator.email} created (id ${operator.id})\n`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ServiceError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`operator: ${message}\n`);
  process.exitCode = 1;
});
