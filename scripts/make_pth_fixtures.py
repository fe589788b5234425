#!/usr/bin/python3
"""Writes the small torch.save fixtures that e2kd.io's tests read, with the expected values next to them.

Run with Debian's PyTorch:  /usr/bin/python3 scripts/make_pth_fixtures.py [out_dir]
(default out_dir: src/test/resources/torch-fixtures). The output is committed; it is deterministic except for
legacy.pth, whose storage keys are Python object ids.

For every NAME.pth that should load, NAME.npz holds the expected state dict after e2kd's reader semantics
(inner "state_dict"/"model" dict, "module." stripped, non-tensors dropped), each array contiguous, in the same key
order. numpy has no bfloat16, so bfloat16 tensors are expected as float32 (exact). dtypes_float32.npz holds every
tensor of dtypes.pth converted by torch to float32, to check e2kd's float16/bfloat16 widening independently.
legacy.pth (pre-1.6 format) and malicious_os_system.pth (a pickle calling os.system) must be refused.
"""
import collections
import os
import sys
import zipfile

import numpy as np
import torch

torch.set_num_threads(2)
torch.manual_seed(0)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test",
                                                           "resources", "torch-fixtures")
os.makedirs(OUT, exist_ok=True)


def expected(sd):
    out = collections.OrderedDict()
    for k, v in sd.items():
        v = v.detach()
        out[k] = (v.float() if v.dtype == torch.bfloat16 else v).contiguous().numpy()
    return out


def save(name, obj, expect, **kwargs):
    torch.save(obj, os.path.join(OUT, name + ".pth"), **kwargs)
    if expect is not None:
        np.savez(os.path.join(OUT, name + ".npz"), **expected(expect))


# Every dtype, including float16/bfloat16 specials, a 0-d scalar and an empty tensor.
specials = [0.0, -0.0, 1.0, -2.5, 65504.0, 6e-8, 1e-5, float("inf"), float("-inf"), float("nan")]
dtypes = collections.OrderedDict([
    ("f32", torch.randn(2, 3)),
    ("f64", torch.randn(3, dtype=torch.float64)),
    ("f16", torch.tensor(specials, dtype=torch.float16)),
    ("bf16", torch.tensor(specials[:5] + [1e-40, 3.0e38, float("inf"), float("-inf"), float("nan")],
                          dtype=torch.bfloat16)),
    ("i64", torch.tensor([0, -1, 2**62, -2**63], dtype=torch.int64)),
    ("i32", torch.tensor([[1, -2], [2**31 - 1, -2**31]], dtype=torch.int32)),
    ("i16", torch.tensor([-32768, 32767], dtype=torch.int16)),
    ("i8", torch.tensor([-128, 127], dtype=torch.int8)),
    ("u8", torch.tensor([0, 255], dtype=torch.uint8)),
    ("flag", torch.tensor([True, False, True])),
    ("scalar", torch.tensor(3.5)),
    ("empty", torch.zeros(0, 4)),
])
save("dtypes", dtypes, dtypes)
np.savez(os.path.join(OUT, "dtypes_float32.npz"), **{k: v.float().numpy() for k, v in dtypes.items()})

# Non-contiguous views of shared storages: saved as the whole storage plus offset/size/stride.
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
shared = torch.arange(8, dtype=torch.float64)
views = collections.OrderedDict([
    ("transposed", base.t()),
    ("row_slice", base[1:3]),
    ("column_step", base[:, 1::2]),
    ("element", base[2, 3]),
    ("expanded", torch.arange(3, dtype=torch.int64).expand(4, 3)),
    ("shared_a", shared[:4]),
    ("shared_b", shared[4:].view(2, 2)),
    ("permuted", torch.arange(24, dtype=torch.int32).reshape(2, 3, 4).permute(2, 0, 1)),
])
save("views", views, views)

# A real module's state_dict(): an OrderedDict carrying _metadata (pickled with BUILD).
net = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.Flatten(),
                          torch.nn.Linear(3, 2))
net(torch.randn(2, 2, 3, 3))  # training-mode forward: running stats and num_batches_tracked change
module_sd = net.state_dict()
save("module_state_dict", module_sd, module_sd)
save("protocol4", module_sd, module_sd, pickle_protocol=4)

# Training checkpoints: nested state dict with DataParallel prefixes plus non-tensor entries.
dp_sd = collections.OrderedDict(("module." + k, v) for k, v in module_sd.items())
optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
net(torch.randn(2, 2, 3, 3)).sum().backward()
optimizer.step()
save("checkpoint", {"epoch": 3, "state_dict": dp_sd, "best_acc": 0.5, "arch": "tiny",
                    "optimizer": optimizer.state_dict()}, module_sd)
save("model_key", {"model": module_sd, "epoch": 3, "args": {"lr": 0.1, "milestones": [30, 60]}}, module_sd)

# nn.Parameter objects saved directly (pickled via torch._utils._rebuild_parameter).
params = collections.OrderedDict([("weight", torch.nn.Parameter(torch.randn(2, 2))),
                                  ("frozen", torch.nn.Parameter(torch.ones(3), requires_grad=False))])
save("parameter", params, params)

# Pre-1.6 format, which e2kd refuses by name.
save("legacy", collections.OrderedDict([("w", torch.ones(2))]), None, _use_new_zipfile_serialization=False)

# A hand-made pickle that would run os.system("echo pwned") under an unsafe unpickler.
payload = b"\x80\x02cos\nsystem\nq\x00X\x0a\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03."
with zipfile.ZipFile(os.path.join(OUT, "malicious_os_system.pth"), "w", zipfile.ZIP_STORED) as z:
    for name, data in [("data.pkl", payload), ("version", b"3\n")]:
        z.writestr(zipfile.ZipInfo("malicious_os_system/" + name, date_time=(1980, 1, 1, 0, 0, 0)), data)

print("wrote", sorted(os.listdir(OUT)), "to", os.path.abspath(OUT))
