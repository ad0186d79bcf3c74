import { Ajv, type AnySchema, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyServerOptions } from 'fastify';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The one form of a uuid the contracts name (typebox's pattern, either case). */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const base: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;

/**
 * Bodies are validated as sent: `"12"` is not a number. Query strings and path parameters can
 * only be text, so there a number or boolean the schema asks for is read from its text.
 *
 * A schema controller rather than `setValidatorCompiler`, because only the controller's factory
 * is handed the schemas added with `app.addSchema` (the named components that routes `$ref`).
 */
export const validationController: SchemaController = {
  compilersFactory: {
    buildValidator: (externalSchemas: unknown) => {
      const build = (coerceTypes: boolean) => {
        const ajv = addFormats(new Ajv({ ...base, coerceTypes }));
        // ajv-formats' uuid also takes `urn:uuid:<uuid>`, which PostgreSQL's uuid type refuses: an
        // id in that form passed validation and then failed its query with a 500.
        ajv.addFormat('uuid', CANONICAL_UUID);
        for (const schema of Object.values((externalSchemas ?? {}) as Record<string, AnySchema>)) ajv.addSchema(schema);
        return ajv;
      };
      const strict = build(false);
      const coercing = build(true);
      return ({ schema, httpPart }) => (httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers' ? coercing : strict).compile(schema);
    },
  },
};
