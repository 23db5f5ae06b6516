/**
 * The error every metric raises on bad input. The message starts with the
 * metric's name and states the sizes or values involved, as scikit-learn's
 * ValueErrors do.
 */
export class MetricError extends Error {
  /** The metric that rejected its input, e.g. `'roc_auc_score'`. */
  readonly metric: string;

  constructor(metric: string, detail: string) {
    super(`${metric}: ${detail}`);
    this.name = 'MetricError';
    this.metric = metric;
  }
}

/** Shows at most `max` values of a list, for error messages. */
export function preview(values: ArrayLike<number>, max = 8): string {
  const shown = Array.from({ length: Math.min(values.length, max) }, (_, i) => String(values[i]));
  return `[${shown.join(', ')}${values.length > max ? `, … (${values.length} in all)` : ''}]`;
}
