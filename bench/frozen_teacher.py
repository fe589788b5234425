#!/usr/bin/python3
"""How fast PyTorch runs a frozen teacher's forward when it is prepared for inference, the ceiling for e2kd's teacher
part of a KD step (docs/PERFORMANCE.md, item 26): torchvision's ResNet-34 in eval mode, batch 8 at 224 px, two
threads, no gradient; median milliseconds of 8 timed calls after 3 untimed ones, for
  eager          channels-last, as torch.nn runs it;
  frozen         torch.jit.freeze (batch norms folded into the convolutions), channels-last;
  inference      torch.jit.optimize_for_inference on the frozen module (oneDNN weights prepacked once, ReLU fused).

    /usr/bin/python3 bench/frozen_teacher.py
"""
import time

import torch
import torchvision

torch.set_num_threads(2)


def median_ms(forward, x, calls=8):
    for _ in range(3):
        forward(x)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        forward(x)
        times.append(time.perf_counter() - start)
    return sorted(times)[calls // 2] * 1000


def main():
    model = torchvision.models.resnet34().eval()
    x = torch.randn(8, 3, 224, 224)
    with torch.no_grad():
        channels_last = model.to(memory_format=torch.channels_last)
        x_last = x.to(memory_format=torch.channels_last)
        frozen = torch.jit.freeze(torch.jit.script(channels_last))
        inference = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model.eval())))
        print(f"eager {median_ms(channels_last, x_last):.1f} ms")
        print(f"frozen {median_ms(frozen, x_last):.1f} ms")
        print(f"inference {median_ms(inference, x):.1f} ms")


if __name__ == "__main__":
    main()
