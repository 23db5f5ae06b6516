/**
 * The config schema: what every key accepts, and (types.ts) the config's TypeScript types, inferred
 * from it. Defaults live in defaults.ts.
 */
import { S } from './spec.js';
import { TUNE_SPEC } from './tune.js';

/** One layer of a `model.layers` list (its keys are checked by cli/model/layer_list.ts). */
export interface LayerConfig {
  type: string;
  units?: number;
  p?: number;
  [option: string]: unknown;
}

export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'adamax', 'nadam', 'radam', 'rmsprop', 'adagrad', 'adadelta'] as const;
export const SCHEDULERS = ['auto', 'none', 'step', 'exponential', 'cosine', 'plateau', 'onecycle'] as const;
export const LOSSES = ['auto', 'cross_entropy', 'bce_with_logits', 'mse', 'l1', 'smooth_l1', 'huber'] as const;
export const ACTIVATIONS = ['relu', 'gelu', 'silu', 'tanh', 'sigmoid', 'leaky_relu', 'elu', 'selu', 'mish'] as const;
export const TREATMENTS = ['standardize', 'minmax', 'one_hot', 'binary', 'passthrough', 'drop'] as const;

const fraction = S.num({ min: 0, max: 1 });

export const CONFIG_SPEC = S.obj({
  name: S.opt(S.str({ pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, describe: 'a name of letters, digits, ".", "_" or "-"' }), 'run name (null: from the data file and the time)'),
  runsDir: S.str({ doc: 'folder that holds run directories' }),
  seed: S.int(0),
  device: S.str({ pattern: /^(auto|cpu|cuda(:\d+)?)$/, describe: "'auto', 'cpu', 'cuda' or 'cuda:N'" }),
  data: S.obj({
    path: S.str(),
    target: S.opt(S.str()),
    features: S.opt(S.list(S.str())),
    drop: S.list(S.str()),
    test: S.opt(S.str()),
    split: S.obj({ train: fraction, val: fraction, test: fraction }),
    stratify: S.bool(),
    skipBadFiles: S.bool(),
    lazy: S.boolOr(['auto'], "decode an image folder's images on demand in worker threads (auto: when its examples as float32 would exceed data.memoryBudget)"),
    memoryBudget: S.opt(S.num({ positive: true }), "bytes an image folder's examples may take in memory before data.lazy auto decodes on demand (null: a quarter of the machine's memory)"),
    preprocessing: S.map(S.oneOf(TREATMENTS)),
    augment: S.obj({
      crop: S.opt(S.obj({ padding: S.int(1) })),
      flip: S.oneOf(['horizontal', 'none']),
      mask: S.opt(S.obj({ freq: S.int(0, 'widest frequency mask in mels (SpecAugment F)'), time: S.int(0, 'widest time mask in frames (SpecAugment T)'), count: S.int(1, 'masks of each kind per example') })),
    }),
    series: S.opt(S.obj({
      time: S.opt(S.str()),
      lookback: S.opt(S.num({ int: true, positive: true })),
      horizon: S.num({ int: true, positive: true }),
      stride: S.num({ int: true, positive: true }),
      covariates: S.opt(S.list(S.str())),
    })),
  }),
  model: S.obj({
    arch: S.str({ describe: "'auto', 'mlp', 'cnn', 'gru', 'layers' or a path to a .ts/.js Module file", doc: 'auto: a GRU for time series, a CNN for images, spectrograms and volumes, an MLP otherwise' }),
    hidden: S.opt(S.list(S.num({ int: true, positive: true }))),
    activation: S.oneOf(ACTIVATIONS),
    batchNorm: S.bool(),
    layers: S.opt(S.list(S.any<LayerConfig>())),
    cnn: S.obj({
      channels: S.opt(S.list(S.num({ int: true, positive: true }), 1)),
      kernelSize: S.num({ int: true, positive: true }),
      blocks: S.opt(S.num({ int: true, positive: true })),
      pool: S.oneOf(['max', 'avg']),
      grid: S.opt(S.num({ int: true, positive: true })),
      hidden: S.num({ int: true, positive: true }),
      dropout: S.opt(S.num({ min: 0, max: 0.99 })),
    }),
    gru: S.obj({
      hidden: S.num({ int: true, positive: true }),
      layers: S.num({ int: true, positive: true }),
    }),
  }),
  hyperparameters: S.obj({
    epochs: S.intOr(1, ['auto'], 'passes over the training split (auto: 300 for a time series, where early stopping ends training, else 50)'),
    batchSize: S.int(1),
    lr: S.num({ positive: true }),
    optimizer: S.oneOf(OPTIMIZERS),
    optimizerOptions: S.map(S.any()),
    weightDecay: S.num({ min: 0 }),
    dropout: S.num({ min: 0, max: 0.99 }),
    scheduler: S.obj({
      type: S.oneOf(SCHEDULERS, 'auto: cosine for images, spectrograms and volumes, none otherwise'),
      stepSize: S.int(1),
      gamma: S.num({ positive: true }),
      patience: S.int(0),
      factor: S.num({ positive: true }),
      minLr: S.num({ min: 0 }),
    }),
    earlyStopping: S.obj({
      patience: S.int(0),
      monitor: S.str({ describe: "'auto' (val_accuracy for classifiers of images, spectrograms and volumes, else val_loss), 'val_loss' or a metric name such as 'val_accuracy'" }),
      minDelta: S.num({ min: 0 }),
      restoreBest: S.bool(),
    }),
    gradClip: S.num({ min: 0 }),
  }),
  loss: S.oneOf(LOSSES, 'auto: from the task'),
  metrics: S.any<'auto' | string[]>("'auto' or a list of metric names"),
  log: S.oneOf(['auto', 'bar', 'plain', 'jsonl'], 'progress output (auto: a bar on a terminal, else plain lines)'),
  tune: TUNE_SPEC,
});
