import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

type Schema = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// Bodies are taken as sent: no stripping of unknown fields, no "1999" -> 1999.
const bodyAjv = addFormats(
  new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, strict: false }),
);
// Query strings and path parameters are text by nature, so they are coerced.
const textAjv = addFormats(
  new Ajv({
    allErrors: true,
    coerceTypes: true,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  }),
);

function acceptsInteger(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const { type, anyOf } = schema as Schema;
  if (type === 'integer') return true;
  return Array.isArray(anyOf) && anyOf.some(acceptsInteger);
}

function integerKeysOf(schema: Schema): string[] {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return Object.keys(properties).filter((key) => acceptsInteger(properties[key]));
}

const WHOLE_NUMBER = /^-?\d+$/;

// Ajv would coerce "1.0", " 7" or "1e3" to integers; ids and numbers in URLs must be plain digits.
function withIntegerGuard(validate: ValidateFunction, integerKeys: string[]) {
  const guarded = (data: unknown): boolean => {
    const record = (data ?? {}) as Record<string, unknown>;
    const malformed = integerKeys.filter((key) => {
      const value = record[key];
      return typeof value === 'string' && !WHOLE_NUMBER.test(value);
    });
    if (malformed.length > 0) {
      guarded.errors = malformed.map((key): ErrorObject => ({
        keyword: 'type',
        instancePath: `/${key}`,
        schemaPath: '',
        params: { type: 'integer' },
      }));
      return false;
    }
    const valid = validate(data);
    guarded.errors = validate.errors;
    return valid;
  };
  guarded.errors = null as ErrorObject[] | null | undefined;
  return guarded;
}

export const validatorCompiler: FastifySchemaCompiler<Schema> = ({ schema, httpPart }) => {
  if (httpPart === 'body') return bodyAjv.compile(schema);
  const validate = textAjv.compile(schema);
  const integerKeys = integerKeysOf(schema);
  return integerKeys.length === 0 ? validate : withIntegerGuard(validate, integerKeys);
};
