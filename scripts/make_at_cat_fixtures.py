#!/usr/bin/python3
"""Writes src/test/resources/baselines/at_cat.npz: AT and CAT losses and their gradients w.r.t. the student's
features, computed by a PyTorch restatement of the original formulas (float64):

* AT as mdistiller's AT distiller computes it (at(f) = F.normalize(f.pow(p).mean(1).reshape(B, -1)); per stage pair
  the larger map is adaptive-average-pooled to the smaller's size; the loss is the sum over stages of
  (at(f_s) - at(f_t)).pow(2).mean()), p = 2, on two stage pairs, one of them with a teacher map twice as large;
* CAT as the CAT-KD authors' CAT_loss computes it (both class-activation maps adaptive-average-pooled to
  resolution x resolution, optionally F.normalize over dims (2, 3), then F.mse_loss), resolution 4 from 6 x 6
  maps (overlapping adaptive windows), with and without normalisation.

Run with Debian's PyTorch:  /usr/bin/python3 scripts/make_at_cat_fixtures.py   (output committed)
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(3)
OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "baselines", "at_cat.npz")


def at(f, p):
    return F.normalize(f.pow(p).mean(1).reshape(f.size(0), -1))


def at_stage(fs, ft, p):
    if fs.shape[2] > ft.shape[2]:
        fs = F.adaptive_avg_pool2d(fs, (ft.shape[2], ft.shape[2]))
    elif fs.shape[2] < ft.shape[2]:
        ft = F.adaptive_avg_pool2d(ft, (fs.shape[2], fs.shape[2]))
    return (at(fs, p) - at(ft, p)).pow(2).mean()


def cat(cs, ct, resolution, normalize):
    cs = F.adaptive_avg_pool2d(cs, (resolution, resolution))
    ct = F.adaptive_avg_pool2d(ct, (resolution, resolution))
    if normalize:
        cs = F.normalize(cs, dim=(2, 3))
        ct = F.normalize(ct, dim=(2, 3))
    return F.mse_loss(cs, ct)


out = {}
s1 = torch.randn(2, 4, 8, 8, dtype=torch.float64, requires_grad=True)
s2 = torch.randn(2, 8, 4, 4, dtype=torch.float64, requires_grad=True)
t1 = torch.randn(2, 6, 8, 8, dtype=torch.float64)
t2 = torch.randn(2, 12, 8, 8, dtype=torch.float64)
loss = at_stage(s1, t1, 2) + at_stage(s2, t2, 2)
g1, g2 = torch.autograd.grad(loss, [s1, s2])
out.update(at_s1=s1, at_s2=s2, at_t1=t1, at_t2=t2, at_loss=loss, at_grad_s1=g1, at_grad_s2=g2)

cs = torch.randn(2, 5, 6, 6, dtype=torch.float64, requires_grad=True)
ct = torch.randn(2, 5, 6, 6, dtype=torch.float64)
for normalize in (False, True):
    loss = cat(cs, ct, 4, normalize)
    (g,) = torch.autograd.grad(loss, [cs])
    key = "cat_norm" if normalize else "cat"
    out[key + "_loss"] = loss
    out[key + "_grad"] = g
out.update(cat_s=cs, cat_t=ct)

np.savez(OUT, **{k: v.detach().numpy() for k, v in out.items()})
print("wrote", OUT, sorted(out))
