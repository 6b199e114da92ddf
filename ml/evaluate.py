"""Held-out evaluation in the source study's format + CAM localisation, with PNG plots."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from model import IMAGE_SIZE, NUM_CLASSES  # noqa: E402
from phantom import LABELS  # noqa: E402

BARS = dict(weighted_f1=0.95, min_class_recall=0.85, cam_localisation_ratio=5.0, key_slice_in_acl=0.90)


def auc_score(y_true: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC = Mann-Whitney U / (n_pos n_neg), ties counted half (average ranks)."""
    y_true = y_true.astype(bool)
    n_pos, n_neg = int(y_true.sum()), int((~y_true).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    ranks = np.empty(len(score), np.float64)
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    return float((ranks[y_true].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def roc_curve(y_true: np.ndarray, score: np.ndarray):
    order = np.argsort(-score, kind="mergesort")
    y = y_true[order].astype(bool)
    s = score[order]
    tps = np.cumsum(y)
    fps = np.cumsum(~y)
    keep = np.r_[np.where(np.diff(s) != 0)[0], len(s) - 1]
    tpr = np.r_[0, tps[keep] / max(1, y.sum())]
    fpr = np.r_[0, fps[keep] / max(1, (~y).sum())]
    return fpr, tpr


def classification_report(y, pred, probs):
    cm = np.zeros((NUM_CLASSES, NUM_CLASSES), int)
    for t, p in zip(y, pred):
        cm[t, p] += 1
    per = {}
    for c in range(NUM_CLASSES):
        tp = cm[c, c]
        prec = tp / cm[:, c].sum() if cm[:, c].sum() else 0.0
        rec = tp / cm[c, :].sum() if cm[c, :].sum() else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[LABELS[c]] = dict(precision=float(prec), recall=float(rec), f1=float(f1), support=int(cm[c, :].sum()))
    sup = np.array([per[l]["support"] for l in LABELS], float)
    wavg = {k: float(sum(per[l][k] * sup[i] for i, l in enumerate(LABELS)) / sup.sum()) for k in ("precision", "recall", "f1")}
    mavg = {k: float(np.mean([per[l][k] for l in LABELS])) for k in ("precision", "recall", "f1")}
    loss = float(-np.log(np.clip(probs[np.arange(len(y)), y], 1e-12, 1.0)).mean())
    auc_ovr = {LABELS[c]: auc_score(y == c, probs[:, c]) for c in range(NUM_CLASSES)}
    p_unhealthy = 1.0 - probs[:, 0]
    return dict(
        accuracy=float((pred == y).mean()),
        loss=loss,
        per_class=per,
        weighted_avg=wavg,
        macro_avg=mavg,
        auc_ovr=auc_ovr,
        auc_ovr_macro=float(np.mean(list(auc_ovr.values()))),
        auc_binary=auc_score(y != 0, p_unhealthy),
        confusion_matrix=cm.tolist(),
        confusion_matrix_axes="rows = true label, columns = predicted label, order = labels",
    )


def upsampled_relu_cam(cam_slice: np.ndarray) -> np.ndarray:
    """[h,w] CAM -> max(cam,0) bilinearly upsampled (half-pixel) to 128x128."""
    t = torch.from_numpy(np.maximum(cam_slice, 0)).float()[None, None]
    return F.interpolate(t, size=(IMAGE_SIZE, IMAGE_SIZE), mode="bilinear", align_corners=False)[0, 0].numpy()


def localisation(items, res, pred):
    ratios, key_ok, rows = [], [], []
    for it, r, p in zip(items, res, pred):
        if p == 0:
            continue
        key = int(r["slice_evidence"][:, p].argmax())
        key_ok.append(bool(it["acl_slices"][key]))
        m = upsampled_relu_cam(r["cam"][key, p])
        r0, c0, r1, c1 = it["bbox"]
        box_share = (r1 - r0) * (c1 - c0) / float(IMAGE_SIZE * IMAGE_SIZE)
        tot = m.sum()
        inside = m[r0:r1, c0:c1].sum() / tot if tot > 0 else 0.0
        ratios.append(inside / box_share)
        rows.append(dict(seed=it["seed"], key=key, ratio=float(inside / box_share)))
    ratios = np.array(ratios)
    return dict(
        method="key slice = argmax_s slice_evidence[s, predicted]; share of the ReLU'd predicted-class CAM (bilinear to 128x128) "
        "inside the ACL bounding box (union over slices of the intact-ACL envelope) divided by the box's share of the image",
        series=int(len(ratios)),
        ratio_mean=float(ratios.mean()) if len(ratios) else float("nan"),
        ratio_median=float(np.median(ratios)) if len(ratios) else float("nan"),
        ratio_p10=float(np.percentile(ratios, 10)) if len(ratios) else float("nan"),
        key_slice_in_acl=float(np.mean(key_ok)) if key_ok else float("nan"),
        key_slice_edge=None,
    ), rows


def plot_roc(y, probs, path):
    fig, ax = plt.subplots(1, 2, figsize=(10, 4.6))
    for c in range(NUM_CLASSES):
        fpr, tpr = roc_curve(y == c, probs[:, c])
        ax[0].plot(fpr, tpr, label=f"{LABELS[c]} (AUC {auc_score(y == c, probs[:, c]):.4f})")
    ax[0].set_title("one-vs-rest ROC")
    fpr, tpr = roc_curve(y != 0, 1 - probs[:, 0])
    ax[1].plot(fpr, tpr, color="crimson", label=f"healthy vs unhealthy (AUC {auc_score(y != 0, 1 - probs[:, 0]):.4f})")
    ax[1].set_title("binary ROC, P(unhealthy) = 1 - P(healthy)")
    for a in ax:
        a.plot([0, 1], [0, 1], "k:", lw=0.8)
        a.set_xlabel("false positive rate")
        a.set_ylabel("true positive rate")
        a.legend(loc="lower right", fontsize=8)
        a.set_xlim(-0.01, 1)
        a.set_ylim(0, 1.01)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_confusion(cm, path):
    cm = np.array(cm)
    fig, ax = plt.subplots(figsize=(5.4, 4.8))
    norm = cm / np.maximum(cm.sum(1, keepdims=True), 1)
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    for i in range(NUM_CLASSES):
        for j in range(NUM_CLASSES):
            ax.text(j, i, f"{cm[i, j]}\n{norm[i, j]:.2f}", ha="center", va="center", color="white" if norm[i, j] > 0.5 else "black", fontsize=9)
    ax.set_xticks(range(NUM_CLASSES), LABELS, rotation=25, fontsize=8)
    ax.set_yticks(range(NUM_CLASSES), LABELS, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("confusion matrix (held-out phantoms)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_cams(items, res, pred, path, per_class=2):
    chosen = []
    for c in range(NUM_CLASSES):
        idx = [i for i, it in enumerate(items) if it["label"] == c][:per_class]
        chosen += idx
    fig, ax = plt.subplots(2, len(chosen), figsize=(2.3 * len(chosen), 4.9))
    for j, i in enumerate(chosen):
        it, r, p = items[i], res[i], int(pred[i])
        key = int(r["slice_evidence"][:, p].argmax())
        img = it["x"][key].astype(np.float32)
        cam_all = np.maximum(r["cam"][:, p], 0)
        m = upsampled_relu_cam(r["cam"][key, p]) / max(cam_all.max(), 1e-9)  # relu-series-max display normalisation
        r0, c0, r1, c1 = it["bbox"]
        for row in range(2):
            a = ax[row, j]
            a.imshow(img, cmap="gray", vmin=0, vmax=np.percentile(it["x"], 99.5))
            if row == 1:
                a.imshow(m, cmap="jet", alpha=0.45, vmin=0, vmax=1)
            a.add_patch(plt.Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0, r1 - r0, fill=False, ec="lime", lw=0.8))
            a.axis("off")
        acl = "ACL slice" if it["acl_slices"][key] else "not ACL"
        ax[0, j].set_title(f"true {LABELS[it['label']]}\npred {LABELS[p]} {r['probs'][p]:.2f}\nkey slice {key} ({acl})", fontsize=7)
    fig.suptitle("key slice (argmax slice evidence of the predicted class): image, and CAM overlay (green: ACL box)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=72)
    plt.close(fig)


def evaluate(net, items, out_dir, log):
    from train import infer

    res = infer(net, items, with_cam=True)
    y = np.array([it["label"] for it in items])
    probs = np.array([r["probs"] for r in res], np.float64)
    pred = probs.argmax(1)
    rep = classification_report(y, pred, probs)
    loc, rows = localisation(items, res, pred)
    # how often is the key slice an edge slice (first/last) among predicted-abnormal series
    edge = [int(r["slice_evidence"][:, p].argmax()) in (0, len(it["acl_slices"]) - 1) for it, r, p in zip(items, res, pred) if p != 0]
    loc["key_slice_edge"] = float(np.mean(edge)) if edge else float("nan")
    rep["cam_localisation"] = loc
    recalls = [rep["per_class"][l]["recall"] for l in LABELS]
    rep["bars"] = dict(
        weighted_f1=dict(value=rep["weighted_avg"]["f1"], bar=BARS["weighted_f1"], met=rep["weighted_avg"]["f1"] >= BARS["weighted_f1"]),
        min_class_recall=dict(value=min(recalls), bar=BARS["min_class_recall"], met=min(recalls) >= BARS["min_class_recall"]),
        cam_localisation_ratio=dict(value=loc["ratio_mean"], bar=BARS["cam_localisation_ratio"], met=loc["ratio_mean"] >= BARS["cam_localisation_ratio"]),
        key_slice_in_acl=dict(value=loc["key_slice_in_acl"], bar=BARS["key_slice_in_acl"], met=loc["key_slice_in_acl"] >= BARS["key_slice_in_acl"]),
    )
    rep["test_set"] = dict(
        series=len(items),
        seeds=f"{items[0]['seed']}..{items[-1]['seed']}",
        labels={LABELS[c]: int((y == c).sum()) for c in range(NUM_CLASSES)},
        render_sizes="70 % rendered at 128x128, 30 % at 96..192 and bilinearly resampled to 128x128",
    )
    plots = os.path.join(out_dir, "plots")
    os.makedirs(plots, exist_ok=True)
    plot_roc(y, probs, os.path.join(plots, "roc.png"))
    plot_confusion(rep["confusion_matrix"], os.path.join(plots, "confusion_matrix.png"))
    plot_cams(items, res, pred, os.path.join(plots, "cam_examples.png"))
    log(
        f"test acc {rep['accuracy']:.4f} wF1 {rep['weighted_avg']['f1']:.4f} recall {[round(r, 3) for r in recalls]} "
        f"auc_bin {rep['auc_binary']:.5f} loc {loc['ratio_mean']:.2f}/{loc['ratio_median']:.2f} key_in_acl {loc['key_slice_in_acl']:.3f} edge {loc['key_slice_edge']:.3f}"
    )
    return rep
