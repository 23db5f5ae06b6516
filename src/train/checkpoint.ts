/**
 * Checkpoint files: one safetensors file holding the model's tensors, the optimizer's state
 * tensors and callbacks' tensors, with everything else (optimizer groups and step counts,
 * scheduler state, generator states, epoch, history, callback counters) as JSON metadata.
 * Written with write-temp-then-rename, so a `kill -9` leaves the previous file whole.
 */
import * as fs from 'node:fs';
import type { Tensor } from '../core/tensor.js';
import { writeFileAtomicSync } from '../io/atomic_write.js';
import { parseSafetensors, serializeSafetensors } from '../io/safetensors.js';

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

/**
 * Reads a checkpoint written by {@link writeCheckpoint}.
 *
 * @example
 * const ckpt = readCheckpoint('runs/a/checkpoints/last.safetensors');
 * ckpt.meta.epoch; // epochs completed
 */
export function readCheckpoint(file: string): CheckpointData {
  const parsed = parseSafetensors(fs.readFileSync(file), file);
  const raw = parsed.metadata[META_KEY];
  if (raw === undefined) throw new Error(`${file}: not a dlflow checkpoint (no '${META_KEY}' metadata)`);
  const meta = JSON.parse(raw) as CheckpointMeta;
  if (meta.format !== 'dlflow-checkpoint') throw new Error(`${file}: unknown checkpoint format`);
  return { tensors: parsed.tensors, meta };
}

/** The tensors under `prefix.` with the prefix removed. */
export function withPrefix(tensors: Record<string, Tensor>, prefix: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const p = `${prefix}.`;
  for (const [k, v] of Object.entries(tensors)) if (k.startsWith(p)) out[k.slice(p.length)] = v;
  return out;
}
