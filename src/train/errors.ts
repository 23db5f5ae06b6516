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
