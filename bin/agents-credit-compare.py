#!/usr/bin/env python3
"""Summarises the step-level credit comparison of docs/AGENTS.md (spo-chain, spa, ui-s1 semi-online,
grpo, gigpo on GridNav-v0 and Guess-v0): one row per (task, method) over the run folders under
DIR/<task>/<method>/, as written by `trail train --out DIR/<task>/<method>`.
Usage: bin/agents-credit-compare.py DIR"""
import csv, glob, statistics, sys
from collections import defaultdict

root = sys.argv[1] if len(sys.argv) > 1 else 'runs-agents'
rows = defaultdict(list)
for d in sorted(glob.glob(root + '/*/*/*/')):
    parts = d.rstrip('/').split('/')
    env, method = parts[-3], parts[-2]
    if not glob.glob(d + 'metrics.csv'):
        continue
    seed = int(parts[-1].split('__s')[1].split('__')[0])
    evals, acc, sampled, mc = [], [], [], []
    last_wall = last_step = 0
    for r in csv.DictReader(open(d + 'metrics.csv')):
        step = int(float(r['step'])); wall = float(r['wall_time'])
        last_wall = max(last_wall, wall); last_step = max(last_step, step)
        name, v = r['name'], float(r['value'])
        if name == 'eval/pass@1': evals.append((step, v))
        elif name == 'charts/accuracy': acc.append(v)
        elif name == 'charts/tokens_sampled': sampled.append(v)
        elif name == 'charts/mc_tokens_sampled': mc.append(v)
    if len(evals) < 2:
        continue
    rows[(env, method)].append(dict(seed=seed, evals=evals, acc=acc, tokens=last_step, wall=last_wall,
                                    rollout_tokens=sum(sampled), mc_tokens=sum(mc)))

f = lambda xs: '%.3f ± %.3f' % (statistics.mean(xs), statistics.pstdev(xs)) if len(xs) > 1 else '%.3f' % xs[0]
print('| task | method | seeds | held-out start | held-out end | held-out best | train rate first 3 | train rate last 3 '
      '| updates | sampled tokens (of which MC) | wall time | held-out per evaluation |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|')
for (env, method), runs in sorted(rows.items()):
    runs.sort(key=lambda r: r['seed'])
    base = [r['evals'][0][1] for r in runs]; end = [r['evals'][-1][1] for r in runs]
    best = [max(e[1] for e in r['evals']) for r in runs]
    a0 = [statistics.mean(r['acc'][:3]) for r in runs]; a1 = [statistics.mean(r['acc'][-3:]) for r in runs]
    upd = statistics.mean(len(r['acc']) for r in runs)
    tok = statistics.mean(r['tokens'] for r in runs); mct = statistics.mean(r['mc_tokens'] for r in runs)
    wall = statistics.mean(r['wall'] for r in runs)
    curves = ' '.join('s%d:%s' % (r['seed'], '/'.join('%.2f' % e[1] for e in r['evals'])) for r in runs)
    print(f'| {env} | {method} | {len(runs)} | {f(base)} | {f(end)} | {f(best)} | {f(a0)} | {f(a1)} | {upd:.1f} '
          f'| {tok:.0f} ({mct:.0f}) | {wall:.0f} s | {curves} |')
