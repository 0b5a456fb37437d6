#!/usr/bin/env python3
"""Summarises the multi-turn comparisons of docs/AGENTS.md (GridNav-v0, Guess-v0): one row per (task, method)
over every run folder (a folder with metrics.csv and config.yaml) found under the DIRs, as written by
bin/agents-run.sh or `trail train --out ...`. The method is read from the run's config: the estimator, or
tree-spo / tree-latr / tree-arpo / ui-s1-semi for the rollout, spo-chain-upd for spo-chain without a token budget.
Folders under a 'smoke' folder are skipped. A (task, method, seed) found under several DIRs is taken from the last DIR; a differing held-out curve is reported.
The load is the mean 1-minute load average during the run (OUT/progress.tsv of bin/agents-run.sh) or, for older
folders, the 5-minute load average when the run ended (progress.txt), when it was recorded.
Usage: bin/agents-credit-compare.py [--methods a,b,...] [--curves] DIR [DIR ...]"""
import csv, glob, os, re, statistics, sys
from collections import defaultdict

args = sys.argv[1:]
methods = None
curves_out = False
dirs = []
while args:
    a = args.pop(0)
    if a == '--methods': methods = args.pop(0).split(',')
    elif a == '--curves': curves_out = True
    else: dirs.append(a)
dirs = dirs or ['runs-agents']

def config(path):
    text = open(path).read()
    g = lambda key, default='': (re.search(r'^\s*' + key + r':\s*"?([^"\n]*)"?\s*$', text, re.M) or [None, default])[1]
    return dict(env=g('env'), seed=int(g('seed', '0')), estimator=g('estimator'), rollout=g('rollout', 'iid'),
                budget=float(g('max_sampled_tokens', '0')))

def method_of(c):
    if c['rollout'] == 'semi-online': return c['estimator'] + '-semi'
    if c['rollout'].startswith('tree-'): return c['rollout']
    if c['estimator'] == 'spo-chain' and c['budget'] == 0: return 'spo-chain-upd'
    return c['estimator']

def loads(root):
    out = {}
    p = os.path.join(root, 'progress.tsv')
    if os.path.exists(p):
        for line in open(p):
            f = line.rstrip('\n').split('\t')
            if f[0] == 'end' and len(f) >= 8: out[os.path.normpath(f[7])] = f[6]
    p = os.path.join(root, 'progress.txt')
    if os.path.exists(p):
        for line in open(p):
            m = re.match(r'\S+ done (\S+) (\S+) (\d+) ([\d.]+), ([\d.]+), ([\d.]+)', line)
            if m: out[(m[1], m[2], int(m[3]))] = m[5]
    return out

runs = {}
for root in dirs:
    ld = loads(root)
    for mfile in sorted(glob.glob(root + '/**/metrics.csv', recursive=True)):
        d = os.path.dirname(mfile)
        if not os.path.exists(d + '/config.yaml') or '/smoke' in d: continue
        c = config(d + '/config.yaml')
        if not c['env'] or '__grpo__' not in d: continue
        method = method_of(c)
        if methods and method not in methods: continue
        evals, acc, sampled, computed, traj, mc, sample_s = [], [], [], [], [], [], []
        last_wall = last_step = 0
        for r in csv.DictReader(open(mfile)):
            step = int(float(r['step'])); wall = float(r['wall_time'])
            last_wall = max(last_wall, wall); last_step = max(last_step, step)
            name, v = r['name'], float(r['value'])
            if name == 'eval/pass@1': evals.append((step, wall, v))
            elif name == 'charts/accuracy': acc.append(v)
            elif name == 'charts/tokens_sampled': sampled.append(v)
            elif name == 'charts/tokens_computed': computed.append(v)
            elif name == 'charts/trajectories': traj.append(v)
            elif name == 'charts/mc_tokens_sampled': mc.append(v)
            elif name == 'time/sample_seconds': sample_s.append(v)
        if len(evals) < 2: continue
        load = ld.get(os.path.normpath(d), ld.get((c['env'], method, c['seed']), '-'))
        key = (c['env'], method, c['seed'])
        run = dict(seed=c['seed'], evals=evals, acc=acc, tokens=last_step, wall=last_wall, mc_tokens=sum(mc),
                   per_traj_sampled=sum(sampled) / sum(traj) if traj else None,
                   per_traj_computed=sum(computed) / sum(traj) if traj and computed else None,
                   sample_ms=1000 * sum(sample_s) / sum(traj) if traj and sample_s else None, load=load, dir=d)
        if key in runs and [e[2] for e in runs[key]['evals']] != [e[2] for e in evals]:
            print(f'note: {key} differs between {runs[key]["dir"]} and {d}', file=sys.stderr)
        runs[key] = run

rows = defaultdict(list)
for (env, method, seed), r in sorted(runs.items()):
    rows[(env, method)].append(r)

f = lambda xs: '%.3f ± %.3f' % (statistics.mean(xs), statistics.pstdev(xs)) if len(xs) > 1 else '%.3f' % xs[0]
fm = lambda xs: '%.1f ± %.1f' % (statistics.mean(xs), statistics.pstdev(xs)) if len(xs) > 1 else '%.1f' % xs[0]
opt = lambda xs, fmt: fmt % statistics.mean(xs) if xs and None not in xs else '–'
print('| task | method | seeds | held-out start | held-out end | held-out best | train rate first 3 | train rate last 3 '
      '| updates | sampled tokens (of which MC) | sampled / trajectory | computed / trajectory | sampling ms / trajectory | minutes per run | load | held-out per evaluation |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
for (env, method), rs in sorted(rows.items()):
    base = [r['evals'][0][2] for r in rs]; end = [r['evals'][-1][2] for r in rs]
    best = [max(e[2] for e in r['evals']) for r in rs]
    a0 = [statistics.mean(r['acc'][:3]) for r in rs]; a1 = [statistics.mean(r['acc'][-3:]) for r in rs]
    upd = statistics.mean(len(r['acc']) for r in rs)
    tok = statistics.mean(r['tokens'] for r in rs); mct = statistics.mean(r['mc_tokens'] for r in rs)
    mins = [r['wall'] / 60 for r in rs]
    load = '/'.join(r['load'] for r in rs)
    curves = ' '.join('s%d:%s' % (r['seed'], '/'.join('%.2f' % e[2] for e in r['evals'])) for r in rs)
    print(f'| {env} | {method} | {len(rs)} | {f(base)} | {f(end)} | {f(best)} | {f(a0)} | {f(a1)} | {upd:.1f} '
          f'| {tok:.0f} ({mct:.0f}) | {opt([r["per_traj_sampled"] for r in rs], "%.1f")} '
          f'| {opt([r["per_traj_computed"] for r in rs], "%.1f")} | {opt([r["sample_ms"] for r in rs], "%.0f")} '
          f'| {fm(mins)} | {load} | {curves} |')

if curves_out:
    print()
    print('Held-out success against sampled tokens and wall time (mean over seeds at each evaluation: '
          'success @ thousand tokens / minutes since the run started):')
    print()
    for (env, method), rs in sorted(rows.items()):
        n = min(len(r['evals']) for r in rs)
        pts = []
        for i in range(n):
            v = statistics.mean(r['evals'][i][2] for r in rs)
            t = statistics.mean(r['evals'][i][0] for r in rs) / 1000
            w = statistics.mean(r['evals'][i][1] for r in rs) / 60
            pts.append('%.3f @ %.1fk / %.1f min' % (v, t, w))
        print(f'- {env} {method} ({len(rs)} seeds): ' + ' → '.join(pts))
