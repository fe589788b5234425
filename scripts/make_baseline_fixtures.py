#!/usr/bin/python3
"""Ground truth for e2kd's ReviewKD and CRD criteria from a PyTorch restatement of the original code.

Run with Debian's PyTorch 1.13:  /usr/bin/python3 scripts/make_baseline_fixtures.py [out_dir]
(default out_dir: src/test/resources/baselines). Deterministic (seed 0, one thread), float64 throughout.

The modules below restate, in our own words, mdistiller's ReviewKD (ABF, hcl_loss, the review loop of
forward_train and the warm-up factor min(epoch / WARMUP_EPOCHS, 1) with the trainer's 1-based epochs) and
RepDistiller's CRD (Embed, ContrastMemory with given contrast indices, ContrastLoss). What e2kd's tests check
against is only the data written here:

  reviewkd.npz   student.K / teacher.K  the five levels (K = 0 shallowest .. 4 the pooled feature as 1x1), B = 3;
                                        student widths 4, 6, 8, 10, 10, teacher 5, 7, 9, 12, 12; the teacher's
                                        shallowest level is 12x12 against the student's 10x10 (resized outputs)
                 state.KEY              the connectors' state dict before the step (keys abfs.N...., abfs.0 the
                                        deepest level), BN affine parameters drawn at random
                 grad.student.K         d loss / d student level K
                 grad.KEY               d loss / d parameter KEY
                 after.KEY              the connectors' BN buffers after the training-mode forward
                 warmup                 the factor per 0-based step for WARMUP_EPOCHS = 3, 4 steps per epoch,
                                        5 epochs, as the trainer's loop counts epochs
  reviewkd.json  {"loss": HCL of the reviewed features}
  crd.npz        labels (N = 20, 4 classes), state.KEY (embed_s.linear.*, embed_t.linear.*, contrast.memory_v1,
                 contrast.memory_v2, contrast.z = (-1, -1)) before two steps without an optimizer update;
                 per step s in 1, 2: student.s (4, 6) and teacher.s (4, 8) pooled features, index.s (4,),
                 contrast.s (4, 8) contrast indices (column 0 the sample, 7 negatives of other classes),
                 grad.s.student, grad.s.KEY (embedding parameters), after.s.KEY (memory and z after the step)
  crd.json       {"loss1": ..., "loss2": ..., "temperature": 0.07, "momentum": 0.7} (momentum 0.7 rather than the
                 default 0.5, so that the update's two weights differ)
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test",
                                                           "resources", "baselines")
os.makedirs(OUT, exist_ok=True)


# ---------------------------------------------------------------------------------------------- ReviewKD
class Fusion(nn.Module):
    """One ABF: 1x1 conv + BN to the mid width, optional attention blend with the deeper residual, 3x3 conv + BN."""

    def __init__(self, width_in, width_mid, width_out, blend):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(width_in, width_mid, 1, bias=False), nn.BatchNorm2d(width_mid))
        self.conv2 = nn.Sequential(nn.Conv2d(width_mid, width_out, 3, padding=1, bias=False),
                                   nn.BatchNorm2d(width_out))
        self.att_conv = nn.Sequential(nn.Conv2d(2 * width_mid, 2, 1), nn.Sigmoid()) if blend else None
        nn.init.kaiming_uniform_(self.conv1[0].weight, a=1)
        nn.init.kaiming_uniform_(self.conv2[0].weight, a=1)

    def forward(self, feature, deeper, size, target_size):
        b, _, h, w = feature.shape
        mixed = self.conv1(feature)
        if self.att_conv is not None:
            deeper = F.interpolate(deeper, (size, size), mode="nearest")
            gates = self.att_conv(torch.cat([mixed, deeper], dim=1))
            mixed = mixed * gates[:, 0].view(b, 1, h, w) + deeper * gates[:, 1].view(b, 1, h, w)
        if mixed.shape[-1] != target_size:
            mixed = F.interpolate(mixed, (target_size, target_size), mode="nearest")
        return self.conv2(mixed), mixed


class Review(nn.Module):
    def __init__(self, widths_in, widths_out):
        super().__init__()
        mid = min(512, widths_in[-1])
        built = [Fusion(c, mid, widths_out[i], i < len(widths_in) - 1) for i, c in enumerate(widths_in)]
        self.abfs = nn.ModuleList(built[::-1])

    def forward(self, levels, sizes, target_sizes):
        """levels shallowest first; returns the reviewed maps shallowest first."""
        deepest_first = levels[::-1]
        sizes = sizes[::-1]
        target_sizes = target_sizes[::-1]
        out, residual = self.abfs[0](deepest_first[0], None, sizes[0], target_sizes[0])
        reviewed = [out]
        for k in range(1, len(deepest_first)):
            out, residual = self.abfs[k](deepest_first[k], residual, sizes[k], target_sizes[k])
            reviewed.insert(0, out)
        return reviewed


def hcl(student, teacher):
    total = 0.0
    for s, t in zip(student, teacher):
        h = s.shape[2]
        level = F.mse_loss(s, t)
        weight, weights = 1.0, 1.0
        for size in (4, 2, 1):
            if size >= h:
                continue
            weight /= 2.0
            level = level + weight * F.mse_loss(F.adaptive_avg_pool2d(s, size), F.adaptive_avg_pool2d(t, size))
            weights += weight
        total = total + level / weights
    return total


def reviewkd():
    widths_s = [4, 6, 8, 10, 10]
    widths_t = [5, 7, 9, 12, 12]
    sides_s = [10, 5, 3, 2, 1]
    sides_t = [12, 5, 3, 2, 1]
    batch = 3
    student = [torch.randn(batch, c, s, s).requires_grad_() for c, s in zip(widths_s, sides_s)]
    teacher = [torch.randn(batch, c, s, s) for c, s in zip(widths_t, sides_t)]
    model = Review(widths_s, widths_t)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.train()
    loss = hcl(model(student, sides_s, sides_t), teacher)
    loss.backward()
    arrays = {}
    for k in range(5):
        arrays["student.%d" % k] = student[k].detach().numpy()
        arrays["teacher.%d" % k] = teacher[k].numpy()
        arrays["grad.student.%d" % k] = student[k].grad.numpy()
    for key, v in state.items():
        arrays["state." + key] = v.numpy()
    for key, p in model.named_parameters():
        arrays["grad." + key] = p.grad.numpy()
    for key, v in model.named_buffers():
        arrays["after." + key] = v.numpy()
    arrays["warmup"] = np.array(warmup_factors(warmup_epochs=3, steps_per_epoch=4, epochs=5))
    np.savez(os.path.join(OUT, "reviewkd.npz"), **arrays)
    with open(os.path.join(OUT, "reviewkd.json"), "w") as f:
        json.dump({"loss": loss.item()}, f, indent=1)


def warmup_factors(warmup_epochs, steps_per_epoch, epochs):
    """The trainer's loop: epoch runs from 1; each iteration scales the term by min(epoch / warmup, 1)."""
    factors = []
    epoch = 1
    while epoch < epochs + 1:
        for _ in range(steps_per_epoch):
            factors.append(min(epoch / warmup_epochs, 1.0))
        epoch += 1
    return factors


# ---------------------------------------------------------------------------------------------- CRD
class Embedding(nn.Module):
    def __init__(self, width_in, width_out):
        super().__init__()
        self.linear = nn.Linear(width_in, width_out)

    def forward(self, x):
        y = self.linear(x.reshape(x.shape[0], -1))
        return y / y.pow(2).sum(1, keepdim=True).pow(0.5)


class Bank(nn.Module):
    """Memory of both views, normalisers set by the first batch, momentum update of the batch's rows."""

    def __init__(self, dim, n, temperature, momentum):
        super().__init__()
        bound = 1.0 / math.sqrt(dim / 3)
        self.register_buffer("memory_v1", torch.rand(n, dim) * 2 * bound - bound)
        self.register_buffer("memory_v2", torch.rand(n, dim) * 2 * bound - bound)
        self.register_buffer("z", torch.tensor([-1.0, -1.0]))
        self.temperature = temperature
        self.momentum = momentum

    def forward(self, v1, v2, rows, contrast):
        b, dim = v1.shape
        n = self.memory_v1.shape[0]
        width = contrast.shape[1]
        from_v1 = self.memory_v1.index_select(0, contrast.reshape(-1)).detach().view(b, width, dim)
        score_v2 = torch.exp(torch.bmm(from_v1, v2.view(b, dim, 1)) / self.temperature)
        from_v2 = self.memory_v2.index_select(0, contrast.reshape(-1)).detach().view(b, width, dim)
        score_v1 = torch.exp(torch.bmm(from_v2, v1.view(b, dim, 1)) / self.temperature)
        if self.z[0] < 0:
            self.z[0] = score_v1.mean() * n
        if self.z[1] < 0:
            self.z[1] = score_v2.mean() * n
        score_v1 = score_v1 / self.z[0].item()
        score_v2 = score_v2 / self.z[1].item()
        with torch.no_grad():
            for memory, v in ((self.memory_v1, v1), (self.memory_v2, v2)):
                moved = memory.index_select(0, rows) * self.momentum + v * (1 - self.momentum)
                memory.index_copy_(0, rows, moved / moved.pow(2).sum(1, keepdim=True).pow(0.5))
        return score_v1.squeeze(2), score_v2.squeeze(2)


def nce(x, n):
    eps = 1e-7
    b = x.shape[0]
    k = x.shape[1] - 1
    noise = k / float(n)
    positive = x[:, 0]
    negative = x[:, 1:]
    log_d1 = torch.log(positive / (positive + noise + eps))
    log_d0 = torch.log(torch.full_like(negative, noise) / (negative + noise + eps))
    return -(log_d1.sum() + log_d0.sum()) / b


class Crd(nn.Module):
    def __init__(self, width_s, width_t, dim, n, temperature, momentum):
        super().__init__()
        self.embed_s = Embedding(width_s, dim)
        self.embed_t = Embedding(width_t, dim)
        self.contrast = Bank(dim, n, temperature, momentum)
        self.n = n

    def forward(self, f_s, f_t, rows, contrast):
        s, t = self.contrast(self.embed_s(f_s), self.embed_t(f_t), rows, contrast)
        return nce(s, self.n) + nce(t, self.n)


def crd():
    n, classes, k, batch = 20, 4, 7, 4
    labels = np.array([i % classes for i in range(n)], dtype=np.int64)
    rng = np.random.RandomState(0)
    rng.shuffle(labels)
    model = Crd(6, 8, 5, n, 0.07, 0.7)
    arrays = {"labels": labels}
    for key, v in model.state_dict().items():
        arrays["state." + key] = v.detach().clone().numpy()
    losses = {}
    for step, rows in ((1, [3, 7, 11, 0]), (2, [7, 19, 2, 3])):
        rows = np.array(rows, dtype=np.int64)
        contrast = np.zeros((batch, k + 1), dtype=np.int64)
        for b, i in enumerate(rows):
            contrast[b, 0] = i
            contrast[b, 1:] = rng.choice(np.nonzero(labels != labels[i])[0], k, replace=True)
        f_s = torch.randn(batch, 6).requires_grad_()
        f_t = torch.randn(batch, 8)
        model.zero_grad()
        loss = model(f_s, f_t, torch.from_numpy(rows), torch.from_numpy(contrast))
        loss.backward()
        losses["loss%d" % step] = loss.item()
        arrays["student.%d" % step] = f_s.detach().numpy()
        arrays["teacher.%d" % step] = f_t.numpy()
        arrays["index.%d" % step] = rows
        arrays["contrast.%d" % step] = contrast
        arrays["grad.%d.student" % step] = f_s.grad.numpy()
        for key, p in model.named_parameters():
            arrays["grad.%d.%s" % (step, key)] = p.grad.numpy().copy()
        for key, v in model.named_buffers():
            arrays["after.%d.%s" % (step, key)] = v.detach().numpy().copy()
    np.savez(os.path.join(OUT, "crd.npz"), **arrays)
    with open(os.path.join(OUT, "crd.json"), "w") as f:
        json.dump(dict(losses, temperature=0.07, momentum=0.7), f, indent=1)


reviewkd()
crd()
