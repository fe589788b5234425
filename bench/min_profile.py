#!/usr/bin/python3
"""Per-operator minimum over several profiles of the same e2kd step, which on a shared machine removes most of the
time other work took from single operators (a preempted thread stalls the whole parallel region).

    for i in 1 2 3 4; do ./e2kd bench --case C --steps 3 --warmup 2 --threads 2 --profile /tmp/p$i.json; done
    /usr/bin/python3 bench/min_profile.py [--top N] [--from 'NAME SHAPE-PREFIX'] /tmp/p1.json /tmp/p2.json ...

The top-level libtorch operators of each trace are matched by position (an e2kd step runs the same operators in the
same order every time; the script stops if they differ). Prints the sum of the minima, the sum from the first
operator whose "name shape" starts with the --from prefix to the end of the step (e.g. 'aten::sum [[512, 512, 3, 3]'
for the optimizer's part: the finite-gradient check comes first), and the N operator/shape pairs with the largest
summed minima.
"""
import argparse
import collections
import json
import sys


def top_level_operators(path):
    trace = json.load(open(path))
    events = [e for e in (trace["traceEvents"] if isinstance(trace, dict) else trace)
              if e.get("ph") == "X" and e.get("cat", "cpu_op") in ("cpu_op", "Operator", "operator")
              and not e["name"].startswith("ProfilerStep")]
    events.sort(key=lambda e: (e["ts"], -e["dur"]))
    stack, out = [], []
    for e in events:
        while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
            stack.pop()
        if e["name"].startswith("aten::") and not any(s["name"].startswith("aten::") for s in stack):
            out.append((f"{e['name']} {e.get('shape')}", e["dur"]))
        stack.append(e)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("traces", nargs="+")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--from", dest="start", help="'NAME SHAPE-PREFIX' of the first operator of a final segment")
    args = parser.parse_args()
    runs = [top_level_operators(p) for p in args.traces]
    keys = [k for k, _ in runs[0]]
    for path, run in zip(args.traces, runs):
        if [k for k, _ in run] != keys:
            sys.exit(f"{path}: its operators differ from {args.traces[0]}'s; profile the same build and case")
    minima = [(k, min(run[i][1] for run in runs)) for i, k in enumerate(keys)]
    print(f"profiles={len(runs)} operators={len(keys)} sum_of_minima_ms={sum(d for _, d in minima) / 1000:.1f}")
    if args.start:
        first = next((i for i, k in enumerate(keys) if k.startswith(args.start)), None)
        if first is None:
            sys.exit(f"no operator starts with {args.start!r}")
        print(f"from_{first}_ms={sum(d for _, d in minima[first:]) / 1000:.1f}")
    by_key = collections.Counter()
    calls = collections.Counter()
    for k, d in minima:
        by_key[k] += d
        calls[k] += 1
    for k, d in by_key.most_common(args.top):
        print(f"{d / 1000:9.1f} ms {calls[k]:5d}  {k}")


if __name__ == "__main__":
    main()
