// A one-node ONNX graph C = MatMul(A, B) with A, B float32 [n, n], written as protobuf by hand (no onnx package
// needed): the peak-GFLOP/s probe of the inference benchmark. Only the fields onnxruntime needs are written.

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;
const FLOAT = 1; // TensorProto.DataType.FLOAT

function varint(value) {
  const out = [];
  let v = BigInt(value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Buffer.from(out);
}

const key = (field, wire) => varint((field << 3) | wire);
const int = (field, value) => Buffer.concat([key(field, WIRE_VARINT), varint(value)]);
const bytes = (field, payload) => Buffer.concat([key(field, WIRE_BYTES), varint(payload.length), payload]);
const str = (field, text) => bytes(field, Buffer.from(text, 'utf8'));
const msg = (field, ...parts) => bytes(field, Buffer.concat(parts));

/** ValueInfoProto (name 1, type 2) of a float tensor with fixed dims: TypeProto.tensor_type 1 {elem_type 1, shape 2 {dim 1 {dim_value 1}}}. */
function tensorInfo(field, name, dims) {
  const shape = Buffer.concat(dims.map((d) => msg(1, int(1, d))));
  return msg(field, str(1, name), msg(2, msg(1, int(1, FLOAT), bytes(2, shape))));
}

/**
 * ModelProto (ir_version 1, producer_name 2, graph 7, opset_import 8) of C[n,n] = MatMul(A[n,n], B[n,n]):
 * 2 n^3 floating-point operations per run.
 */
export function matmulModel(n) {
  const node = msg(1, str(1, 'A'), str(1, 'B'), str(2, 'C'), str(3, 'matmul'), str(4, 'MatMul'));
  const graph = msg(7, node, str(2, `matmul_${n}`), tensorInfo(11, 'A', [n, n]), tensorInfo(11, 'B', [n, n]), tensorInfo(12, 'C', [n, n]));
  return new Uint8Array(Buffer.concat([int(1, 8), str(2, 'cruciate-bench'), graph, msg(8, str(1, ''), int(2, 17))]));
}

export function matmulFlops(n) {
  return 2 * n ** 3;
}
