import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const base: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };

/**
 * Bodies are validated as sent: `"12"` is not a number. Query strings and path parameters can
 * only be text, so there a number or boolean the schema asks for is read from its text.
 */
export function installValidation(app: FastifyInstance): void {
  const strict = addFormats(new Ajv({ ...base, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...base, coerceTypes: true }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers' ? coercing : strict).compile(schema),
  );
}
