/**
 * The step every inference request shares once its input is read: its rows (network input, or
 * raw columns for the model's preprocessing) queued for the model's next batch, and the outputs
 * decoded into predictions.
 */
import type { BatchInput } from './batcher.js';
import { checkRows, type ModelEntry, type ServerContext } from './context.js';
import type { Decoded } from './types.js';

/**
 * Runs a request's rows in the model's next batch and decodes their outputs.
 *
 * @example
 * const d = await predictRows(ctx, entry, { ...columnsFromRecords(entry.model, instances), where: (i) => `instances[${i}]` });
 */
export async function predictRows(ctx: ServerContext, entry: ModelEntry, input: BatchInput): Promise<Decoded> {
  checkRows(ctx, input.rows);
  const out = await entry.batcher.submit(input);
  return entry.model.decode(out, input.rows);
}
