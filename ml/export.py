"""ONNX export, manifest, golden parity fixtures, evaluation.json and MODEL_CARD.md."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess

import numpy as np
import onnx
import torch

import data
from model import CAM_SIZE, IMAGE_SIZE, ExportModel, conv_flops, param_count, LAYERS, FEATURES
from phantom import KNOBS, LABELS, make_case

OPSET = 17
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN_WANT = [("healthy-0", 0), ("partial-0", 2), ("complete-0", 3)]
GOLDEN_SIZE = 160
GOLDEN_SLICES = (12, 12)
GOLDEN_MAX_NOISE = 0.03  # lower-noise cases compress better (fixture size); still inside the training range


def export_onnx(net, path):
    m = ExportModel(net).eval()
    x = torch.rand(16, 1, IMAGE_SIZE, IMAGE_SIZE) * 2000
    torch.onnx.export(
        m,
        (x,),
        path,
        input_names=["series"],
        output_names=["logits", "probs", "cam", "slice_evidence"],
        dynamic_axes={"series": {0: "slices"}, "cam": {0: "slices"}, "slice_evidence": {0: "slices"}},
        opset_version=OPSET,
        do_constant_folding=True,
    )
    model = onnx.load(path)
    onnx.checker.check_model(model)
    # pin the static output dims that the tracer may leave symbolic
    fixed = {"logits": [4], "probs": [4], "cam": ["slices", 4, CAM_SIZE, CAM_SIZE], "slice_evidence": ["slices", 4]}
    for o in model.graph.output:
        dims = o.type.tensor_type.shape.dim
        for d, v in zip(dims, fixed[o.name]):
            if isinstance(v, int):
                d.ClearField("dim_param")
                d.dim_value = v
            else:
                d.ClearField("dim_value")
                d.dim_param = v
    model.doc_string = "acl-phantom-mrnet 1.0.0: research/demo model trained on synthetic knee phantoms, not for clinical use"
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return m


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def golden(exp_model, out_dir, log):
    gdir = os.path.join(out_dir, "golden")
    os.makedirs(gdir, exist_ok=True)
    cases = []
    seed = data.GOLDEN_SEED0
    iop = [0, 1, 0, 0, 0, -1]  # row direction +y, column direction -z (sagittal)
    normal = np.cross(iop[:3], iop[3:])  # = (-1, 0, 0): ascending dot(position, normal) is DEscending patient x
    for i, (cid, label) in enumerate(GOLDEN_WANT):
        first = seed
        while True:
            seed += 1
            c = make_case(seed, label=label, n=GOLDEN_SIZE)
            S = c.volume.shape[0]
            if not (GOLDEN_SLICES[0] <= S <= GOLDEN_SLICES[1]) or c.params["noise"] > GOLDEN_MAX_NOISE:
                continue
            rng = np.random.default_rng([seed, 99])
            stored = rng.permutation(S)  # stored (acquisition) order: stored slice j is phantom slice stored[j]
            ps = c.pixel_spacing_mm
            fov = ps * GOLDEN_SIZE
            # first pixel centre of each stored slice: (x, -fov/2 + ps/2, +fov/2 - ps/2)
            ipp = np.array([[float(c.positions_mm[k]), -fov / 2 + ps / 2, fov / 2 - ps / 2] for k in stored]).round(4)
            order = np.argsort(ipp @ normal, kind="stable")  # the worker's rule: sort by dot(position, row x col)
            vol_stored = c.volume[stored]
            x = data.resample(vol_stored[order])  # [S,1,128,128] float32, bilinear half-pixel
            with torch.no_grad():
                logits, probs, cam, ev = exp_model(x)
            if int(probs.argmax()) == label or seed - first > 400:  # prefer correctly classified cases
                break
        raw = np.ascontiguousarray(vol_stored).astype("<u2").tobytes()
        fname = f"case-{i}.u16.gz"
        with open(os.path.join(gdir, fname), "wb") as f:
            f.write(gzip.compress(raw, compresslevel=9, mtime=0))
        pred = int(probs.argmax())
        acl_sorted = [int(j) for j, k in enumerate(stored[order]) if c.acl_slices[k]]
        cases.append(
            dict(
                id=cid,
                seed=seed,
                label=LABELS[label],
                file=fname,
                rows=GOLDEN_SIZE,
                columns=GOLDEN_SIZE,
                slices=S,
                pixel_spacing_mm=[round(ps, 6), round(ps, 6)],
                slice_thickness_mm=round(c.slice_thickness_mm, 4),
                image_orientation_patient=iop,
                image_position_patient=ipp.tolist(),
                acl_slices_sorted=acl_sorted,
                expected=dict(
                    logits=[float(v) for v in logits],
                    probs=[float(v) for v in probs],
                    predicted=LABELS[pred],
                    slice_evidence=[[float(v) for v in row] for row in ev],
                    cam=[round(float(v), 4) for v in cam.numpy().ravel()],
                    key_slice=int(ev[:, pred].argmax()),
                ),
            )
        )
        log(f"golden {cid}: seed {seed}, {S} slices, predicted {LABELS[pred]} p={float(probs[pred]):.3f}")
    doc = dict(
        model="acl-phantom-mrnet",
        version="1.0.0",
        description=(
            "Parity fixtures. Each file is gzip(raw little-endian uint16 slices, rows x columns each, concatenated in the "
            "stored (shuffled) order given by image_position_patient). Preprocess: sort slices by dot(position, normal) "
            "ascending, normal = row direction x column direction = (-1,0,0) for this orientation (so patient x descends); bilinear resample each slice to 128x128 with half-pixel centres (torch interpolate, "
            "align_corners=False, antialias=False); float32 raw intensities, shape [S,1,128,128]. expected.* are PyTorch "
            "outputs on that input, in sorted-slice order; cam is flat C-order [S,4,16,16]; key_slice = "
            "argmax_s slice_evidence[s, predicted] (sorted index). Tolerances: logits/probs/slice_evidence 1e-4, cam 1e-3."
        ),
        cam_shape=["slices", 4, CAM_SIZE, CAM_SIZE],
        cases=cases,
    )
    with open(os.path.join(gdir, "golden.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    return doc


def verify_with_ort(out_dir, log):
    script = os.path.join(ROOT, "ml", "verify_onnx.mjs")
    r = subprocess.run(["node", script, out_dir], cwd=ROOT, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        log(f"ORT verification FAILED:\n{r.stdout}\n{r.stderr}")
        raise SystemExit(1)
    res = json.loads(r.stdout.strip().splitlines()[-1])
    log(f"ORT verification: {json.dumps(res)}")
    return res


def export_all(net, cfg, ev, history, out_dir, log, t_start):
    import time

    net.eval()
    onnx_path = os.path.join(out_dir, "model.onnx")
    exp_model = export_onnx(net, onnx_path)
    digest = sha256(onnx_path)
    size = os.path.getsize(onnx_path)
    gold = golden(exp_model, out_dir, log)
    params = param_count(net.backbone) + param_count(net.head)
    gflop = conv_flops(16) / 1e9
    recalls = {l: round(ev["per_class"][l]["recall"], 4) for l in LABELS}
    loc = ev["cam_localisation"]
    train_seconds = ev["timing"]["train_seconds"]
    ev["model"] = dict(parameters=params, gflop_per_16_slice_series=round(gflop, 4), onnx_bytes=size, onnx_sha256=digest, opset=OPSET)
    ev["training"] = dict(config=cfg, history=history, torch=torch.__version__)
    manifest = dict(
        schema_version=1,
        name="acl-phantom-mrnet",
        version="1.0.0",
        onnx_file="model.onnx",
        sha256=digest,
        intended_use="research/demo, trained on synthetic phantoms, not for clinical use",
        trained_on=(
            f"synthetic knee phantoms (ml/phantom.py), {cfg['train_series']} training series, seeds "
            f"{data.TRAIN_SEED0}..{data.TRAIN_SEED0 + cfg['train_series'] - 1}; held-out test seeds "
            f"{data.TEST_SEED0}..{data.TEST_SEED0 + cfg['test_series'] - 1}"
        ),
        labels=list(LABELS),
        healthy_label="healthy",
        input=dict(
            name="series",
            layout="slices,1,height,width",
            dtype="float32",
            height=IMAGE_SIZE,
            width=IMAGE_SIZE,
            slices=dict(min=8, max=64),
            slice_order="ascending position along the slice normal",
            resample="bilinear-half-pixel",
            normalisation=dict(method="per-series-zscore", in_graph=True),
        ),
        outputs=dict(logits="logits", probs="probs", cam="cam", slice_evidence="slice_evidence"),
        cam=dict(
            method="cam-linear-head",
            in_graph=True,
            height=CAM_SIZE,
            width=CAM_SIZE,
            channels_counted="argmax-slice",
            display_normalisation="relu-series-max",
        ),
        series_selection=dict(plane="SAGITTAL", description_hints=["SAG", "PD", "FS"]),
        flops_per_series=dict(slices=16, gflop=round(gflop, 4)),
        parameters=params,
        training=dict(series=cfg["train_series"], epochs=cfg["epochs"], seconds=round(train_seconds), seed=cfg["seed"], torch=torch.__version__.split("a")[0]),
        metrics=dict(
            accuracy=round(ev["accuracy"], 4),
            weighted_f1=round(ev["weighted_avg"]["f1"], 4),
            recall=recalls,
            auc_binary=round(ev["auc_binary"], 5),
            cam_localisation_ratio=round(loc["ratio_mean"], 3),
            key_slice_in_acl=round(loc["key_slice_in_acl"], 4),
        ),
    )
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    ort = verify_with_ort(out_dir, log)
    ev["ort_verification"] = ort
    ev["timing"]["total_seconds_until_export"] = round(time.time() - t_start, 1)
    tm = os.times()  # CPU seconds of this process and its (reaped) data-generation workers
    ev["timing"]["cpu_seconds_total"] = round(tm.user + tm.system + tm.children_user + tm.children_system, 1)
    ev["timing"]["note"] = (
        "wall times were measured on 2 CPU cores shared with other jobs (load average often 4-10); "
        "cpu_seconds_total / 2 approximates the wall time on 2 idle cores"
    )
    with open(os.path.join(out_dir, "evaluation.json"), "w") as f:
        json.dump(ev, f, indent=2)
        f.write("\n")
    write_model_card(out_dir, manifest, ev, gold, ort, cfg)
    log(f"wrote {out_dir}: model.onnx {size} bytes, sha256 {digest[:12]}..., {params} params, {gflop:.3f} GFLOP/16 slices")


def write_model_card(out_dir, manifest, ev, gold, ort, cfg):
    loc = ev["cam_localisation"]
    rows = "\n".join(
        f"| {l} | {ev['per_class'][l]['precision']:.4f} | {ev['per_class'][l]['recall']:.4f} | {ev['per_class'][l]['f1']:.4f} | "
        f"{ev['per_class'][l]['support']} | {ev['auc_ovr'][l]:.5f} |"
        for l in LABELS
    )
    w = ev["weighted_avg"]
    cm = ev["confusion_matrix"]
    cm_rows = "\n".join(f"| **{LABELS[i]}** | " + " | ".join(str(v) for v in cm[i]) + " |" for i in range(len(LABELS)))
    bars = "\n".join(
        f"| {k} | {v['value']:.4f} | {'>=' } {v['bar']} | {'met' if v['met'] else 'NOT MET'} |" for k, v in ev["bars"].items()
    )
    arch = " -> ".join(f"conv3x3 {a}->{b}" + (f" s{s}" if s > 1 else "") + (f" d{d}" if d > 1 else "") for a, b, s, d in LAYERS)
    t = ev["timing"]
    text = f"""# Model card: acl-phantom-mrnet 1.0.0

**Research/demo model, trained on synthetic phantoms, not for clinical use.** It has never seen a real knee MRI.

## What it does
Classifies the anterior cruciate ligament on a sagittal (PD fat-suppressed style) knee series into 4 classes:
healthy, minor_strain, partial_rupture, complete_rupture; P(unhealthy) = 1 - P(healthy). It also returns class
activation maps (CAM) and a per-slice evidence decomposition, so the viewer can show where and on which slice the
decision was made.

## Input and outputs (all inside `model.onnx`, opset {OPSET})
- `series` float32 [S,1,128,128], S dynamic (manifest: 8..64): raw intensities after sorting the slices by position
  along the slice normal (ascending) and bilinear half-pixel resampling to 128x128 (torch `interpolate`,
  `align_corners=False`, no antialias). The per-series z-score (mean and variance over every voxel, variance + {1.0}) is
  in the graph.
- `logits` [4], `probs` [4] (softmax).
- `cam` [S,4,{CAM_SIZE},{CAM_SIZE}]: CAM_c = sum_k w[c,k] A_k, **counting each channel k only on the slice it was
  max-pooled from** (`channels_counted: argmax-slice`). So mean_hw cam[s,c] == slice_evidence[s,c] and the CAM shows
  exactly the evidence that produced the logit; slices that won no channel have an all-zero CAM. Display: max(cam,0)
  divided by the max over all slices of max(cam,0) for that class (`relu-series-max`), bilinearly upsampled.
- `slice_evidence` [S,4]: slice_evidence[s,c] = sum_k w[c,k] gap[s,k] [s == argmax_s' gap[s',k]];
  sum_s slice_evidence[s,c] + bias[c] == logits[c]. Key slice = argmax_s slice_evidence[s, predicted]
  (first index on ties).

## Architecture
MRNet family: per-slice 2-D CNN ({arch}; each conv + BatchNorm (folded) + ReLU), final feature map
{FEATURES}x{CAM_SIZE}x{CAM_SIZE} (stride 8, receptive field ~75 px), global average pooling per slice, max over slices,
linear head {FEATURES}->4. {manifest['parameters']} parameters, {manifest['flops_per_series']['gflop']} GFLOP per
16-slice series (analytic, 2 x MACs of the convolutions + CAM), ONNX {ev['model']['onnx_bytes']} bytes.

## Training data
Synthetic sagittal knee phantoms (`ml/phantom.py`): femur with condyles and intercondylar notch, tibia with plateau
and spines, cartilage, menisci, patella and tendons, Hoffa fat pad, joint effusion (independent of the label), PCL
(dark arc, a distractor) and the ACL as an oblique band from the femoral notch (posterior-superior) to the tibial
plateau (anterior-inferior) in the central slices. Random size, pose, in-plane rotation, intensity, Rician noise,
bias field, 12-28 slices of 2.5-4.5 mm, field of view 115-150 mm; 30 % rendered at 96..192 px and resampled. Class
balance like the source study ({cfg['train_series']} training series, about 50/20/15/15 %), class-balanced sampling.
Labels: healthy = intact band; minor strain = thinned, wavy, irregular band with raised signal; partial rupture =
partial-thickness gap (30-55 % of the thickness stays continuous across a 4-8 mm gap, the cut part is fluid);
complete rupture = full 6-12 mm interruption filled with fluid, sagging bulbous tibial stump. Difficulty knobs:
`ml/README.md`.

Training: {cfg['epochs']} epochs, AdamW lr {cfg['lr']} cosine, label smoothing {cfg['label_smoothing']}, {cfg['slices_per_sample']}
slices per series per step (all ACL slices + random others), auxiliary losses used only in training: CAM
localisation (softmax of the true-class CAM over slices x cells must fall in the ACL region) and a dense
per-cell head (each cell of the last feature map: background, or the series' ACL state where the ACL is).
Wall time: data generation {t['generate_train_seconds']} s, training {t['train_seconds']} s, whole command
{t['total_seconds_until_export']} s on 2 CPU cores shared with other jobs; CPU time of the whole command
{t['cpu_seconds_total']} s (/2 = about {t['cpu_seconds_total'] / 2 / 60:.1f} min on 2 idle cores). torch
{torch.__version__.split('a')[0]}, seed {cfg['seed']}.

## Evaluation (held-out phantoms, seeds {ev['test_set']['seeds']}, {ev['test_set']['series']} series: {ev['test_set']['labels']})
Accuracy **{ev['accuracy']:.4f}**, loss (cross-entropy) {ev['loss']:.4f}, binary AUC healthy vs unhealthy
**{ev['auc_binary']:.5f}**, macro one-vs-rest AUC {ev['auc_ovr_macro']:.5f}.

| class | precision | recall | F1 | support | AUC (one-vs-rest) |
|---|---|---|---|---|---|
{rows}
| **weighted avg** | {w['precision']:.4f} | {w['recall']:.4f} | {w['f1']:.4f} | {sum(ev['per_class'][l]['support'] for l in LABELS)} | |

Confusion matrix (rows true, columns predicted):

| | {' | '.join(LABELS)} |
|---|---|---|---|---|
{cm_rows}

CAM localisation over {loc['series']} predicted-abnormal series: ratio (share of the ReLU'd predicted-class CAM on the
key slice inside the ACL box / the box's share of the image) mean **{loc['ratio_mean']:.2f}**, median
{loc['ratio_median']:.2f}, 10th percentile {loc['ratio_p10']:.2f}; key slice is an ACL slice in
**{100 * loc['key_slice_in_acl']:.1f} %**; key slice is an edge slice in {100 * loc['key_slice_edge']:.1f} %.

| bar | value | required | |
|---|---|---|---|
{bars}

Plots: `plots/roc.png` (one-vs-rest and binary ROC), `plots/confusion_matrix.png`, `plots/cam_examples.png` (key
slice and CAM overlay, two series per class).

## Parity fixtures
`golden/golden.json` + `golden/case-*.u16.gz`: {len(gold['cases'])} held-out phantoms rendered at 160x160 with slices
stored in shuffled order. Expected outputs come from PyTorch. ONNX Runtime (onnxruntime-node) on the same
preprocessing reimplemented in JavaScript (`ml/verify_onnx.mjs`) reproduces them: logits max abs diff
{ort['golden_max_abs_diff']['logits']:.2e}, probs {ort['golden_max_abs_diff']['probs']:.2e}, slice_evidence
{ort['golden_max_abs_diff']['slice_evidence']:.2e}, cam {ort['golden_max_abs_diff']['cam']:.2e}; key slices and
predicted classes identical. Output shapes checked with S=12 and S=28. Slice order: sort by dot(position,
row x col) ascending; for image_orientation_patient [0,1,0,0,0,-1] row x col = (-1,0,0), i.e. descending patient x.
The network is invariant to the slice order (max over slices); only the order of the per-slice outputs follows it.

## Limitations
Synthetic anatomy, one contrast, one orientation; no real pathology variation (meniscal tears, bone bruises, motion,
wrap-around, coils). Metrics describe the phantom distribution only. Do not use for diagnosis.
"""
    with open(os.path.join(out_dir, "MODEL_CARD.md"), "w") as f:
        f.write(text)
