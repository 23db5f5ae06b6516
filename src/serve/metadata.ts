/**
 * What the Open Inference Protocol's model metadata says of a served model: its input tensors
 * (the raw columns, or the network input) and its outputs. Apart from v2.ts so that dlflow's
 * public declarations reach no HTTP framework's types.
 */
import { columnDatatype } from './inputs.js';
import type { Datatype } from './tensors.js';
import type { ServedModel } from './types.js';

/** A tensor as metadata describes it (-1: any size). */
export interface TensorMetadata {
  name: string;
  datatype: Datatype;
  shape: number[];
}

/** The name of the network-input tensor: `input`, unless a raw column is called that. */
export const networkInputName = (m: ServedModel): string => (m.columns?.some((c) => c.name === 'input') ? 'network_input' : 'input');

/** The inputs a model's metadata lists: its raw columns, or the network input when it has none. */
export function inputMetadata(m: ServedModel): TensorMetadata[] {
  if (m.columns !== null) return m.columns.map((c) => ({ name: c.name, datatype: columnDatatype(c.kind), shape: [-1, 1] }));
  return [{ name: networkInputName(m), datatype: 'FP32', shape: [-1, ...m.inputShape] }];
}

/** The outputs a model answers with. */
export function outputMetadata(m: ServedModel): TensorMetadata[] {
  if (m.labels === null) return [{ name: 'prediction', datatype: 'FP64', shape: [-1] }];
  return [{ name: 'label', datatype: 'BYTES', shape: [-1] }, { name: 'probabilities', datatype: 'FP64', shape: [-1, m.labels.length] }];
}
