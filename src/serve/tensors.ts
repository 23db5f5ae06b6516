/**
 * Tensors of the Open Inference Protocol (KServe V2, Triton) in JSON: a datatype, a shape and
 * the elements in row-major order (flat, or nested arrays, which are flattened). Every element is
 * checked against its datatype, so a string among FP32 data or 300 in a UINT8 tensor is a 400
 * naming the tensor and the position, never a NaN fed to the model.
 */
import { badRequest } from './errors.js';

/** The protocol's datatypes. */
export const DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const;
export type Datatype = (typeof DATATYPES)[number];

/** A tensor as a request carries it. */
export interface RequestTensor {
  name: string;
  shape: number[];
  datatype: Datatype;
  data: unknown[];
}

/** Integer ranges; INT64/UINT64 as far as JSON numbers are exact. */
const INT_RANGE: Partial<Record<Datatype, [number, number]>> = {
  UINT8: [0, 255], UINT16: [0, 65535], UINT32: [0, 4294967295], UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-2147483648, 2147483647], INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Whether a datatype holds numbers (integers or floats). */
export const isNumeric = (d: Datatype): boolean => d !== 'BOOL' && d !== 'BYTES';

/** The elements of `t.data`, flattened (nested arrays allowed, as the protocol permits). */
function flatData(t: RequestTensor): unknown[] {
  if (!t.data.some(Array.isArray)) return t.data;
  const out: unknown[] = [];
  const walk = (a: unknown[]): void => { for (const v of a) if (Array.isArray(v)) walk(v); else out.push(v); };
  walk(t.data);
  return out;
}

/**
 * The elements of a request tensor, checked: their count against the shape, each against the
 * datatype. Numbers for numeric types, booleans for BOOL, strings for BYTES.
 *
 * @example
 * tensorValues({ name: 'x', shape: [2], datatype: 'FP32', data: [1, 2.5] }); // [1, 2.5]
 */
export function tensorValues(t: RequestTensor): (number | boolean | string)[] {
  const values = flatData(t);
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) throw badRequest(`input '${t.name}': shape [${t.shape.join(', ')}] holds ${size} element(s), but data has ${values.length}`);
  const range = INT_RANGE[t.datatype];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const ok = t.datatype === 'BYTES' ? typeof v === 'string'
      : t.datatype === 'BOOL' ? typeof v === 'boolean'
        : typeof v === 'number' && (range === undefined || (Number.isInteger(v) && v >= range[0] && v <= range[1]));
    if (!ok) {
      const expected = t.datatype === 'BYTES' ? 'a string' : t.datatype === 'BOOL' ? 'true or false' : range === undefined ? 'a number' : `an integer in ${range[0]}..${range[1]}`;
      throw badRequest(`input '${t.name}' (${t.datatype}): element ${i} is ${JSON.stringify(v)}, expected ${expected}`);
    }
  }
  return values as (number | boolean | string)[];
}

/** The tensor's rows: its first dimension, with the rest checked against `rowShape` (`[]` also accepts `[N]` for `[N, 1]`). */
export function rowsOf(t: RequestTensor, rowShape: readonly number[]): number {
  const rest = t.shape.slice(1);
  const fits = t.shape.length >= 1 && (rest.join(',') === rowShape.join(',') || (rowShape.length === 1 && rowShape[0] === 1 && rest.length === 0));
  if (!fits) {
    const want = rowShape.length === 1 && rowShape[0] === 1 ? '[N] or [N, 1]' : `[N, ${rowShape.join(', ')}]`;
    throw badRequest(`input '${t.name}': shape [${t.shape.join(', ')}], expected ${want}`);
  }
  return t.shape[0];
}
