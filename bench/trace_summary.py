#!/usr/bin/python3
"""Summarise a profiler trace (Chrome JSON) of one step, from `e2kd bench --profile` (libtorch) or
`bench/pytorch_reference.py --profile` (PyTorch): self time per operator (top N), the time inside operators and the
step's span; span minus time inside top-level operators is the time spent outside libtorch (Java/JNI or Python,
allocation, data generation, and the profiler's own bookkeeping).

    /usr/bin/python3 bench/trace_summary.py TRACE.json [N]
"""
import collections
import json
import sys


def main():
    trace = json.load(open(sys.argv[1]))
    top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    events = [e for e in (trace["traceEvents"] if isinstance(trace, dict) else trace)
              if e.get("ph") == "X" and e.get("cat", "cpu_op") in ("cpu_op", "Operator", "operator")
              and not e["name"].startswith("ProfilerStep")]
    events.sort(key=lambda e: (e["ts"], -e["dur"]))
    stack, own, calls = [], collections.Counter(), collections.Counter()
    inside, top_level, end = 0.0, 0, -1.0
    for e in events:
        while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
            stack.pop()
        if stack:
            own[stack[-1]["name"]] -= e["dur"]
        else:
            top_level += 1
        if e["ts"] >= end:
            inside += e["dur"]
            end = e["ts"] + e["dur"]
        own[e["name"]] += e["dur"]
        calls[e["name"]] += 1
        stack.append(e)
    span = max(e["ts"] + e["dur"] for e in events) - min(e["ts"] for e in events)
    print(f"span_ms={span / 1000:.1f} inside_ops_ms={inside / 1000:.1f} outside_ops_ms={(span - inside) / 1000:.1f} "
          f"top_level_ops={top_level}")
    for name, t in own.most_common(top_n):
        print(f"{t / 1000:10.1f} ms {calls[name]:6d}  {name}")


if __name__ == "__main__":
    main()
