/**
 * Shorthands accepted in a config, expanded to the full form before merging and validation:
 * `model: auto` / `model: ./net.ts` / `model: [layers]`, `scheduler: cosine`,
 * `earlyStopping: 5`, `metrics: accuracy,f1_macro`, `augment: { crop: 4, flip: false }`.
 */
import { isPlainObject } from '../../base/options.js';

type Obj = Record<string, unknown>;

/** A copy of `raw` with shorthands expanded (unknown keys are left for the validator). */
export function normalizeShorthands(raw: Obj): Obj {
  const out: Obj = { ...raw };
  if (typeof out.model === 'string') out.model = { arch: out.model };
  else if (Array.isArray(out.model)) out.model = { arch: 'layers', layers: out.model };
  else if (isPlainObject(out.model) && Array.isArray(out.model.layers) && out.model.arch === undefined) out.model = { ...out.model, arch: 'layers' };
  if (isPlainObject(out.hyperparameters)) {
    const h: Obj = { ...out.hyperparameters };
    if (typeof h.scheduler === 'string') h.scheduler = { type: h.scheduler };
    if (h.scheduler === null || h.scheduler === false) h.scheduler = { type: 'none' };
    if (typeof h.earlyStopping === 'number') h.earlyStopping = { patience: h.earlyStopping };
    if (h.earlyStopping === false || h.earlyStopping === null) h.earlyStopping = { patience: 0 };
    out.hyperparameters = h;
  }
  if (isPlainObject(out.data) && out.data.augment !== undefined) out.data = { ...out.data, augment: augmentShorthands(out.data.augment) };
  if (typeof out.metrics === 'string' && out.metrics !== 'auto') out.metrics = out.metrics.split(',').map((s) => s.trim()).filter(Boolean);
  return out;
}

/** `augment: false` (all off), `crop: 4` (padding 4), `crop: false`, `flip: false` (none). */
function augmentShorthands(a: unknown): unknown {
  if (a === false || a === null) return { crop: null, flip: 'none' };
  if (!isPlainObject(a)) return a;
  const out: Obj = { ...a };
  if (typeof out.crop === 'number') out.crop = { padding: out.crop };
  if (out.crop === false) out.crop = null;
  if (out.flip === false || out.flip === 'false') out.flip = 'none';
  if (out.flip === true) out.flip = 'horizontal';
  return out;
}

/** Deep merge: mappings merge key by key, everything else (lists included) replaces. */
export function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Obj, v) : v;
  }
  return out;
}
