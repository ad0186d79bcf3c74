import { InvalidSettingError, type Setting } from './settings.ts';

/** Settings, possibly grouped: `{ port, topics: { bookingEvents, ... } }`. */
export interface SettingsSchema {
  readonly [key: string]: Setting<unknown> | SettingsSchema;
}
export type ConfigOf<S extends SettingsSchema> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : S[K] extends SettingsSchema ? ConfigOf<S[K]> : never;
};

const isSetting = (entry: Setting<unknown> | SettingsSchema): entry is Setting<unknown> => typeof entry['read'] === 'function';

function* walk(schema: SettingsSchema): Generator<Setting<unknown>> {
  for (const entry of Object.values(schema)) {
    if (isSetting(entry)) yield entry;
    else yield* walk(entry);
  }
}

/** Thrown once with every bad setting listed, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1 ? `Invalid configuration: ${problems[0]}` : `Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends SettingsSchema>(schema: S, env: Readonly<Record<string, string | undefined>> = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const production = env['NODE_ENV'] === 'production';
  const missingInProduction: string[] = [];
  const read = (group: SettingsSchema): Record<string, unknown> => {
    const config: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(group)) {
      if (!isSetting(entry)) {
        config[key] = read(entry);
        continue;
      }
      if (production && entry.requiredInProduction && (env[entry.envVar]?.trim() ?? '') === '') {
        missingInProduction.push(entry.envVar);
        continue;
      }
      try {
        config[key] = entry.read(env[entry.envVar]);
      } catch (error) {
        if (!(error instanceof InvalidSettingError)) throw error;
        problems.push(`${entry.envVar} ${error.message}`);
      }
    }
    return config;
  };
  const config = read(schema);
  if (missingInProduction.length > 0) {
    // One line naming everything missing: an operator sets them all in one go.
    problems.unshift(`NODE_ENV=production requires ${missingInProduction.join(', ')} (not set)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}

/** A Markdown table of a schema's settings, for the README's configuration section. */
export function describeSettings(schema: SettingsSchema): string {
  const rows = [...walk(schema)].map(
    (setting) => `| \`${setting.envVar}\` | ${setting.defaultText === undefined ? '(required)' : `\`${setting.defaultText}\``} | ${setting.description} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
