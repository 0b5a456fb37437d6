#!/usr/bin/env python3
"""The results table of bin/grid-offline-compare (and bin/grid-dqn-compare): one row per task and method.

Usage: grid-offline-table.py OUT [THRESHOLD]

Reads OUT/runs/<task>/<method>-s<seed>/<run>/metrics.csv and OUT/runs/<task>/<method>-s<seed>.eval.txt
(and .evaldet.txt, the same with --deterministic, when there is one).
  eval success      episodes with a positive return among the 30 of `trail rollout --policy RUN --episodes 30 --seed 777`
  train success     share of the last 100 training episodes (fewer if the run had fewer) with a positive return
  not finished      the run has no finished summary (still running, or stopped for another reason)
  stopped (NaN)     the run stopped on a NaN gradient and was not (or not successfully) resumed
  †                 the run stopped on a NaN gradient and was resumed from its last checkpoint to the end
  steps to thr      first environment step at which the mean return of the last 20 training episodes
                    (20 needed) reaches THRESHOLD (default 0.5)
"""
import csv
import glob
import os
import re
import sys

ROW = re.compile(r"^\s*\d+\s+-?\d+\s+(-?[0-9.]+(?:E-?\d+)?)\s+\d+\s+(terminated|truncated)\s*$")


def episodes(metrics):
    out = []
    with open(metrics) as f:
        for r in csv.DictReader(f):
            if r["name"] == "charts/episodic_return":
                out.append((int(r["step"]), float(r["value"])))
    return out


def eval_success(path):
    if not os.path.exists(path):
        return None
    n = ok = 0
    with open(path) as f:
        for line in f:
            m = ROW.match(line)
            if m:
                n += 1
                ok += float(m.group(1)) > 0
    return (ok, n) if n else None


def steps_to(eps, thr, window=20):
    for i in range(window - 1, len(eps)):
        if sum(v for _, v in eps[i - window + 1:i + 1]) / window >= thr:
            return eps[i][0]
    return None


def main():
    out = sys.argv[1]
    thr = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
    rows = {}
    for d in sorted(glob.glob(os.path.join(out, "runs", "*", "*-s*"))):
        if not os.path.isdir(d):
            continue
        task = os.path.basename(os.path.dirname(d))
        method, seed = os.path.basename(d).rsplit("-s", 1)
        metrics = glob.glob(os.path.join(d, "*", "metrics.csv"))
        if not metrics:
            continue
        summary = os.path.join(os.path.dirname(metrics[0]), "summary.json")
        done = os.path.exists(summary) and '"status" : "finished"' in open(summary).read()
        log = d + ".train.log"
        diverged = os.path.exists(log) and "diverged" in open(log).read()
        if not done:  # stopped (a NaN gradient, or still running): no numbers
            rows.setdefault((task, method), []).append(
                (int(seed), None, None, None, 0, None, "stopped" if diverged else "unfinished"))
            continue
        eps = episodes(metrics[0])
        last = eps[-100:]
        train = sum(v > 0 for _, v in last) / len(last) if last else None
        rows.setdefault((task, method), []).append(
            (int(seed), eval_success(d + ".eval.txt"), train, steps_to(eps, thr), len(eps),
             eval_success(d + ".evaldet.txt"), "resumed" if diverged else ""))
    order = ["ppo", "dqn"] + [f"{m}{k}" for k in (2, 10, 100) for m in ("bcpre", "bcconc")]
    key = lambda tm: (tm[0], order.index(tm[1]) if tm[1] in order else 99, tm[1])
    greedy = any(r[5] for rs in rows.values() for r in rs)
    print(f"| task | method | seeds | eval success, 30 episodes (PPO sampled, DQN greedy), per seed | mean | "
          + ("eval success, --deterministic, per seed | " if greedy else "")
          + f"train success (last 100 episodes), per seed | steps to rolling-20 return >= {thr:.2f}, per seed |")
    print("|---|---|---|---|---|---|---|" + ("---|" if greedy else ""))
    for (task, method) in sorted(rows, key=key):
        rs = sorted(rows[(task, method)], key=lambda r: r[0])
        mark = lambda r, text: ("stopped (NaN)" if r[6] == "stopped" else "not finished" if r[6] == "unfinished"
                                else text + ("†" if r[6] == "resumed" else ""))
        ev = [r[1] for r in rs]
        evs = " / ".join(mark(r, f"{r[1][0]}/{r[1][1]}" if r[1] else "-") for r in rs)
        got = [e for e in ev if e]
        mean = f"{100 * sum(e[0] for e in got) / sum(e[1] for e in got):.0f} %" if got else "-"
        tr = " / ".join(mark(r, f"{r[2]:.2f}" if r[2] is not None else "-") for r in rs)
        st = " / ".join(mark(r, str(r[3]) if r[3] is not None else "not reached") for r in rs)
        short = task.replace("MiniGrid-", "").replace("-v0", "")
        det = (" / ".join(mark(r, f"{r[5][0]}/{r[5][1]}" if r[5] else "-") for r in rs) + " | ") if greedy else ""
        print(f"| {short} | {method} | {len(rs)} | {evs} | {mean} | {det}{tr} | {st} |")


if __name__ == "__main__":
    main()
