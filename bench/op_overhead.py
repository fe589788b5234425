#!/usr/bin/python3
"""The fixed cost of one PyTorch operator called from Python, the counterpart of bench/OpOverhead.java: an add of
two 16x64x4x4 arrays, timed over 20,000 calls, five rounds (the first warms up).

    /usr/bin/python3 bench/op_overhead.py
"""
import time

import torch

CALLS = 20000

torch.set_num_threads(2)
a = torch.randn(16, 64, 4, 4)
b = torch.randn(16, 64, 4, 4)
for _ in range(5):
    start = time.perf_counter()
    for _ in range(CALLS):
        a + b
    print(f"{(time.perf_counter() - start) / CALLS * 1e6:.2f} us/op")
