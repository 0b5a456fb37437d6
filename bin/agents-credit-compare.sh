#!/bin/bash
# The step-level credit comparison of docs/AGENTS.md ("Step-level credit in the trainer"): SFT bases on
# GridNav-v0 and Guess-v0, then GRPO-family runs with grpo, gigpo, spa, spo-chain and ui-s1 on semi-online
# rollouts, seeds 1 2 3, at an equal budget of sampled tokens (Monte-Carlo continuations included), plus
# spo-chain at the updates of the others, and SPO-tree rollouts (spo-tree credit). One run at a time
# (bin/agents-run.sh, nice -n 5), then the table (bin/agents-credit-compare.py).
# Usage: bin/agents-credit-compare.sh [OUT_DIR]      (about 75 minutes of one core under load)
#   SEEDS (default "1 2 3"), METHODS (default below); GRIDNAV_SFT / GUESS_SFT: existing SFT run folders to
#   start from instead of training the bases; TRAIL: the launcher (default ./trail of this checkout).
set -e
cd "$(dirname "$0")/.."
OUT=${1:-runs-agents}
SEEDS=${SEEDS:-1 2 3}
METHODS=${METHODS:-grpo gigpo spa spo-chain spo-chain-upd ui-s1-semi tree-spo}
export TRAIL=${TRAIL:-./trail} TRAIL_JAVA_OPTS=${TRAIL_JAVA_OPTS:--Xmx2g}
sft() { $TRAIL sft --env $1 --seed 1 --out $OUT/sft --set model.width=64 --set model.context_length=$2 \
          --set steps=$3 --set batch_size=32 --set warmup_steps=20 > /dev/null; ls -td $OUT/sft/$1__sft__* | head -1; }
G=${GRIDNAV_SFT:-$(sft GridNav-v0 128 60)}
Q=${GUESS_SFT:-$(sft Guess-v0 64 70)}
for m in $METHODS; do
  for s in $SEEDS; do
    bin/agents-run.sh GridNav-v0 $G $m $s 12000 13 $OUT
    bin/agents-run.sh Guess-v0 $Q $m $s 20000 16 $OUT
  done
done
uptime
python3 bin/agents-credit-compare.py --methods ${METHODS// /,} --curves $OUT
