/**
 * A setting reads one environment variable, parses it and says precisely what is wrong when it
 * cannot. A service's config is a record of settings, read once at start-up by `loadConfig`.
 */
export interface Setting<T> {
  readonly envVar: string;
  readonly description: string;
  /** The default as it would be written in the environment, for docs and error messages. */
  readonly defaultText: string | undefined;
  /**
   * A secret or key a development setup may generate or default, but a production deployment
   * must set: with NODE_ENV=production, `loadConfig` refuses the config while it is unset.
   */
  readonly requiredInProduction?: boolean;
  read(raw: string | undefined): T;
}

/** The same setting, required when NODE_ENV=production (see `Setting.requiredInProduction`). */
export const requiredInProduction = <T>(setting: Setting<T>): Setting<T> => ({
  ...setting,
  requiredInProduction: true,
});

export class InvalidSettingError extends Error {}

interface SettingOptions<T> {
  readonly description: string;
  readonly default?: T;
}

function setting<T>(envVar: string, options: SettingOptions<T>, parse: (raw: string) => T, show: (value: T) => string = String): Setting<T> {
  return {
    envVar,
    description: options.description,
    defaultText: options.default === undefined ? undefined : show(options.default),
    read(raw) {
      const text = raw?.trim();
      if (text === undefined || text === '') {
        if (options.default !== undefined) return options.default;
        throw new InvalidSettingError('is required but not set');
      }
      return parse(text);
    },
  };
}

const describeGot = (raw: string) => `(got ${JSON.stringify(raw)})`;

export function integer(envVar: string, options: SettingOptions<number> & { min?: number; max?: number }): Setting<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  return setting(envVar, options, (raw) => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      throw new InvalidSettingError(`must be an integer from ${min} to ${max} ${describeGot(raw)}`);
    }
    return value;
  });
}

export function number(envVar: string, options: SettingOptions<number> & { min?: number; max?: number }): Setting<number> {
  const { min = -Infinity, max = Infinity } = options;
  return setting(envVar, options, (raw) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new InvalidSettingError(`must be a number from ${min} to ${max} ${describeGot(raw)}`);
    }
    return value;
  });
}

export const port = (envVar: string, options: SettingOptions<number>) => integer(envVar, { ...options, min: 0, max: 65_535 });

export function string(envVar: string, options: SettingOptions<string> & { pattern?: RegExp }): Setting<string> {
  return setting(envVar, options, (raw) => {
    if (options.pattern && !options.pattern.test(raw)) {
      throw new InvalidSettingError(`must match ${options.pattern} ${describeGot(raw)}`);
    }
    return raw;
  });
}

export function oneOf<const T extends string>(envVar: string, choices: readonly T[], options: SettingOptions<T>): Setting<T> {
  return setting(envVar, options, (raw) => {
    if (!(choices as readonly string[]).includes(raw)) {
      throw new InvalidSettingError(`must be one of ${choices.join(', ')} ${describeGot(raw)}`);
    }
    return raw as T;
  });
}

export function boolean(envVar: string, options: SettingOptions<boolean>): Setting<boolean> {
  return setting(envVar, options, (raw) => {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new InvalidSettingError(`must be true or false ${describeGot(raw)}`);
  });
}

/** A URL whose protocol is one of `protocols`; error messages never echo its password. */
export function url(envVar: string, protocols: readonly string[], options: SettingOptions<string>): Setting<string> {
  return setting(
    envVar,
    options,
    (raw) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        throw new InvalidSettingError('must be a URL');
      }
      if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        throw new InvalidSettingError(`must be a ${protocols.join(' or ')} URL`);
      }
      return raw;
    },
    redactUrl,
  );
}

/** Comma-separated `host:port` pairs, as Kafka clients take them. */
export function hostPortList(envVar: string, options: SettingOptions<string[]>): Setting<string[]> {
  return setting(
    envVar,
    options,
    (raw) => {
      const entries = raw.split(',').map((entry) => entry.trim());
      for (const entry of entries) {
        const match = /^([A-Za-z0-9.\-_]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(entry);
        if (!match || Number(match[2]) > 65_535) {
          throw new InvalidSettingError(`must be a comma-separated list of host:port ${describeGot(raw)}`);
        }
      }
      return entries;
    },
    (value) => value.join(','),
  );
}

/**
 * Comma-separated web origins (`scheme://host[:port]`, as a browser sends them in `Origin`),
 * each normalised the way a browser serialises it (lower-case host, default port dropped).
 * Unset reads as null: the caller decides what no list means.
 */
export function originList(envVar: string, options: { readonly description: string }): Setting<readonly string[] | null> {
  return {
    envVar,
    description: options.description,
    defaultText: undefined,
    read(raw) {
      const text = raw?.trim() ?? '';
      if (text === '') return null;
      return text.split(',').map((entry) => {
        const origin = entry.trim();
        let parsed: URL | undefined;
        try {
          parsed = new URL(origin);
        } catch {
          parsed = undefined;
        }
        const bare =
          parsed !== undefined &&
          (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
          parsed.username === '' &&
          parsed.password === '' &&
          parsed.search === '' &&
          parsed.hash === '' &&
          parsed.pathname === '/' &&
          !origin.endsWith('/');
        if (!parsed || !bare) {
          throw new InvalidSettingError(
            `must be comma-separated origins such as https://app.example.com (scheme, host and optional port; no path) ${describeGot(text)}`,
          );
        }
        return parsed.origin;
      });
    },
  };
}

export function redactUrl(raw: string): string {
  try {
    const parsed = new URL(raw);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}
