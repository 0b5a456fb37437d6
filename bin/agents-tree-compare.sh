#!/bin/bash
# Tree against i.i.d. rollouts on the multi-turn tasks (docs/AGENTS.md, "Tree rollouts on the multi-turn
# tasks"): from the SFT bases of GridNav-v0 and Guess-v0, GRPO with i.i.d. rollouts (grpo credit), SPO-tree
# rollouts (spo-tree credit), LATR and ARPO trees (grpo credit), seeds 1 2 3, at an equal sampled-token budget
# (12,000 GridNav, 20,000 Guess), one run at a time (bin/agents-run.sh). Then how often LATR and ARPO branch on
# these tasks with the base policy (`trail rollout --tree`, 64 problems x 8: lines with a parent), and the table
# with success against sampled tokens and wall time (bin/agents-credit-compare.py --curves).
# Usage: bin/agents-tree-compare.sh [OUT_DIR]        (about 45 minutes of one core under load)
#   SEEDS, METHODS, GRIDNAV_SFT, GUESS_SFT, TRAIL as in bin/agents-credit-compare.sh.
set -e
cd "$(dirname "$0")/.."
OUT=${1:-runs-agents-trees}
SEEDS=${SEEDS:-1 2 3}
METHODS=${METHODS:-grpo tree-spo tree-latr tree-arpo}
export TRAIL=${TRAIL:-./trail} TRAIL_JAVA_OPTS=${TRAIL_JAVA_OPTS:--Xmx2g}
sft() { $TRAIL sft --env $1 --seed 1 --out $OUT/sft --set model.width=64 --set model.context_length=$2 \
          --set steps=$3 --set batch_size=32 --set warmup_steps=20 > /dev/null; ls -td $OUT/sft/$1__sft__* | head -1; }
G=${GRIDNAV_SFT:-$(sft GridNav-v0 128 60)}
Q=${GUESS_SFT:-$(sft Guess-v0 64 70)}
for s in $SEEDS; do
  for m in $METHODS; do
    bin/agents-run.sh GridNav-v0 $G $m $s 12000 13 $OUT
    bin/agents-run.sh Guess-v0 $Q $m $s 20000 16 $OUT
  done
done
bin/agents-branching.sh $OUT/branching "$G" "$Q"
uptime
python3 bin/agents-credit-compare.py --methods ${METHODS// /,} --curves $OUT
