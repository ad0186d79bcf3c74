import { checkInfrastructure, type Infrastructure } from './environment.ts';

/** A bad option: the usage is printed with it. */
export class OptionsError extends Error {}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * How every benchmark's command line begins: its options read (`--help` prints `help` and
 * exits 0; a bad option prints the reason and `help`, exit 2), then the broker and the database
 * checked (exit 1 naming the setting when one does not answer).
 */
export async function startBench<Options>(
  read: (argv: readonly string[]) => Options | 'help',
  help: string,
  log: (message: string) => void,
): Promise<{ options: Options; infrastructure: Infrastructure }> {
  let options: Options | 'help';
  try {
    options = read(process.argv.slice(2));
  } catch (error) {
    log(error instanceof OptionsError || error instanceof TypeError ? `${error.message}\n\n${help}` : messageOf(error));
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${help}\n`);
    process.exit(0);
  }
  try {
    return { options, infrastructure: await checkInfrastructure() };
  } catch (error) {
    log(messageOf(error));
    process.exit(1);
  }
}
