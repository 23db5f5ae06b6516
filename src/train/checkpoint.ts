/**
 * Checkpoint files: one safetensors file holding the model's tensors, the optimizer's state
 * tensors and callbacks' tensors, with everything else (optimizer groups and step counts,
 * scheduler state, generator states, epoch, history, callback counters) as JSON metadata.
 * Written with write-temp-then-rename, so a `kill -9` leaves the previous file whole.
 */
import type { Tensor } from '../core/tensor.js';
import { writeFileAtomicSync } from '../io/atomic_write.js';
import { FileFormatError, readFileBytes } from '../io/errors.js';
import { parseSafetensors, serializeSafetensors } from '../io/safetensors.js';
import { isPlainObject } from '../base/options.js';

/** The JSON half of a checkpoint. */
export interface CheckpointMeta {
  format: 'dlflow-checkpoint';
  version: 1;
  /** Epochs completed. */
  epoch: number;
  globalStep: number;
  history: unknown[];
  optimizer: { paramGroups: unknown[]; scalars: Record<string, Record<string, number>> };
  scheduler: Record<string, unknown> | null;
  generators: { default: unknown; loader: unknown };
  callbacks: Record<string, unknown>;
  /** Free-form data of the caller (the CLI stores the run name and config here). */
  extra: Record<string, unknown>;
  /** Processes of a data-parallel fit (absent: 1); resuming needs the same number. */
  worldSize?: number;
}

/** A checkpoint file written during a fit, and the epochs it holds. */
export interface SavedCheckpoint {
  path: string;
  /** Epochs completed when it was written. */
  epoch: number;
}

export interface CheckpointData {
  /** `model.<key>`, `optim.<param>.<key>`, `cb.<callback>.<key>`. */
  tensors: Record<string, Tensor>;
  meta: CheckpointMeta;
}

const META_KEY = 'dlflow.checkpoint';

/**
 * Writes a checkpoint atomically.
 *
 * @example
 * writeCheckpoint('runs/a/checkpoints/last.safetensors', trainer.snapshot());
 */
export function writeCheckpoint(file: string, data: CheckpointData): void {
  const bytes = serializeSafetensors(data.tensors, { [META_KEY]: JSON.stringify(data.meta) });
  writeFileAtomicSync(file, bytes);
}

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** What each key of the metadata must be, so a damaged checkpoint is named before any state is restored from it. */
const META_FIELDS: { readonly [K in Exclude<keyof CheckpointMeta, 'worldSize'>]: [string, (v: unknown) => boolean] } = {
  format: ["'dlflow-checkpoint'", (v) => v === 'dlflow-checkpoint'],
  version: ['1', (v) => v === 1],
  epoch: ['an integer >= 0', isCount],
  globalStep: ['an integer >= 0', isCount],
  history: ['a list', Array.isArray],
  optimizer: ['an object with paramGroups (a list) and scalars (an object of objects)',
    (v) => isPlainObject(v) && Array.isArray(v.paramGroups) && v.paramGroups.every(isPlainObject) && isPlainObject(v.scalars) && Object.values(v.scalars).every(isPlainObject)],
  scheduler: ['an object or null', (v) => v === null || isPlainObject(v)],
  generators: ['an object with default and loader', (v) => isPlainObject(v) && 'default' in v && 'loader' in v],
  callbacks: ['an object', isPlainObject],
  extra: ['an object', isPlainObject],
};

/**
 * A checkpoint from the bytes of its file, validated: a well-formed safetensors file whose
 * metadata holds the checkpoint's JSON with every key of the right kind. `file` names it in errors.
 *
 * @throws FileFormatError naming the file and the key or byte offset at fault.
 * @example
 * const ckpt = parseCheckpoint(fs.readFileSync('runs/a/checkpoints/last.safetensors'), 'last.safetensors');
 */
export function parseCheckpoint(bytes: Uint8Array, file: string): CheckpointData {
  const parsed = parseSafetensors(bytes, file);
  const fail = (detail: string, key?: string): never => {
    for (const t of Object.values(parsed.tensors)) t.dispose();
    throw new FileFormatError(file, detail, { key });
  };
  const raw = parsed.metadata[META_KEY];
  if (raw === undefined) fail(`not a dlflow checkpoint (no '${META_KEY}' metadata)`, META_KEY);
  let meta: unknown;
  try {
    meta = JSON.parse(raw);
  } catch (e) {
    fail(`checkpoint metadata '${META_KEY}' is not valid JSON: ${(e as Error).message}`, META_KEY);
  }
  if (!isPlainObject(meta)) return fail(`checkpoint metadata '${META_KEY}' must be a JSON object`, META_KEY);
  if (meta.format !== 'dlflow-checkpoint') fail(`unknown checkpoint format ${JSON.stringify(meta.format)?.slice(0, 40)} (expected 'dlflow-checkpoint')`, 'format');
  for (const [key, [expected, valid]] of Object.entries(META_FIELDS)) {
    if (!(key in meta)) fail(`checkpoint metadata misses '${key}' (${expected})`, key);
    if (!valid(meta[key])) fail(`checkpoint metadata '${key}' must be ${expected}, found ${JSON.stringify(meta[key])?.slice(0, 40)}`, key);
  }
  if ('worldSize' in meta && !(isCount(meta.worldSize) && (meta.worldSize as number) >= 1)) fail(`checkpoint metadata 'worldSize' must be an integer >= 1, found ${JSON.stringify(meta.worldSize)?.slice(0, 40)}`, 'worldSize');
  return { tensors: parsed.tensors, meta: meta as unknown as CheckpointMeta };
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint}.
 *
 * @throws FileFormatError for a file that is missing, damaged or not a dlflow checkpoint.
 * @example
 * const ckpt = readCheckpoint('runs/a/checkpoints/last.safetensors');
 * ckpt.meta.epoch; // epochs completed
 */
export function readCheckpoint(file: string): CheckpointData {
  return parseCheckpoint(readFileBytes(file), file);
}

/** The tensors under `prefix.` with the prefix removed. */
export function withPrefix(tensors: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const p = `${prefix}.`;
  for (const [k, v] of Object.entries(tensors)) if (k.startsWith(p)) out[k.slice(p.length)] = v;
  return out;
}
