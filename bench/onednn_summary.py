#!/usr/bin/env python3
"""Sums oneDNN's verbose log of one process per primitive kind, over the last of N equal steps.

    ONEDNN_VERBOSE=1 java -jar target/e2kd.jar bench --case kd-r34-r18 --steps 1 --warmup 2 > log.txt
    DNNL_VERBOSE=1 /usr/bin/python3 bench/pytorch_reference.py --case kd-r34-r18 --steps 1 --warmup 2 > ref.txt
    bench/onednn_summary.py log.txt 3        # 3 = warm-up + timed steps in the log; prints the last step's sums
    bench/onednn_summary.py log.txt 3 72     # only the last step's first 72 calls (a KD step's teacher forward:
                                             # ResNet-34's 36 convolutions, each after its weight's reorder)

Reads both formats: oneDNN 3.x (`onednn_verbose,v1,primitive,exec,cpu,KIND,IMPL,PROP,...,ms`, libtorch 2.7.1 of
DJL) and 2.x (`onednn_verbose,exec,cpu,KIND,IMPL,PROP,...,ms`, Debian's PyTorch 1.13).
"""
import collections
import sys


def main():
    path, steps = sys.argv[1], int(sys.argv[2])
    first = int(sys.argv[3]) if len(sys.argv) > 3 else None
    rows = []
    for line in open(path):
        parts = line.strip().split(",")
        if ",exec," not in line:
            continue
        offset = 2 if parts[1] == "v1" else 0
        kind, prop = parts[3 + offset], parts[5 + offset]
        if kind in ("convolution", "reorder", "matmul", "inner_product"):
            rows.append((kind + (" " + prop if kind == "convolution" else ""), float(parts[-1])))
    if len(rows) % steps:
        sys.exit(f"{len(rows)} primitive calls do not split into {steps} equal steps")
    last = rows[-len(rows) // steps:][:first]
    ms, calls = collections.Counter(), collections.Counter()
    for key, t in last:
        ms[key] += t
        calls[key] += 1
    for key in sorted(ms):
        print(f"{key:34s} {calls[key]:5d} calls {ms[key]:9.1f} ms")
    print(f"{'total':34s} {sum(calls.values()):5d} calls {sum(ms.values()):9.1f} ms")


if __name__ == "__main__":
    main()
