// Verifies an exported acl-phantom-mrnet in ONNX Runtime (onnxruntime-node):
//  1. output shapes for S=12 and S=28,
//  2. the golden fixtures: decode case-*.u16.gz, sort slices along the normal, bilinear half-pixel resample to
//     128x128 (a JavaScript reimplementation of torch interpolate(mode='bilinear', align_corners=False)), run the
//     model and compare with the PyTorch outputs in golden.json.
// Usage (from the repository root): node ml/verify_onnx.mjs models/acl-phantom-mrnet/1.0.0
// Prints one JSON line; exits 1 when a check fails.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const dir = process.argv[2] ?? 'models/acl-phantom-mrnet/1.0.0';
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const golden = JSON.parse(readFileSync(join(dir, 'golden', 'golden.json'), 'utf8'));
const H = manifest.input.height;
const W = manifest.input.width;
const camH = manifest.cam.height;
const camW = manifest.cam.width;
const session = await ort.InferenceSession.create(join(dir, manifest.onnx_file));

/** torch.nn.functional.interpolate(mode='bilinear', align_corners=False, antialias=False) of one slice. */
function resampleBilinearHalfPixel(src, rows, cols, outH, outW) {
  const out = new Float32Array(outH * outW);
  const sy = rows / outH;
  const sx = cols / outW;
  for (let i = 0; i < outH; i++) {
    const fy = Math.max((i + 0.5) * sy - 0.5, 0);
    const y0 = Math.floor(fy);
    const y1 = y0 < rows - 1 ? y0 + 1 : y0;
    const ly = fy - y0;
    for (let j = 0; j < outW; j++) {
      const fx = Math.max((j + 0.5) * sx - 0.5, 0);
      const x0 = Math.floor(fx);
      const x1 = x0 < cols - 1 ? x0 + 1 : x0;
      const lx = fx - x0;
      const top = (1 - lx) * src[y0 * cols + x0] + lx * src[y0 * cols + x1];
      const bottom = (1 - lx) * src[y1 * cols + x0] + lx * src[y1 * cols + x1];
      out[i * outW + j] = (1 - ly) * top + ly * bottom;
    }
  }
  return out;
}

function cross(a, b) {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

async function run(input, S) {
  const feeds = { [manifest.input.name]: new ort.Tensor('float32', input, [S, 1, H, W]) };
  return session.run(feeds);
}

const failures = [];
const shapes = {};
for (const S of [12, 28]) {
  const x = new Float32Array(S * H * W);
  let seed = 12345 + S;
  for (let i = 0; i < x.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    x[i] = (seed / 2147483648) * 4095;
  }
  const r = await run(x, S);
  const got = Object.fromEntries(['logits', 'probs', 'cam', 'slice_evidence'].map((k) => [k, r[manifest.outputs[k]].dims.map(Number)]));
  const want = { logits: [4], probs: [4], cam: [S, 4, camH, camW], slice_evidence: [S, 4] };
  for (const k of Object.keys(want)) {
    if (JSON.stringify(got[k]) !== JSON.stringify(want[k])) failures.push(`S=${S} ${k} dims ${JSON.stringify(got[k])} != ${JSON.stringify(want[k])}`);
  }
  // sum_s slice_evidence[s,c] + bias == logits: check via logits - sum (bias is constant across inputs)
  shapes[`S${S}`] = got;
}

const maxDiff = { logits: 0, probs: 0, slice_evidence: 0, cam: 0, evidence_sum_vs_logits_bias_spread: 0 };
const biasEstimates = [];
const cases = [];
for (const c of golden.cases) {
  const raw = gunzipSync(readFileSync(join(dir, 'golden', c.file)));
  const u16 = new Uint16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
  const n = c.rows * c.columns;
  if (u16.length !== n * c.slices) failures.push(`${c.id}: ${u16.length} pixels, expected ${n * c.slices}`);
  const iop = c.image_orientation_patient;
  const normal = cross(iop.slice(0, 3), iop.slice(3, 6));
  const order = c.image_position_patient
    .map((p, i) => ({ i, d: p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2] }))
    .sort((a, b) => a.d - b.d)
    .map((e) => e.i);
  const input = new Float32Array(c.slices * H * W);
  order.forEach((stored, s) => {
    const slice = new Float32Array(n);
    for (let k = 0; k < n; k++) slice[k] = u16[stored * n + k];
    input.set(resampleBilinearHalfPixel(slice, c.rows, c.columns, H, W), s * H * W);
  });
  const r = await run(input, c.slices);
  const out = Object.fromEntries(['logits', 'probs', 'cam', 'slice_evidence'].map((k) => [k, Array.from(r[manifest.outputs[k]].data)]));
  const e = c.expected;
  const diff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  const d = {
    logits: diff(out.logits, e.logits),
    probs: diff(out.probs, e.probs),
    slice_evidence: diff(out.slice_evidence, e.slice_evidence.flat()),
    cam: diff(out.cam, e.cam),
  };
  for (const k of Object.keys(d)) maxDiff[k] = Math.max(maxDiff[k], d[k]);
  const pred = out.probs.indexOf(Math.max(...out.probs));
  const predicted = manifest.labels[pred];
  let key = 0;
  for (let s = 0; s < c.slices; s++) if (out.slice_evidence[s * 4 + pred] > out.slice_evidence[key * 4 + pred]) key = s;
  // bias[c] = logits[c] - sum_s slice_evidence[s,c] must be the same for every case
  biasEstimates.push([0, 1, 2, 3].map((cl) => out.logits[cl] - out.slice_evidence.filter((_, i) => i % 4 === cl).reduce((a, b) => a + b, 0)));
  if (predicted !== e.predicted) failures.push(`${c.id}: predicted ${predicted} != ${e.predicted}`);
  if (key !== e.key_slice) failures.push(`${c.id}: key slice ${key} != ${e.key_slice}`);
  cases.push({ id: c.id, predicted, key_slice: key, diff: d });
}
for (let cl = 0; cl < 4; cl++) {
  const v = biasEstimates.map((b) => b[cl]);
  maxDiff.evidence_sum_vs_logits_bias_spread = Math.max(maxDiff.evidence_sum_vs_logits_bias_spread, Math.max(...v) - Math.min(...v));
}
if (maxDiff.logits > 1e-4) failures.push(`logits max abs diff ${maxDiff.logits} > 1e-4`);
if (maxDiff.probs > 1e-4) failures.push(`probs max abs diff ${maxDiff.probs} > 1e-4`);
if (maxDiff.slice_evidence > 1e-4) failures.push(`slice_evidence max abs diff ${maxDiff.slice_evidence} > 1e-4`);
if (maxDiff.cam > 1e-3) failures.push(`cam max abs diff ${maxDiff.cam} > 1e-3`);
const result = { ok: failures.length === 0, shapes, golden_max_abs_diff: maxDiff, cases, failures };
console.log(JSON.stringify(result));
process.exit(failures.length === 0 ? 0 : 1);
