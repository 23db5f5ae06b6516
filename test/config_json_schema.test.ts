/**
 * The JSON Schema of dlflow.yaml (`dlflow schema`, written by `dlflow init`), checked by a
 * real JSON Schema validator (Ajv, draft 2020-12) against what dlflow's own validator says:
 * the defaults, the init template and valid configs pass; typos, wrong types, out-of-range
 * values and unknown choices fail in both, at the same key.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { configSchemaText } from '../src/cli/commands/schema.js';
import { CONFIG_SPEC } from '../src/cli/config/schema.js';
import { defaultConfig } from '../src/cli/config/defaults.js';
import type { DlflowConfig } from '../src/cli/config/types.js';
import { validate } from '../src/cli/config/validate.js';
import { dlflow, ROOT, scratch } from './cli_helpers.js';

const schema = JSON.parse(configSchemaText()) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: true });
const check = ajv.compile(schema);

/** Ajv's verdict: null when valid, else the failing instance paths in dotted form. */
function ajvPaths(config: unknown): string[] | null {
  if (check(config)) return null;
  return (check.errors ?? []).map((e) => {
    const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : '';
    return [base, extra].filter((s) => s !== '').join('.');
  });
}

const dir = scratch('dlflow-schema-');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('config JSON Schema', () => {
  test('is a valid draft 2020-12 schema under Ajv strict mode', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(typeof check, 'function');
  });

  test('the defaults and the init template pass, as they pass dlflow\'s validator', () => {
    assert.equal(ajvPaths(defaultConfig()), null, JSON.stringify(check.errors));
    const template = parse(readFileSync(join(ROOT, 'templates', 'dlflow.yaml'), 'utf8')) ?? {};
    assert.equal(ajvPaths(template), null);
    assert.deepEqual(validate(template, CONFIG_SPEC), []);
  });

  const cases: [string, unknown, string][] = [
    ['a typo of a key', { hyperparameters: { epohcs: 3 } }, 'hyperparameters.epohcs'],
    ['a string for a number', { hyperparameters: { lr: 'fast' } }, 'hyperparameters.lr'],
    ['lr of 0 (must be > 0)', { hyperparameters: { lr: 0 } }, 'hyperparameters.lr'],
    ['a fractional batch size', { hyperparameters: { batchSize: 12.5 } }, 'hyperparameters.batchSize'],
    ['dropout above its range', { hyperparameters: { dropout: 1.5 } }, 'hyperparameters.dropout'],
    ['an unknown optimizer', { hyperparameters: { optimizer: 'adamm' } }, 'hyperparameters.optimizer'],
    ['a device pattern', { device: 'gpu' }, 'device'],
    ['a list item of the wrong type', { model: { hidden: [64, 'wide'] } }, 'model.hidden.1'],
    ['an unknown top-level key', { epochs: 3 }, 'epochs'],
  ];
  for (const [what, config, path] of cases) {
    test(`${what}: rejected by both validators at ${path}`, () => {
      const ours = validate(config, CONFIG_SPEC).map((i) => i.path.replace(/\[(\d+)\]/g, '.$1'));
      assert.ok(ours.includes(path), `dlflow's validator: ${JSON.stringify(ours)}`);
      const theirs = ajvPaths(config);
      assert.ok(theirs !== null && theirs.includes(path), `Ajv: ${JSON.stringify(theirs)}`);
    });
  }

  test('valid settings pass both: nulls where a key is optional, maps, tune space', () => {
    const config = { name: 'r1', model: { hidden: null, cnn: { channels: [16, 32] } }, data: { preprocessing: { age: 'minmax' } }, hyperparameters: { lr: 3e-4, scheduler: { type: 'cosine' } } };
    assert.deepEqual(validate(config, CONFIG_SPEC), []);
    assert.equal(ajvPaths(config), null, JSON.stringify(check.errors));
  });

  test('the schema and the typed defaults have the same keys at every level (neither can drift)', () => {
    const keysOf = (node: { properties?: Record<string, unknown> }, value: unknown, at: string): string[] => {
      if (node.properties === undefined || value === null || typeof value !== 'object') return [];
      const mine = Object.keys(node.properties).sort(), theirs = Object.keys(value).sort();
      assert.deepEqual(mine, theirs, `keys of ${at === '' ? 'the config' : at}`);
      return mine.flatMap((k) => keysOf(node.properties![k] as { properties?: Record<string, unknown> }, (value as Record<string, unknown>)[k], at === '' ? k : `${at}.${k}`));
    };
    keysOf(schema as { properties: Record<string, unknown> }, defaultConfig(), '');
  });

  test('the config\'s TypeScript types are the schema\'s: what the types reject, the validator rejects', () => {
    // Each @ts-expect-error fails `npm run typecheck` (part of npm test) if the inferred type accepts the value.
    const bad: DlflowConfig = defaultConfig();
    // @ts-expect-error -- not one of the schema's optimizers
    bad.hyperparameters.optimizer = 'adamm';
    // @ts-expect-error -- epochs: an integer or 'auto'
    bad.hyperparameters.epochs = 'many';
    // @ts-expect-error -- model.hidden: integers or null
    bad.model.hidden = ['64'];
    // @ts-expect-error -- no such key in the schema
    bad.hyperparameters.epcohs = 3;
    assert.deepEqual(validate(bad, CONFIG_SPEC).map((i) => i.path).sort(),
      ['hyperparameters.epcohs', 'hyperparameters.epochs', 'hyperparameters.optimizer', 'model.hidden[0]']);
    const good: DlflowConfig = defaultConfig();
    good.hyperparameters.optimizer = 'adamw';
    good.hyperparameters.epochs = 'auto';
    good.tune.space.units = null;
    assert.deepEqual(validate(good, CONFIG_SPEC), []);
  });

  test('every key carries its default and a description', () => {
    const props = (schema.properties as Record<string, { properties: Record<string, { default?: unknown; description?: string }> }>);
    assert.equal(props.hyperparameters.properties.lr.default, 1e-3);
    assert.equal(props.hyperparameters.properties.epochs.default, defaultConfig().hyperparameters.epochs);
    assert.match(props.hyperparameters.properties.optimizer.description ?? '', /One of 'sgd', 'adam'/);
    assert.equal(props.data.properties.path.default, undefined, 'no machine-specific path in the schema');
  });
});

describe('dlflow schema and init', () => {
  test('dlflow schema prints the schema; --out writes it', () => {
    const r = dlflow(dir, 'schema');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), schema);
    const w = dlflow(dir, 'schema', '--out', 'x.schema.json');
    assert.equal(w.code, 0, w.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'x.schema.json'), 'utf8')), schema);
    const bad = dlflow(dir, 'schema', '--outt', 'y.json');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--outt/);
  });

  test('dlflow init writes the schema beside dlflow.yaml, whose first line points at it', () => {
    const r = dlflow(dir, 'init', 'proj');
    assert.equal(r.code, 0, r.stderr);
    const yaml = readFileSync(join(dir, 'proj', 'dlflow.yaml'), 'utf8');
    assert.equal(yaml.split('\n')[0], '# yaml-language-server: $schema=./dlflow.schema.json');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'proj', 'dlflow.schema.json'), 'utf8')), schema);
  });
});
