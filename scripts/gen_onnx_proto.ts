/**
 * Writes src/onnx/onnx_proto.ts, protobufjs's JSON descriptor of src/onnx/onnx.proto (ONNX's own
 * schema), so the exporter needs no .proto file at run time (dist/ ships only JavaScript).
 * test/onnx_proto.test.ts fails while the descriptor is stale.
 *
 * Run: npx tsx scripts/gen_onnx_proto.ts
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync } from '../src/io/atomic_write.js';
import { onnxProtoModule } from '../src/onnx/proto_source.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'onnx');
writeFileAtomicSync(join(dir, 'onnx_proto.ts'), onnxProtoModule(readFileSync(join(dir, 'onnx.proto'), 'utf8')));
