/**
 * Option fields several metrics share, declared once (src/base/options.ts) under scikit-learn's
 * keyword names in camelCase. A metric's options are checked under its scikit-learn name, the
 * name every other message of that metric starts with (`roc_auc_score: unknown option 'lables'
 * (did you mean 'labels'?; …)`).
 */
import { option } from '../base/options.js';

/** Value used where a ratio is 0/0. `'warn'` behaves as 0 (scikit-learn's default, without the warning). */
export type ZeroDivision = 'warn' | 0 | 1;

/** Arrays and typed arrays of numbers (what `labels` accepts). */
export function isNumberList(v: unknown): v is ArrayLike<number> {
  const list = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  return list && Array.from(v as ArrayLike<unknown>).every((x) => typeof x === 'number');
}

/** Class labels given by the caller (checked for distinct finite values where they are used). */
export const LABELS_FIELD = option.custom<ArrayLike<number>>('a list of class labels (numbers)', isNumberList);

/** The value of a 0/0 ratio (see {@link ZeroDivision}); default 'warn'. */
export const ZERO_DIVISION_FIELD = option.custom<ZeroDivision, 'warn'>("'warn', 0 or 1", (v): v is ZeroDivision => v === 'warn' || v === 0 || v === 1, 'warn');

/** Multiclass averaging of one-vs-rest scores: 'macro' (default) or 'weighted' by class frequency. */
export const OVR_AVERAGE_FIELD = option.choice(['macro', 'weighted'], 'macro');
