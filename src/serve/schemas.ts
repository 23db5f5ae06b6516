/**
 * JSON schemas of the request bodies (Fastify validates them with Ajv before a handler runs) and
 * the formatting of Ajv's errors into one message naming the field. What a schema cannot know —
 * a model's columns, shapes and datatypes — is checked per model in inputs.ts.
 */
import { DATATYPES } from './tensors.js';

const cell = { type: ['string', 'number', 'boolean', 'null'] } as const;

/** KServe/TF-Serving V1 `:predict`: `{ "instances": [ record | array, … ] }`. */
export const V1_PREDICT_BODY = {
  type: 'object',
  required: ['instances'],
  additionalProperties: false,
  properties: {
    instances: {
      type: 'array', minItems: 1,
      items: { anyOf: [{ type: 'object', additionalProperties: cell }, { type: 'array' }] },
    },
    signature_name: { type: 'string' },
  },
} as const;

/** Open Inference Protocol `infer` request. */
export const V2_INFER_BODY = {
  type: 'object',
  required: ['inputs'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    parameters: { type: 'object' },
    inputs: {
      type: 'array', minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'shape', 'datatype', 'data'],
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
          datatype: { enum: DATATYPES },
          parameters: { type: 'object' },
          data: { type: 'array' },
        },
      },
    },
    outputs: {
      type: 'array',
      items: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' }, parameters: { type: 'object' } } },
    },
  },
} as const;

/** One of Ajv's errors, as much of it as the message needs. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * Ajv's first error as one message: where (`body/inputs/0/datatype`) and what is wrong,
 * naming an unexpected key or the allowed values.
 *
 * @example
 * schemaMessage([{ instancePath: '/inputs/0', keyword: 'required', message: "must have required property 'data'", params: {} }], 'body');
 * // "body/inputs/0 must have required property 'data'"
 */
export function schemaMessage(errors: readonly SchemaError[], dataVar: string): string {
  // anyOf reports each branch and then itself; the branch errors say more about records.
  const e = errors.find((x) => x.keyword !== 'anyOf') ?? errors[0];
  const where = `${dataVar}${e.instancePath}`;
  if (e.keyword === 'additionalProperties') return `${where}: unknown key '${String(e.params.additionalProperty)}'`;
  if (e.keyword === 'enum') return `${where} must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
  return `${where} ${e.message ?? 'is not valid'}`;
}
