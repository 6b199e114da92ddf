"""MRNet-style ACL classifier: 2-D CNN per slice -> global average pooling per slice -> max over slices -> linear head.

The exported graph (ExportModel) also contains the per-series z-score normalisation, the class activation maps and the
per-slice evidence decomposition, so the worker only resamples pixels to 128x128 and feeds raw intensities.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 4
IMAGE_SIZE = 128
ZSCORE_EPS = 1.0  # added to the variance (raw 12-bit intensity units squared)

# (in, out, stride, dilation) of each 3x3 conv + BatchNorm + ReLU
LAYERS = [
    (1, 16, 2, 1),  # 128 -> 64
    (16, 16, 1, 1),
    (16, 32, 2, 1),  # 64 -> 32
    (32, 32, 1, 1),
    (32, 48, 2, 1),  # 32 -> 16
    (48, 64, 1, 1),
    (64, 64, 1, 2),  # dilated: receptive field ~75 px at stride 8
]
FEATURES = LAYERS[-1][1]
CAM_SIZE = IMAGE_SIZE // 8


def zscore(x: torch.Tensor) -> torch.Tensor:
    """Per-series z-score over every voxel of the series (x: [S,1,H,W])."""
    m = x.mean()
    v = ((x - m) * (x - m)).mean()
    return (x - m) / torch.sqrt(v + ZSCORE_EPS)


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        mods = []
        for cin, cout, s, d in LAYERS:
            mods += [nn.Conv2d(cin, cout, 3, s, padding=d, dilation=d, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
        self.body = nn.Sequential(*mods)

    def forward(self, x):
        return self.body(x)


class MRNet(nn.Module):
    """Training model. forward takes a batch of B series with K slices each (already z-scored)."""

    def __init__(self):
        super().__init__()
        self.backbone = Backbone()
        self.head = nn.Linear(FEATURES, NUM_CLASSES)
        # auxiliary dense head, training only (not exported): per CAM cell, background or the ACL state there
        self.dense = nn.Conv2d(FEATURES, NUM_CLASSES + 1, 1)

    def forward(self, x: torch.Tensor, B: int, K: int):
        A = self.backbone(x)  # [B*K, C, h, w]
        C, h, w = A.shape[1:]
        gap = A.mean((2, 3)).view(B, K, C)
        mx, idx = gap.max(1)  # [B, C]
        logits = self.head(mx)
        onehot = F.one_hot(idx, K).transpose(1, 2).to(A.dtype)  # [B, K, C]
        Am = A.view(B, K, C, h, w) * onehot[..., None, None]
        cam = torch.einsum("nc,bkchw->bknhw", self.head.weight, Am)  # argmax-slice CAM [B,K,4,h,w]
        dense = self.dense(A).view(B, K, NUM_CLASSES + 1, h, w)
        return logits, cam, dense, gap


class ExportModel(nn.Module):
    """Inference graph: series [S,1,128,128] raw intensities -> logits, probs, cam, slice_evidence."""

    def __init__(self, net: MRNet):
        super().__init__()
        self.backbone = net.backbone
        self.weight = nn.Parameter(net.head.weight.detach().clone(), requires_grad=False)  # [4, C]
        self.bias = nn.Parameter(net.head.bias.detach().clone(), requires_grad=False)

    def forward(self, series: torch.Tensor):
        A = self.backbone(zscore(series))  # [S, C, h, w]
        gap = A.mean((2, 3))  # [S, C]
        mx, idx = gap.max(0)  # [C]
        logits = torch.matmul(mx, self.weight.t()) + self.bias  # [4]
        probs = torch.softmax(logits, 0)
        S = series.shape[0]
        slice_ids = torch.arange(S, device=series.device).unsqueeze(1)  # [S,1]
        onehot = (slice_ids == idx.unsqueeze(0)).to(A.dtype)  # [S, C]: channel k counted only on its argmax slice
        slice_evidence = torch.matmul(gap * onehot, self.weight.t())  # [S, 4]
        Am = A * onehot.unsqueeze(2).unsqueeze(3)
        cam = F.conv2d(Am, self.weight.unsqueeze(2).unsqueeze(3))  # [S, 4, h, w]
        return logits, probs, cam, slice_evidence


def conv_flops(slices: int = 16, size: int = IMAGE_SIZE):
    """Analytic FLOPs (2 x multiply-accumulates) of the convolutions for one series, plus the head/CAM."""
    macs = 0
    hw = size
    for cin, cout, s, _d in LAYERS:
        hw = (hw + s - 1) // s
        macs += hw * hw * cout * cin * 9
    macs *= slices
    macs += slices * NUM_CLASSES * FEATURES * hw * hw  # CAM (1x1 conv of the masked maps)
    macs += NUM_CLASSES * FEATURES * (slices + 1)  # slice evidence + logits
    return 2 * macs


def param_count(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
