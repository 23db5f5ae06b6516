/** model.json: what evaluate, predict and summary need to rebuild and use a trained model. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import type { LayerInfo } from '../../report/architecture_svg.js';
import type { TrainTask } from '../../train/types.js';
import type { Preprocessing } from '../../data/prepare/preprocessing.js';
import type { DataSummary } from '../../data/prepare/types.js';
import { UsageError } from '../errors.js';
import type { Architecture } from '../model/build.js';

export interface ModelInfo {
  dlflow: string;
  /** `training` while running (a kill leaves this), then `complete`, `early_stopped`, `interrupted` or `nonfinite`. */
  status: 'training' | 'complete' | 'early_stopped' | 'interrupted' | 'nonfinite';
  message: string;
  created: string;
  task: TrainTask;
  loss: string;
  architecture: Architecture;
  /** Shape of one example (`[C, H, W]` for images, `[features]` for tables): evaluate and predict feed `[N, ...inputShape]`. */
  inputShape: number[];
  totalParams: number;
  /** Summary rows: layer name, type, output shape, parameters. */
  layers: LayerInfo[];
  /** Class names in output order (classification). */
  labels: string[] | null;
  target: string;
  preprocessing: Preprocessing;
  data: DataSummary;
  epochsCompleted: number;
  bestEpoch: number | null;
}

export function writeModelInfo(dir: string, info: ModelInfo): void {
  writeFileAtomicSync(path.join(dir, 'model.json'), `${JSON.stringify(info, null, 2)}\n`);
}

/** Reads `<run>/model.json`; a folder that is not a run is a usage error. */
export function readModelInfo(dir: string): ModelInfo {
  const file = path.join(dir, 'model.json');
  if (!fs.existsSync(dir)) throw new UsageError(`run not found: ${dir}`);
  if (!fs.existsSync(file)) throw new UsageError(`${dir} is not a dlflow run (no model.json)`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ModelInfo;
}
