"""Dataset generation: phantom cases -> resampled 128x128 series + ACL masks, in parallel worker processes."""

from __future__ import annotations

import multiprocessing as mp

import numpy as np
import torch
import torch.nn.functional as F

from model import CAM_SIZE, IMAGE_SIZE
from phantom import make_case, sample_label

TRAIN_SEED0 = 1_000_000
VAL_SEED0 = 2_000_000
TEST_SEED0 = 3_000_000
GOLDEN_SEED0 = 4_000_000


def resample(vol: np.ndarray, size: int = IMAGE_SIZE) -> torch.Tensor:
    """uint16/float [S,r,c] -> float32 [S,1,size,size]: bilinear, half-pixel centres (align_corners=False), no antialias."""
    x = torch.from_numpy(vol.astype(np.float32)).unsqueeze(1)
    if x.shape[-2:] == (size, size):
        return x
    return F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=False)


def render_size(seed: int) -> int:
    """Most series are rendered at 128; ~30 % at another matrix (96..192) so that resampling is part of training."""
    rng = np.random.default_rng([seed, 3])
    return 128 if rng.random() < 0.7 else int(rng.integers(96, 193))


def build_item(seed: int) -> dict:
    n = render_size(seed)
    c = make_case(seed, n=n)
    x = resample(c.volume)[:, 0]  # [S,128,128] float
    fp = torch.from_numpy(c.acl_footprint.astype(np.float32)).unsqueeze(1)
    if n != IMAGE_SIZE:
        fp = F.interpolate(fp, size=(IMAGE_SIZE, IMAGE_SIZE), mode="bilinear", align_corners=False)
    fp = fp[:, 0]
    coarse = F.avg_pool2d(fp.unsqueeze(1), IMAGE_SIZE // CAM_SIZE)[:, 0]  # [S,16,16] ACL fraction per CAM cell
    k = IMAGE_SIZE / n
    r0, c0, r1, c1 = c.acl_bbox
    bbox = (int(np.floor(r0 * k)), int(np.floor(c0 * k)), int(np.ceil(r1 * k)), int(np.ceil(c1 * k)))
    v = x.double()
    return dict(
        seed=seed,
        label=c.label,
        n=n,
        x=torch.clamp(torch.round(x), 0, 4095).to(torch.int16).numpy().astype(np.uint16),
        mean=float(v.mean()),
        std=float(torch.sqrt(((v - v.mean()) ** 2).mean() + 1.0)),
        coarse=(coarse.numpy() * 255).round().astype(np.uint8),
        acl_slices=c.acl_slices,
        bbox=bbox,
        params=c.params,
    )


def build(seeds, workers: int = 2) -> list[dict]:
    if workers <= 1:
        return [build_item(s) for s in seeds]
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=torch.set_num_threads, initargs=(1,)) as pool:
        return pool.map(build_item, seeds, chunksize=16)


def seeds_for(seed0: int, count: int) -> list[int]:
    return [seed0 + i for i in range(count)]


def labels_of(seeds) -> np.ndarray:
    return np.array([sample_label(s) for s in seeds])
