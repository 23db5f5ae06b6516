/**
 * Matthews correlation coefficient, binary and multiclass (Gorodkin's R_K).
 */
import { countConfusion } from './confusion.js';
import type { VectorInput } from './input.js';

/**
 * Matthews correlation coefficient in [-1, 1] from the confusion matrix, as
 * scikit-learn's `matthews_corrcoef`; 0 when either marginal is constant.
 *
 * @example
 * matthewsCorrcoef([1, 1, 1, 0], [1, 0, 1, 1]); // -0.3333
 */
export function matthewsCorrcoef(yTrue: VectorInput, yPred: VectorInput): number {
  const { k, counts, n } = countConfusion('matthews_corrcoef', yTrue, yPred);
  const tSum = new Float64Array(k);
  const pSum = new Float64Array(k);
  let correct = 0;
  for (let i = 0; i < k; i++) {
    correct += counts[i * k + i];
    for (let j = 0; j < k; j++) { tSum[i] += counts[i * k + j]; pSum[j] += counts[i * k + j]; }
  }
  let tp = 0, pp = 0, tt = 0;
  for (let i = 0; i < k; i++) { tp += tSum[i] * pSum[i]; pp += pSum[i] * pSum[i]; tt += tSum[i] * tSum[i]; }
  const covYtYp = correct * n - tp;
  const covYpYp = n * n - pp;
  const covYtYt = n * n - tt;
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}
