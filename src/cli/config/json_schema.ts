/**
 * The config schema as a JSON Schema (draft 2020-12), generated from the same {@link Spec} the
 * validator checks, so editors (the YAML language server, VS Code) complete and check
 * `dlflow.yaml` with exactly the rules `dlflow train` applies; every key carries its default.
 * `dlflow schema` prints it and `dlflow init` writes it beside the config.
 */
import { CONFIG_SPEC } from './schema.js';
import { describeSpec, type Spec } from './spec.js';

type JsonSchema = Record<string, unknown>;

/** The JSON Schema of one spec node; `dflt` is the default at this place of the config, if any. */
function schemaOf(spec: Spec, dflt: unknown): JsonSchema {
  const out = node(spec, dflt);
  const doc = spec.doc ?? describeSpec(spec);
  const withDefault = dflt === undefined || spec.t === 'object' ? {} : { default: dflt };
  return { description: doc.charAt(0).toUpperCase() + doc.slice(1), ...withDefault, ...out };
}

function node(spec: Spec, dflt: unknown): JsonSchema {
  switch (spec.t) {
    case 'number': {
      const bounds: JsonSchema = {};
      if (spec.positive) bounds.exclusiveMinimum = 0;
      if (spec.min !== undefined) bounds.minimum = spec.min;
      if (spec.max !== undefined) bounds.maximum = spec.max;
      const numeric: JsonSchema = { type: spec.int ? 'integer' : 'number', ...bounds };
      return spec.or === undefined ? numeric : { anyOf: [numeric, { enum: [...spec.or] }] };
    }
    case 'string':
      if (spec.oneOf) return { type: 'string', enum: [...spec.oneOf] };
      return { type: 'string', ...(spec.pattern ? { pattern: spec.pattern.source } : {}) };
    case 'boolean': return spec.or === undefined ? { type: 'boolean' } : { enum: [true, false, ...spec.or] };
    case 'list': return { type: 'array', items: node(spec.of, undefined), ...(spec.minItems !== undefined ? { minItems: spec.minItems } : {}) };
    case 'map': return { type: 'object', additionalProperties: node(spec.of, undefined) };
    case 'nullable': return { anyOf: [node(spec.of, undefined), { type: 'null' }] };
    case 'any': return {};
    case 'object': {
      const defaults = (dflt !== null && typeof dflt === 'object' ? dflt : {}) as Record<string, unknown>;
      const properties = Object.fromEntries(Object.entries(spec.fields).map(([k, f]) => [k, schemaOf(f, defaults[k])]));
      return { type: 'object', properties, additionalProperties: false };
    }
  }
}

/**
 * The JSON Schema of a dlflow config file, with `defaults` (a resolved default config) as each
 * key's default.
 *
 * @example
 * const schema = configJsonSchema(defaultConfig(), '0.1.0');
 * schema.properties.hyperparameters.properties.lr; // { description: 'A number > 0', default: 0.001, type: 'number', exclusiveMinimum: 0 }
 */
export function configJsonSchema(defaults: unknown, version: string): JsonSchema & { properties: Record<string, JsonSchema> } {
  const root = node(CONFIG_SPEC, defaults) as JsonSchema & { properties: Record<string, JsonSchema> };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://dlflow.dev/schema/${version}/dlflow.schema.json`,
    title: 'dlflow config',
    description: `A dlflow.yaml (dlflow ${version}): every key is optional; a missing key takes its default. Any key can also be given as a flag (--hyperparameters.lr 3e-4).`,
    ...root,
  };
}
