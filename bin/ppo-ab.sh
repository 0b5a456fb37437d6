#!/usr/bin/env bash
# Side-by-side PPO CartPole-v1 benchmark of two Trail checkouts (docs/BENCHMARKS.md, "One trajectory path"):
#   bin/ppo-ab.sh OLD_CHECKOUT NEW_CHECKOUT OUT_DIR [SEEDS...]
# Runs `./trail train --env CartPole-v1 --algo ppo --seed S` in each checkout, alternating per seed,
# and prints per run the steps and seconds to a rolling-100 training mean >= 475 and the final steps/s.
set -euo pipefail
old=$1 new=$2 out=$3; shift 3
seeds=${*:-1 2 3}
solve() {
  python3 - "$1" <<'PY'
import csv, json, os, sys
run = sys.argv[1]; rets = []; sps = None; solved = None
with open(os.path.join(run, "metrics.csv")) as f:
    r = csv.reader(f); next(r)
    for step, wall, name, value in r:
        if name == "charts/episodic_return":
            rets.append(float(value))
            if solved is None and len(rets) >= 100 and sum(rets[-100:]) / 100 >= 475:
                solved = (int(step), round(float(wall), 2))
        elif name == "time/steps_per_second":
            sps = round(float(value))
print(json.dumps({"run": os.path.basename(run), "solved_step": solved and solved[0],
                  "solved_wall_s": solved and solved[1], "final_steps_per_s": sps}))
PY
}
for s in $seeds; do
  for side in old new; do
    dir=$old; [ "$side" = new ] && dir=$new
    (cd "$dir" && ./trail train --env CartPole-v1 --algo ppo --seed "$s" --out "$out/$side" > "$out/log-$side-$s.txt" 2>&1)
    run=$(ls -td "$out/$side"/*__s${s}__* | head -1)
    echo "$side seed $s $(solve "$run")"
  done
done
