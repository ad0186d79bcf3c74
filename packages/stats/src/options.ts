/**
 * The command line every benchmark and the demo share: flags read with `node:util`'s parseArgs,
 * and the command a report records so that a run can be repeated.
 */

/** parseArgs options: each of `names` a flag taking a value, and -h/--help. */
export function stringFlags<N extends string>(names: readonly N[]): StringFlags<N> {
  // Object.fromEntries types its keys as string: the entries are exactly `names`.
  const flags = Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as { [K in N]: { type: 'string' } };
  return { ...flags, help: { type: 'boolean', short: 'h' } as const };
}

export type StringFlags<N extends string> = { [K in N]: { type: 'string' } } & { help: { type: 'boolean'; short: 'h' } };

/**
 * The command that repeats this run of the package's `bench` script: the infrastructure it ran
 * against, the `envPrefix` variables that were set, and the arguments (pnpm's `--` left out).
 */
export function benchCommand(packageName: string, envPrefix: string, infrastructure: { readonly kafkaBrokers: string; readonly postgresUrl: string }): string {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const optionEnv = Object.entries(process.env)
    .filter(([name]) => name.startsWith(envPrefix))
    .map(([name, value]) => `${name}=${value} `);
  return (
    `KAFKA_BROKERS=${infrastructure.kafkaBrokers} RIDELINE_TEST_PG_URL=${infrastructure.postgresUrl} ` +
    `${optionEnv.join('')}pnpm --filter ${packageName} bench${args.length ? ` -- ${args.join(' ')}` : ''}`
  );
}
