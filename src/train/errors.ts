import type { SavedCheckpoint } from './checkpoint.js';

/** Raised when the loss becomes NaN or infinite: names where, and the last good checkpoint. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly value: number,
    readonly lastCheckpoint: SavedCheckpoint | null,
  ) {
    const where = `epoch ${epoch}, batch ${batch}`;
    const ckpt = lastCheckpoint === null
      ? 'no checkpoint was written before it'
      : `last good checkpoint: ${lastCheckpoint.path} (epoch ${lastCheckpoint.epoch})`;
    super(`training stopped: the loss became ${value} at ${where}; ${ckpt}. Try a lower learning rate (--lr) or gradient clipping (--grad-clip 1).`);
    this.name = 'NonFiniteLossError';
  }
}

/** Resuming a data-parallel checkpoint with a different number of processes (the data order and the batch per step would differ). */
export class WorldSizeMismatchError extends Error {
  constructor(readonly saved: number, readonly current: number) {
    super(`the checkpoint was written by a run on ${saved} process(es) but this run has ${current}: resume with the same number (` +
      `${saved === 1 ? 'without --nproc' : `--nproc ${saved}`}), since the data each process reads and the batch per step depend on it`);
    this.name = 'WorldSizeMismatchError';
  }
}
