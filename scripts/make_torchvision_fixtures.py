#!/usr/bin/python3
"""Ground truth from torchvision for e2kd's model mapping: state dicts, inputs, logits and GradCAM maps.

Run with Debian's PyTorch 1.13 + torchvision 0.14:  /usr/bin/python3 scripts/make_torchvision_fixtures.py [out_dir]
(default out_dir: src/test/resources/torchvision). Deterministic (seed 0, one thread). For every model NAME:

  NAME.pth          torch.save(model.state_dict()), float32, eval-ready (BN statistics calibrated on random
                    batches, then BN weight/bias drawn at random so that nothing is the identity)
  NAME_x.npy        the input batch (float32)
  NAME_logits.npy   model(x) in eval mode, computed in float64 from the float32 weights
  NAME_top1.npy     argmax of the logits (int64)
  NAME_expl.npy     the explanation for the top-1 class, float64: for standard models GradCAM (positive part) at
                    the last stage, bilinear-resized to the input (align_corners=False), computed with plain
                    autograd; for the B-cos model W(x) = dy_c/dx with the dynamic factors held constant

Models, reduced so that the files stay small (e2kd registry options in brackets reproduce them):
  resnet18          torchvision ResNet-18 with stage widths 8, 16, 32, 64 (torchvision fixes the first width at
                    64; NarrowResNet below only scales the planes) [resnet18, base=8], 10 classes, 64 px
  densenet121       torchvision.models.DenseNet(growth_rate=6, block_config=(6, 12, 24, 16),
                    num_init_features=12, num_classes=10) [densenet121, base=12, growth=6], 64 px
  bcos_densenet121  the same layout with B-cos modules (written here from METHOD.md section 3, in the B-cos-v2
                    key layout: features.conv0.linear.weight, features.norm0.weight, ..., classifier.linear.weight),
                    growth 4, 8 init features, 7 classes, 6-channel input, 40 px (so that one transition pools an
                    odd size) [bcos_densenet121, base=8, growth=4];
                    not the authors' code, which is not installed here: an independent implementation of the same
                    reading, to catch wiring errors (concatenation order, transitions, classifier before pooling).
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

torch.set_num_threads(1)
torch.manual_seed(0)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test",
                                                           "resources", "torchvision")
os.makedirs(OUT, exist_ok=True)
SIZE = 64


class NarrowResNet(torchvision.models.ResNet):
    """torchvision's ResNet (its blocks, _make_layer and forward) with stage widths base * (1, 2, 4, 8)."""

    def __init__(self, block, layers, base, num_classes):
        self._base = base
        super().__init__(block, layers, num_classes=num_classes)
        self.conv1 = nn.Conv2d(3, base, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        self.fc = nn.Linear(8 * base * block.expansion, num_classes)
        for m in self.modules():  # torchvision's init
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        if planes == 64:
            self.inplanes = self._base
        return super()._make_layer(block, planes * self._base // 64, blocks, stride, dilate)


class BcosConv2d(nn.Module):
    """B = 2, no bias, unit-norm weights: out = |o| / ||x_patch|| * o, o = w_hat * x (METHOD.md section 3)."""

    def __init__(self, conv):
        super().__init__()
        self.linear = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                                bias=False)
        self.explain = False

    def forward(self, x):
        c = self.linear
        w = c.weight / c.weight.flatten(1).norm(dim=1)[:, None, None, None]
        o = F.conv2d(x, w, None, c.stride, c.padding)
        sq = (x ** 2).sum(1, keepdim=True)
        norm = (F.avg_pool2d(sq, c.kernel_size, c.stride, c.padding, divisor_override=1) + 1e-6).sqrt()
        scale = o.abs() / norm
        return (scale.detach() if self.explain else scale) * o


class UncenteredNorm(nn.BatchNorm2d):
    """NoBias(BatchNormUncentered2d): x / sqrt(var + eps) * weight, never subtracting the mean; eval mode only."""

    def __init__(self, bn):
        super().__init__(bn.num_features)
        self.bias = None

    def forward(self, x):
        assert not self.training
        return x / (self.running_var[None, :, None, None] + self.eps).sqrt() * self.weight[None, :, None, None]


def to_bcos(module):
    for name, child in module.named_children():
        if isinstance(child, nn.Conv2d):
            setattr(module, name, BcosConv2d(child))
        elif isinstance(child, nn.BatchNorm2d):
            setattr(module, name, UncenteredNorm(child))
        elif isinstance(child, nn.ReLU):
            setattr(module, name, nn.Identity())
        elif isinstance(child, nn.MaxPool2d):
            setattr(module, name, nn.AvgPool2d(3, 2, 1))
        else:
            to_bcos(child)


class BcosDenseNet(nn.Module):
    """torchvision's DenseNet module tree with B-cos modules; classifier 1x1 B-cos conv, then mean, then bias."""

    def __init__(self, num_classes, **kwargs):
        super().__init__()
        tv = torchvision.models.DenseNet(num_classes=num_classes, **kwargs)
        conv0 = tv.features.conv0
        tv.features.conv0 = nn.Conv2d(6, conv0.out_channels, 7, 2, 3, bias=False)  # 6-channel B-cos input
        to_bcos(tv.features)
        self.features = tv.features
        self.classifier = BcosConv2d(nn.Conv2d(tv.classifier.in_features, num_classes, 1))
        self.logit_bias = -math.log(num_classes - 1)

    def forward(self, x):
        return self.classifier(self.features(x)).mean((2, 3)) + self.logit_bias


def calibrate(model, make_input):
    """Running statistics from random batches, then random affine parameters; returns the model in eval mode."""
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in norms:
        m.momentum = None  # cumulative average over the calibration batches
    if not any(isinstance(m, UncenteredNorm) for m in norms):
        model.train()
        with torch.no_grad():
            for _ in range(3):
                model(make_input(8))
    else:  # the uncentered norm has no training forward here: draw its statistics
        for m in norms:
            m.running_var.uniform_(0.5, 2.0)
            m.running_mean.normal_(0, 0.1)
            m.num_batches_tracked.fill_(3)
    for m in norms:
        with torch.no_grad():
            m.weight.uniform_(0.5, 1.5)
            if m.bias is not None:
                m.bias.normal_(0, 0.2)
    return model.eval()


def gradcam(a, logits, top1, size):
    """Positive GradCAM at stage output a for the top-1 class, bilinear-resized to size x size."""
    g, = torch.autograd.grad(logits[torch.arange(len(top1)), top1].sum(), a)
    cam = F.relu((g.mean((2, 3))[:, :, None, None] * a).sum(1, keepdim=True))
    return F.interpolate(cam, size=(size, size), mode="bilinear", align_corners=False)[:, 0]


def save(name, model, x, logits, expl):
    torch.save(model.state_dict(), os.path.join(OUT, name + ".pth"))
    np.save(os.path.join(OUT, name + "_x.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, name + "_logits.npy"), logits.detach().numpy())
    np.save(os.path.join(OUT, name + "_top1.npy"), logits.argmax(1).numpy())
    np.save(os.path.join(OUT, name + "_expl.npy"), expl.detach().numpy())
    params = sum(v.numel() for v in model.state_dict().values())
    print(f"{name}: {params} values, logits {logits.shape}, top1 {logits.argmax(1).tolist()}")


def standard(name, model, stage):
    model = calibrate(model, lambda b: torch.randn(b, 3, SIZE, SIZE))
    x = torch.randn(2, 3, SIZE, SIZE)
    with torch.no_grad():
        expected = model(x)
    torch.save(model.state_dict(), os.path.join(OUT, name + ".pth"))
    model = model.double()
    logits, a = stage(model, x.double())
    assert torch.allclose(logits.float(), expected, atol=1e-4), (logits, expected)
    save(name, model.float(), x, logits, gradcam(a, logits, logits.argmax(1), SIZE))


def resnet_stage(model, x):
    """logits and layer4's output (the last stage), through torchvision's own forward."""
    out = {}
    handle = model.layer4.register_forward_hook(lambda m, i, o: out.setdefault("a", o))
    logits = model(x)
    handle.remove()
    return logits, out["a"]


def densenet_stage(model, x):
    """logits and ReLU(features(x)), the input of torchvision DenseNet's pooled-linear head."""
    a = F.relu(model.features(x))
    return model.classifier(torch.flatten(F.adaptive_avg_pool2d(a, (1, 1)), 1)), a


standard("resnet18", NarrowResNet(torchvision.models.resnet.BasicBlock, [2, 2, 2, 2], 8, 10), resnet_stage)
standard("densenet121", torchvision.models.DenseNet(growth_rate=6, block_config=(6, 12, 24, 16),
                                                    num_init_features=12, num_classes=10), densenet_stage)


BCOS_SIZE = 40


def bcos_input(b):
    rgb = torch.rand(b, 3, BCOS_SIZE, BCOS_SIZE)
    return torch.cat([rgb, 1 - rgb], 1)


bcos = calibrate(BcosDenseNet(7, growth_rate=4, block_config=(6, 12, 24, 16), num_init_features=8), bcos_input)
xb = bcos_input(2)
bcos = bcos.double()
with torch.no_grad():
    bcos_logits = bcos(xb.double())
for m in bcos.modules():
    if isinstance(m, BcosConv2d):
        m.explain = True
xv = xb.double().requires_grad_(True)
out = bcos(xv)
w, = torch.autograd.grad(out[torch.arange(2), out.argmax(1)].sum(), xv)
assert torch.allclose((w * xv).sum((1, 2, 3)) + bcos.logit_bias, out.gather(1, out.argmax(1)[:, None])[:, 0])
assert torch.allclose(out, bcos_logits)
save("bcos_densenet121", bcos.float(), xb, bcos_logits, w)
