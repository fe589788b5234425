#!/usr/bin/env python3
"""Runs e2kd's Adam module (core/src/main/resources/e2kd/train/optim/fused_adam.pt, the TorchScript module that
e2kd.train.optim.FusedAdam calls through DJL) on a CUDA GPU, with the arguments FusedAdam passes, and compares three
steps with torch.optim.Adam (fused=False, foreach=False) on the same GPU: float64 and float32 parameters, one of them
a channels-last convolution weight, L2 weight decay; and checks that the module refuses moments whose strides differ
from the parameter's. The machines e2kd is built on have no GPU and DJL has no CUDA build of libtorch 2.7.1 for them,
so this checks the module's CUDA path through PyTorch's own TorchScript loader instead of DJL.

    python3 scripts/fused_adam_cuda_check.py        (exit 0 when every check holds; needs torch with CUDA)
"""
import pathlib
import sys

import torch

MODULE = pathlib.Path(__file__).resolve().parent.parent / "core/src/main/resources/e2kd/train/optim/fused_adam.pt"
LR, BETA1, BETA2, WEIGHT_DECAY, EPS = 1e-3, 0.9, 0.999, 1e-4, 1e-8


def parameters(dtype, device):
    g = torch.Generator().manual_seed(7)
    conv = torch.randn(64, 32, 3, 3, generator=g, dtype=dtype).to(device)
    linear = torch.randn(1000, 512, generator=g, dtype=dtype).to(device)
    bias = torch.randn(64, generator=g, dtype=dtype).to(device)
    return [conv.contiguous(memory_format=torch.channels_last), linear, bias]


def gradients(params, step):
    g = torch.Generator().manual_seed(100 + step)
    # empty_like keeps each parameter's strides, as autograd's gradients do.
    out = []
    for p in params:
        grad = torch.empty_like(p)
        grad.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype).to(p.device))
        out.append(grad)
    return out


def largest_difference(dtype, device, module):
    ours = parameters(dtype, device)
    reference = [p.clone() for p in ours]
    for p in reference:
        p.requires_grad_(True)
    optimizer = torch.optim.Adam(reference, lr=LR, betas=(BETA1, BETA2), eps=EPS, weight_decay=WEIGHT_DECAY,
                                 foreach=False, fused=False)
    first = [torch.zeros_like(p) for p in ours]
    second = [torch.zeros_like(p) for p in ours]
    for step in range(1, 4):
        grads = gradients(ours, step)
        count = torch.tensor(float(step), device=device)
        module(ours, grads, first, second, [count] * len(ours), LR, BETA1, BETA2, WEIGHT_DECAY, EPS)
        for p, g in zip(reference, grads):
            p.grad = g.clone()
        optimizer.step()
    return max((a - b.detach()).abs().max().item() for a, b in zip(ours, reference))


def refuses_other_strides(device, module):
    p = torch.randn(8, 4, 3, 3, device=device).contiguous(memory_format=torch.channels_last)
    grad = torch.randn_like(p)
    contiguous_moment = torch.zeros(p.shape, device=device)
    try:
        module([p], [grad], [contiguous_moment], [torch.zeros_like(p)], [torch.tensor(1.0, device=device)],
               LR, BETA1, BETA2, WEIGHT_DECAY, EPS)
    except (RuntimeError, torch.jit.Error) as e:  # torch.jit.Error is no RuntimeError in PyTorch 2.x
        return "other strides than the parameter" in str(e)
    return False


def main():
    if not torch.cuda.is_available():
        sys.exit("no CUDA device visible to PyTorch")
    device = torch.device("cuda")
    module = torch.jit.load(str(MODULE), map_location=device)
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(0)}; module {MODULE.name}")
    ok = True
    for dtype, tolerance in ((torch.float64, 1e-12), (torch.float32, 1e-6)):
        diff = largest_difference(dtype, device, module)
        holds = diff <= tolerance
        ok &= holds
        print(f"{dtype}: largest difference from torch.optim.Adam after 3 steps {diff:.3e} (tolerance {tolerance:g}): "
              f"{'ok' if holds else 'FAILED'}")
    refused = refuses_other_strides(device, module)
    ok &= refused
    print(f"contiguous moment for a channels-last parameter refused: {'ok' if refused else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
