/**
 * ONNX's protobuf messages, encoded by protobufjs from ONNX's own schema (onnx.proto, loaded
 * from its generated JSON descriptor onnx_proto.ts): the plain-object shapes the graph builder
 * fills, with onnx.proto's field names.
 */
import protobuf from 'protobufjs';
import { ONNX_PROTO_JSON } from './onnx_proto.js';

/** TensorProto.DataType codes of the element types dlflow writes. */
export const ONNX_DTYPE = { float32: 1, uint8: 2, int32: 6, int64: 7, string: 8, bool: 9, float64: 11 } as const;
export type ElemType = keyof typeof ONNX_DTYPE;

/** AttributeProto.AttributeType codes. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface TensorProto {
  name?: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  string_data?: Uint8Array[];
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeProto {
  name: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

/** A dim: a number, or a named symbolic size (`batch`). */
export type DimProto = { dim_value: number } | { dim_param: string };

export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: DimProto[] } } };
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  doc_string?: string;
}

export interface ModelProto {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  doc_string?: string;
  graph: GraphProto;
  metadata_props: { key: string; value: string }[];
}

let modelType: protobuf.Type | null = null;

function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_PROTO_JSON).lookupType('onnx.ModelProto');
  return modelType;
}

/**
 * The model's bytes, as an .onnx file holds them.
 *
 * @example
 * const bytes = encodeModel(model); // Uint8Array
 */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem !== null) throw new Error(`ONNX ModelProto: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/**
 * The model an .onnx file's bytes hold, as plain objects (int64 fields as numbers).
 *
 * @example
 * decodeModel(fs.readFileSync('model.onnx')).graph.node.length;
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  return type.toObject(type.decode(bytes), { longs: Number, bytes: Uint8Array as unknown as typeof String, defaults: false, arrays: true }) as ModelProto;
}
