/**
 * `dl.onnx`: ONNX export of models (`export`, `exportBytes`) and of trained runs with their
 * preprocessing (`exportRun`).
 *
 * @example
 * await dl.onnx.export(model, exampleInput, 'model.onnx', { opset: 17, dynamicBatch: true });
 */
export { exportModel as export, exportBytes, EXPORT_OPTIONS, ONNX_OPSET, ONNX_IR_VERSION } from './export.js';
export type { ExportOptions } from './export.js';
export { OnnxExportError } from './errors.js';
export { decodeModel } from './proto.js';
export { exportRun, exportRunBytes } from './run.js';
export type { RunForExport, RunExportOptions, ExportedRun, RunOutput } from './run.js';
export type { RunInput } from './preprocessing.js';
