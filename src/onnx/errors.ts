/** Errors of ONNX export: what cannot be exported, named by op and module path. */

/**
 * A model (or a run's preprocessing) that cannot be written as ONNX: the message names the op or
 * transform and, for ops, the module path where it ran (`layers.3 (Linear)`). Never a silently
 * wrong graph: export stops instead.
 */
export class OnnxExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxExportError';
  }
}
