#!/bin/bash
# The step-level credit comparison of docs/AGENTS.md ("Step-level credit in the trainer"): SFT bases on
# GridNav-v0 and Guess-v0, then GRPO-family runs with grpo, gigpo, spo-chain, spa and ui-s1 on semi-online
# rollouts, seeds 1 and 2, at an equal budget of sampled tokens (Monte-Carlo continuations included),
# plus spo-chain at the updates of the others, and SPO-tree rollouts (spo-tree credit). Prints the table (bin/agents-credit-compare.py).
# Usage: bin/agents-credit-compare.sh [OUT_DIR]   (about 50 minutes on 2 shared cores)
set -e
cd "$(dirname "$0")/.."
OUT=${1:-runs-agents}
export TRAIL_JAVA_OPTS=${TRAIL_JAVA_OPTS:--Xmx2g}
sft() { ./trail sft --env $1 --seed 1 --out $OUT/sft --set model.width=64 --set model.context_length=$2 \
          --set steps=$3 --set batch_size=32 --set warmup_steps=20 > /dev/null; ls -td $OUT/sft/$1__sft__* | head -1; }
G=$(sft GridNav-v0 128 60)
Q=$(sft Guess-v0 64 70)
run() { # ENV INIT METHOD SEED BUDGET UPDATES
  case $3 in
    spo-chain) X="--set estimator=spo-chain --set step_credit.mc_samples=4 --set max_sampled_tokens=$5 --set iterations=1000";;
    spo-chain-upd) X="--set estimator=spo-chain --set step_credit.mc_samples=4 --set iterations=$6";;
    ui-s1-semi) X="--set estimator=ui-s1 --set rollout=semi-online --set max_sampled_tokens=$5 --set iterations=1000";;
    tree-spo) X="--set estimator=spo-tree --set rollout=tree-spo --set max_sampled_tokens=$5 --set iterations=1000";;
    *) X="--set estimator=$3 --set max_sampled_tokens=$5 --set iterations=1000";;
  esac
  nice -n 5 ./trail train --env $1 --algo grpo --init $2 --seed $4 --out $OUT/$1/$3 \
    --set group_size=8 --set prompts_per_batch=8 --set learning_rate=2e-4 $X \
    --set eval_every=5 --set eval_problems=50 --set eval_k=0 --checkpoint-every 1000 > /dev/null
}
for m in grpo gigpo spa spo-chain ui-s1-semi spo-chain-upd tree-spo; do
  for s in 1 2; do
    run GridNav-v0 $G $m $s 12000 13 &
    run Guess-v0 $Q $m $s 20000 16
    wait
  done
done
uptime
python3 bin/agents-credit-compare.py $OUT
