// Query strings and path params arrive as text, so they are coerced ("10" -> 10); JSON bodies
// are not: `{"vm_id": 42}` where a string is expected is a 400, not a silent "42". Unknown
// fields are errors everywhere (schemas say additionalProperties: false), never dropped.
import Ajv from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const common = { removeAdditional: false, useDefaults: true, allErrors: true, strict: false } as const;
const coercing = new Ajv({ ...common, coerceTypes: 'array' });
const strict = new Ajv({ ...common, coerceTypes: false });

/** A validator for a JSON document checked outside a route's own schema (e.g. each /query query). */
export const compileJsonValidator = (schema: object) => strict.compile(schema);

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema) as ReturnType<FastifySchemaCompiler<object>>;
