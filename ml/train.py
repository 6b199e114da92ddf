"""One command: generate phantoms, train, evaluate on a held-out set, export ONNX + manifest + golden fixtures.

    /usr/bin/python3 ml/train.py            # full run (see ml/README.md for the run time)
    /usr/bin/python3 ml/train.py --quick    # small smoke run, writes to /tmp/acl-quick instead of models/
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import data  # noqa: E402
from model import CAM_SIZE, ExportModel, MRNet, NUM_CLASSES  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "models", "acl-phantom-mrnet", "1.0.0")

CFG = dict(
    seed=20240607,
    train_series=2000,
    val_series=150,
    test_series=800,
    epochs=5,
    slices_per_sample=8,  # training uses all ACL slices + random other slices of each series (cost)
    batch_series=8,
    lr=2.5e-3,
    weight_decay=1e-4,
    warmup_frac=0.04,
    label_smoothing=0.05,
    loc_weight=0.3,  # auxiliary: true-class CAM mass (softmax over slices x cells) in the ACL region
    seg_weight=0.5,  # auxiliary: dense per-cell head (background / ACL state) on the last feature map
    sampling="class-balanced",
)


def seed_everything(seed: int):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def make_batch(items, idxs, K, rng):
    xs, coarse, ys = [], [], []
    for i in idxs:
        it = items[i]
        S = it["x"].shape[0]
        acl = np.where(it["acl_slices"])[0]
        if len(acl) > K:
            acl = np.sort(rng.choice(acl, K, replace=False))
        others = np.setdiff1d(np.arange(S), acl)
        pick = np.sort(np.concatenate([acl, rng.choice(others, K - len(acl), replace=False)]))
        x = (torch.from_numpy(it["x"][pick].astype(np.float32)) - it["mean"]) / it["std"]
        xs.append(x)
        coarse.append(torch.from_numpy(it["coarse"][pick].astype(np.float32) / 255.0))
        ys.append(it["label"])
    x = torch.cat(xs).unsqueeze(1).contiguous(memory_format=torch.channels_last)
    return x, torch.stack(coarse), torch.tensor(ys)


def losses(net, x, coarse, y, B, K, cfg):
    logits, cam, dense, _gap = net(x, B, K)
    ce = F.cross_entropy(logits, y, label_smoothing=cfg["label_smoothing"])
    # localisation: the true-class CAM (argmax-slice channels, all K slices x h x w cells) as a softmax over cells
    # must put its mass in the ACL region (footprint dilated by one CAM cell); shift-invariant, so it cannot be met
    # by making the CAM negative everywhere, and cells of slices that won no channel sit at exactly 0.
    cam_y = cam[torch.arange(B), :, y].reshape(B, -1)  # [B, K*h*w]
    region = F.max_pool2d((coarse > 0.02).float(), 3, 1, 1).reshape(B, -1) > 0
    inside = torch.logsumexp(cam_y.masked_fill(~region, -1e4), 1)
    loc = (torch.logsumexp(cam_y, 1) - inside).mean()
    # dense auxiliary: cells covered by the ACL carry the series label, the others "background" (index 4);
    # ACL cells and background cells each weigh half
    tgt = torch.where(coarse > 0.15, y[:, None, None, None].expand_as(coarse), torch.full_like(y[:, None, None, None].expand_as(coarse), NUM_CLASSES))
    ce_cells = F.cross_entropy(dense.permute(0, 1, 3, 4, 2).reshape(-1, NUM_CLASSES + 1), tgt.reshape(-1), reduction="none")
    is_acl = (tgt.reshape(-1) < NUM_CLASSES).float()
    seg_l = 0.5 * (ce_cells * is_acl).sum() / is_acl.sum().clamp(min=1) + 0.5 * (ce_cells * (1 - is_acl)).sum() / (1 - is_acl).sum().clamp(min=1)
    total = ce + cfg["loc_weight"] * loc + cfg["seg_weight"] * seg_l
    return total, dict(ce=ce.item(), loc=loc.item(), seg=seg_l.item()), logits


@torch.no_grad()
def infer(net_or_export, items, with_cam=False):
    """Full-series inference with the export graph semantics (raw intensities in, z-score inside)."""
    exp = net_or_export if isinstance(net_or_export, ExportModel) else ExportModel(net_or_export)
    exp.eval()
    out = []
    for it in items:
        x = torch.from_numpy(it["x"].astype(np.float32)).unsqueeze(1).contiguous(memory_format=torch.channels_last)
        logits, probs, cam, ev = exp(x)
        r = dict(logits=logits.numpy(), probs=probs.numpy(), slice_evidence=ev.numpy())
        if with_cam:
            r["cam"] = cam.numpy()
        out.append(r)
    return out


def quick_metrics(items, res):
    y = np.array([it["label"] for it in items])
    p = np.array([r["probs"] for r in res])
    pred = p.argmax(1)
    acc = float((pred == y).mean())
    rec = [float((pred[y == c] == c).mean()) if (y == c).any() else float("nan") for c in range(NUM_CLASSES)]
    nll = float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-9, 1)).mean())
    key_ok = []
    for it, r, pr in zip(items, res, pred):
        if pr != 0:
            key_ok.append(bool(it["acl_slices"][int(r["slice_evidence"][:, pr].argmax())]))
    return dict(acc=acc, recall=rec, loss=nll, key_in_acl=float(np.mean(key_ok)) if key_ok else float("nan"))


def train(cfg, train_items, val_items, log):
    seed_everything(cfg["seed"])
    net = MRNet().to(memory_format=torch.channels_last)
    B, K = cfg["batch_series"], cfg["slices_per_sample"]
    labels = np.array([it["label"] for it in train_items])
    freq = np.bincount(labels, minlength=NUM_CLASSES) / len(labels)
    w = 1.0 / freq[labels]
    w /= w.sum()
    steps_per_epoch = len(train_items) // B
    total = steps_per_epoch * cfg["epochs"]
    opt = torch.optim.AdamW(net.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    warm = max(1, int(total * cfg["warmup_frac"]))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, total - warm)))
    )
    rng = np.random.default_rng(cfg["seed"])
    t0 = time.time()
    step = 0
    history = []
    for ep in range(cfg["epochs"]):
        net.train()
        order = rng.choice(len(train_items), size=steps_per_epoch * B, replace=True, p=w)
        agg = dict(ce=0.0, loc=0.0, seg=0.0)
        correct = 0
        for b in range(steps_per_epoch):
            idxs = order[b * B : (b + 1) * B]
            x, coarse, y = make_batch(train_items, idxs, K, rng)
            loss, parts, logits = losses(net, x, coarse, y, B, K, cfg)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            for k in agg:
                agg[k] += parts[k]
            correct += int((logits.argmax(1) == y).sum())
            if (b + 1) % 50 == 0:
                log(
                    f"ep {ep} step {b + 1}/{steps_per_epoch} ce {agg['ce'] / (b + 1):.3f} loc {agg['loc'] / (b + 1):.3f} "
                    f"seg {agg['seg'] / (b + 1):.3f} acc {correct / ((b + 1) * B):.3f} lr {sched.get_last_lr()[0]:.2e} t {time.time() - t0:.0f}s"
                )
        vm = quick_metrics(val_items, infer(net, val_items)) if val_items else {}
        history.append(dict(epoch=ep, seconds=time.time() - t0, **{k: v / steps_per_epoch for k, v in agg.items()}, val=vm))
        log(f"== epoch {ep} done {time.time() - t0:.0f}s val {json.dumps(vm)}")
    return net, time.time() - t0, history


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=None)
    ap.add_argument("--train-series", type=int)
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--no-export", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(2)
    cfg = dict(CFG)
    out = args.out or OUT_DIR
    if args.quick:
        cfg.update(train_series=400, val_series=100, test_series=200, epochs=2)
        out = args.out or "/tmp/acl-quick"
    if args.train_series:
        cfg["train_series"] = args.train_series
    if args.epochs:
        cfg["epochs"] = args.epochs
    os.makedirs(out, exist_ok=True)
    t_start = time.time()

    def log(msg):
        print(f"[{time.time() - t_start:7.1f}s] {msg}", flush=True)

    log(f"config {json.dumps(cfg)}")
    train_items = data.build(data.seeds_for(data.TRAIN_SEED0, cfg["train_series"]))
    val_items = data.build(data.seeds_for(data.VAL_SEED0, cfg["val_series"]))
    log(f"generated {len(train_items)} train + {len(val_items)} val series, labels {np.bincount([i['label'] for i in train_items]).tolist()}")
    t_gen = time.time() - t_start
    net, train_seconds, history = train(cfg, train_items, val_items, log)
    torch.save(net.state_dict(), os.path.join(out, "weights.pt") if args.quick or args.no_export else "/tmp/acl-weights.pt")
    del train_items
    if args.no_export:
        return
    import evaluate
    import export

    t1 = time.time()
    test_seeds = data.seeds_for(data.TEST_SEED0, cfg["test_series"])
    test_items = data.build(test_seeds)
    log(f"generated {len(test_items)} test series")
    ev = evaluate.evaluate(net, test_items, out, log)
    ev["timing"] = dict(generate_train_seconds=round(t_gen, 1), train_seconds=round(train_seconds, 1), evaluate_seconds=round(time.time() - t1, 1))
    export.export_all(net, cfg, ev, history, out, log, t_start)
    log("done")


if __name__ == "__main__":
    main()
