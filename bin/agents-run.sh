#!/bin/bash
# One run of the multi-turn comparisons of docs/AGENTS.md, from the SFT base INIT, at the common GRPO settings
# (G = 8, B = 8, Adam 2e-4, k3 KL 0.01 in the loss, greedy evaluation on 50 held-out problems every 5 updates).
# Usage: bin/agents-run.sh ENV INIT METHOD SEED BUDGET UPDATES OUT
#   METHOD: grpo | gigpo | salt | spa (estimators on i.i.d. rollouts) | spo-chain (M = 4, equal tokens)
#           | spo-chain-upd (M = 4, UPDATES updates) | ui-s1-semi (semi-online rollouts) | tree-spo (spo-tree credit)
#           | tree-latr | tree-arpo (grpo credit on LATR / ARPO trees, spec defaults)
#   BUDGET: sampled policy tokens (max_sampled_tokens). The run folder goes under OUT/ENV/METHOD/; a line
#   "end ENV METHOD SEED seconds mean-1-min-load run-folder" is appended to OUT/progress.tsv (the load is
#   /proc/loadavg's 1-minute value sampled every 10 s during the run).
#   TRAIL (default ./trail of this checkout) is the launcher to use, e.g. a frozen build's.
set -e
cd "$(dirname "$0")/.."
ENV=$1 INIT=$2 M=$3 SEED=$4 BUDGET=$5 UPD=$6 OUT=$7
TRAIL=${TRAIL:-./trail}
export TRAIL_JAVA_OPTS=${TRAIL_JAVA_OPTS:--Xmx2g}
case $M in
  spo-chain) X="--set estimator=spo-chain --set step_credit.mc_samples=4 --set max_sampled_tokens=$BUDGET --set iterations=1000";;
  spo-chain-upd) X="--set estimator=spo-chain --set step_credit.mc_samples=4 --set iterations=$UPD";;
  ui-s1-semi) X="--set estimator=ui-s1 --set rollout=semi-online --set max_sampled_tokens=$BUDGET --set iterations=1000";;
  tree-spo) X="--set estimator=spo-tree --set rollout=tree-spo --set max_sampled_tokens=$BUDGET --set iterations=1000";;
  tree-latr|tree-arpo) X="--set rollout=$M --set max_sampled_tokens=$BUDGET --set iterations=1000";;
  *) X="--set estimator=$M --set max_sampled_tokens=$BUDGET --set iterations=1000";;
esac
mkdir -p "$OUT/$ENV/$M"
loads=$(mktemp)
( while sleep 10; do cut -d' ' -f1 /proc/loadavg; done ) > "$loads" &
sampler=$!
start=$(date +%s)
nice -n 5 $TRAIL train --env $ENV --algo grpo --init $INIT --seed $SEED --out "$OUT/$ENV/$M" \
  --set group_size=8 --set prompts_per_batch=8 --set learning_rate=2e-4 $X \
  --set eval_every=5 --set eval_problems=50 --set eval_k=0 --checkpoint-every 1000 > "$OUT/log-$ENV-$M-$SEED.txt" 2>&1 \
  || echo "FAILED: see $OUT/log-$ENV-$M-$SEED.txt" >&2
end=$(date +%s)
kill $sampler 2>/dev/null || true
load=$(awk '{s+=$1; n++} END {if (n) printf "%.1f", s/n; else print "-"}' "$loads")
rm -f "$loads"
run=$(ls -td "$OUT/$ENV/$M"/*__s${SEED}__* 2>/dev/null | head -1)
printf 'end\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%H:%M:%S)" $ENV $M $SEED $((end - start)) $load "$run" >> "$OUT/progress.tsv"
