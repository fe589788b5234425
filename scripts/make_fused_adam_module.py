#!/usr/bin/env python3
"""Writes core/src/main/resources/e2kd/train/optim/fused_adam.pt: a TorchScript module whose forward hands a list of
parameters to libtorch's multi-tensor Adam kernel, aten::_fused_adam_ (one pass over parameter, gradient and both
moments per tensor). DJL's JNI has no call for that operator, but it loads and runs TorchScript, and TorchScript
resolves the operator in the libtorch that loads it (e2kd.train.optim.FusedAdam).

The module also checks what the kernel assumes without checking: it walks each parameter's storage as one flat
array, so gradient and moments must have the parameter's shape and strides (strides of size-1 dimensions aside, as
in autograd's layout contract for gradients), and the parameter must be dense (contiguous or channels-last).

The archive is made reproducible (no debug tables, fixed timestamps, stored entries), so that
FusedAdamModuleTest can compare it byte for byte with what this script writes. Runs with any PyTorch that knows the
operator's schema (1.13 or later; Debian: python3-torch).

    /usr/bin/python3 scripts/make_fused_adam_module.py [OUTPUT]
"""
import io
import pathlib
import sys
import zipfile
from typing import List

import torch


def same_layout(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.size() != b.size():
        return False
    for d in range(a.dim()):
        if a.size(d) != 1 and a.stride(d) != b.stride(d):
            return False
    return True


class FusedAdam(torch.nn.Module):
    def forward(self, params: List[torch.Tensor], grads: List[torch.Tensor], exp_avgs: List[torch.Tensor],
                exp_avg_sqs: List[torch.Tensor], steps: List[torch.Tensor], lr: float, beta1: float, beta2: float,
                weight_decay: float, eps: float) -> int:
        for i in range(len(params)):
            p = params[i]
            if not (p.is_contiguous() or p.is_contiguous(memory_format=torch.channels_last)):
                raise RuntimeError("fused Adam: parameter " + str(i) + " is neither contiguous nor channels-last")
            if not (same_layout(p, grads[i]) and same_layout(p, exp_avgs[i]) and same_layout(p, exp_avg_sqs[i])):
                raise RuntimeError("fused Adam: the gradient or a moment of parameter " + str(i)
                                   + " has another shape or other strides than the parameter")
        torch._fused_adam_(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=lr, beta1=beta1, beta2=beta2,
                           weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)
        return len(params)


def archive():
    saved = io.BytesIO()
    torch.jit.save(torch.jit.script(FusedAdam()), saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for name in sorted(src.namelist()):
            if name.endswith(".debug_pkl"):
                continue
            entry = zipfile.ZipInfo("fused_adam/" + name.split("/", 1)[1], date_time=(1980, 1, 1, 0, 0, 0))
            dst.writestr(entry, src.read(name))
    return out.getvalue()


if __name__ == "__main__":
    default = pathlib.Path(__file__).resolve().parent.parent / "core/src/main/resources/e2kd/train/optim/fused_adam.pt"
    target = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default
    target.write_bytes(archive())
    print(f"wrote {target} with PyTorch {torch.__version__}")
