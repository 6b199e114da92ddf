/** A manifest that passes validation, for tests to vary one field at a time. */
export function validManifest(): Record<string, unknown> & { input: Record<string, unknown> } {
  return {
    schema_version: 1,
    name: 'acl-test',
    version: '1.0.0',
    onnx_file: 'model.onnx',
    sha256: 'a'.repeat(64),
    intended_use: 'research/demo, trained on synthetic phantoms, not for clinical use',
    trained_on: 'synthetic knee phantoms',
    labels: ['healthy', 'minor_strain', 'partial_rupture', 'complete_rupture'],
    healthy_label: 'healthy',
    input: {
      name: 'series',
      layout: 'slices,1,height,width',
      dtype: 'float32',
      height: 128,
      width: 128,
      slices: { min: 8, max: 64 },
      slice_order: 'ascending position along the slice normal',
      resample: 'bilinear-half-pixel',
      normalisation: { method: 'per-series-zscore', in_graph: true },
    },
    outputs: { logits: 'logits', probs: 'probs', cam: 'cam', slice_evidence: 'slice_evidence' },
    cam: { method: 'cam-linear-head', in_graph: true, height: 2, width: 2, channels_counted: 'all', display_normalisation: 'relu-series-max' },
  };
}
