#!/bin/bash
# How often LATR and ARPO branch on GridNav-v0 and Guess-v0 with a given policy: `trail rollout --tree latr|arpo`
# on 64 problems x 8 responses (LATR at the first update's eta = 1), then the share of responses that are forks
# (a `parent` field) and the mean branch step (tokens of the response before the fork, observations included).
# Usage: bin/agents-branching.sh OUT_DIR GRIDNAV_POLICY GUESS_POLICY     (TRAIL: the launcher, default ./trail)
set -e
cd "$(dirname "$0")/.."
OUT=$1; G=$2; Q=$3
TRAIL=${TRAIL:-./trail}
mkdir -p $OUT
for env in GridNav-v0 Guess-v0; do
  p=$G; [ $env = Guess-v0 ] && p=$Q
  nice -n 5 $TRAIL rollout --env $env --policy $p --tree latr --episodes 64 --group-size 8 --seed 1 --set latr_eta=1 \
    --out $OUT/$env-latr.jsonl > /dev/null
  nice -n 5 $TRAIL rollout --env $env --policy $p --tree arpo --episodes 64 --group-size 8 --seed 1 \
    --out $OUT/$env-arpo.jsonl > /dev/null
done
python3 - $OUT/*.jsonl <<'PY'
import json, sys, statistics
print('| file | responses | forks | share | mean branch step |')
print('|---|---|---|---|---|')
for path in sys.argv[1:]:
    rows = [json.loads(l) for l in open(path) if l.strip()]
    forks = [r for r in rows if r.get('parent') is not None]
    steps = [r['branch_step'] for r in forks if r.get('branch_step') is not None]
    mean = '%.1f' % statistics.mean(steps) if steps else '–'
    print(f'| {path.split("/")[-1]} | {len(rows)} | {len(forks)} | {len(forks) / len(rows):.1%} | {mean} |')
PY
