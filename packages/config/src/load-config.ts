import { InvalidSettingError, type Setting } from './settings.ts';

export type SettingsSchema = Record<string, Setting<unknown>>;
export type ConfigOf<S extends SettingsSchema> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/** Thrown once with every bad setting listed, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends SettingsSchema>(
  schema: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(schema)) {
    try {
      config[key] = setting.read(env[setting.envVar]);
    } catch (error) {
      if (!(error instanceof InvalidSettingError)) throw error;
      problems.push(`${setting.envVar} ${error.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}

/** A Markdown table of a schema's settings, for the README's configuration section. */
export function describeSettings(schema: SettingsSchema): string {
  const rows = Object.values(schema).map(
    (setting) =>
      `| \`${setting.envVar}\` | ${setting.defaultText === undefined ? '(required)' : `\`${setting.defaultText}\``} | ${setting.description} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
