/**
 * The training epoch's loss and accuracy, kept on the device until they are read.
 *
 * A training step does not read its loss back (`loss.item()` every batch is a host round trip
 * that would stall an asynchronous backend such as CUDA). Each step hands its detached loss
 * tensor and, for classification, its count of correct predictions to {@link EpochRecord.add};
 * {@link EpochRecord.read} copies everything pending out in one host read per kind and folds it,
 * in step order, into JavaScript doubles exactly as the per-step loop did (`sum += loss * rows`,
 * `correct += count`). The logged `train_loss` and `train_accuracy` are therefore bit-identical
 * to reading every step. A running float32 sum on the device would round differently (float32
 * additions of `loss * rows`), so the per-step values are kept instead: one scalar per step,
 * released at each read.
 *
 * The NaN/Inf check happens on read: the fold stops at the first non-finite loss and remembers
 * its batch and value. (There is no device-side flag that could stop the optimizer's step
 * without a host read: the optimizers' scalars are computed on the host.)
 */
import { noGrad } from '../autograd/grad_mode.js';
import { tidy, type Tensor } from '../core/tensor.js';
import { cat } from '../ops/join.js';
import type { RunningValues } from './types.js';

/** Where the loss first became NaN or infinite. */
export interface NonFiniteStep {
  /** 1-based batch index in the epoch. */
  batch: number;
  value: number;
}

/** The values of `tensors` (each one element), read in one host transfer. */
function readScalars(tensors: readonly Tensor[]): number[] {
  if (tensors.length === 0) return [];
  const data = noGrad(() => tidy(() => cat(tensors.map((t) => t.reshape([-1]))).dataSync()));
  return Array.from(data as ArrayLike<number | bigint>, Number);
}

/**
 * @example
 * const record = new EpochRecord(true);
 * record.add(loss.detach(), correctCount, x.shape[0]); // each step: no host read
 * const { loss, accuracy } = record.read();           // once per epoch
 */
export class EpochRecord {
  private pendingLosses: Tensor[] = [];
  /** Aligned with the losses; null where a step has no count (not classification, or not [rows, classes] outputs). */
  private pendingCorrect: (Tensor | null)[] = [];
  private pendingSizes: number[] = [];
  private lossSum = 0;
  private correct = 0;
  private rows = 0;
  private folded = 0;
  /** The first non-finite loss found by a read, or null. */
  nonFinite: NonFiniteStep | null = null;

  /** @param classify whether the steps carry correct-prediction counts (running accuracy). */
  constructor(private readonly classify: boolean) {}

  /**
   * Takes one step's values (the record owns and disposes the tensors): its loss (one element,
   * detached), its count of correct predictions (classification; null where none applies) and
   * its number of rows.
   */
  add(loss: Tensor, correct: Tensor | null, rows: number): void {
    this.pendingLosses.push(loss);
    this.pendingCorrect.push(correct);
    this.pendingSizes.push(rows);
  }

  /** Reads the pending steps from the device (nothing is read when none are pending) and returns the running values. */
  read(): RunningValues {
    if (this.pendingSizes.length > 0) this.fold();
    return {
      loss: this.rows === 0 ? Number.NaN : this.lossSum / this.rows,
      accuracy: this.classify && this.rows > 0 ? this.correct / this.rows : undefined,
      rows: this.rows,
    };
  }

  /** The sums behind the running values, as of the last read: Σ loss·rows, correct predictions, rows. */
  totals(): { lossSum: number; correct: number; rows: number } {
    return { lossSum: this.lossSum, correct: this.correct, rows: this.rows };
  }

  /** Frees the tensors not yet read (a step failed mid-epoch). */
  dispose(): void {
    for (const t of this.pendingLosses) t.dispose();
    for (const t of this.pendingCorrect) t?.dispose();
    this.pendingLosses = [];
    this.pendingCorrect = [];
    this.pendingSizes = [];
  }

  private fold(): void {
    const losses = readScalars(this.pendingLosses);
    const counted = this.pendingCorrect.filter((t): t is Tensor => t !== null);
    const counts = readScalars(counted);
    const hasCount = this.pendingCorrect.map((t) => t !== null);
    const sizes = this.pendingSizes;
    this.dispose();
    if (this.nonFinite !== null) return;
    for (let i = 0, c = 0; i < sizes.length; i++) {
      this.folded++;
      if (!Number.isFinite(losses[i])) {
        this.nonFinite = { batch: this.folded, value: losses[i] };
        return;
      }
      this.lossSum += losses[i] * sizes[i];
      this.rows += sizes[i];
      if (hasCount[i]) this.correct += counts[c++];
    }
  }
}
