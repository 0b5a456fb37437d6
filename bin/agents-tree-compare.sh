#!/bin/bash
# Tree against i.i.d. rollouts on the multi-turn tasks (docs/AGENTS.md, "Tree rollouts on the multi-turn
# tasks"): from the SFT bases of GridNav-v0 and Guess-v0, GRPO with i.i.d. rollouts (grpo credit), SPO-tree
# rollouts (spo-tree credit), LATR and ARPO trees (grpo credit), seeds 1 2 3, at an equal sampled-token budget
# (12,000 GridNav, 20,000 Guess), one run at a time (bin/agents-run.sh). Then how often LATR and ARPO branch on
# these tasks with the base policy (`trail rollout --tree`, 64 problems x 8: lines with a parent), and the table
# with success against sampled tokens and wall time (bin/agents-credit-compare.py --curves): the runs and
# the table through bin/agents-credit-compare.sh with these METHODS.
# Usage: bin/agents-tree-compare.sh [OUT_DIR]        (about 45 minutes of one core under load)
#   SEEDS, METHODS, GRIDNAV_SFT, GUESS_SFT, TRAIL as in bin/agents-credit-compare.sh.
set -e
cd "$(dirname "$0")/.."
OUT=${1:-runs-agents-trees}
export METHODS=${METHODS:-grpo tree-spo tree-latr tree-arpo}
bin/agents-credit-compare.sh "$OUT"      # the SFT bases (unless given), the runs and the table
G=${GRIDNAV_SFT:-$(ls -td $OUT/sft/GridNav-v0__sft__* | head -1)}
Q=${GUESS_SFT:-$(ls -td $OUT/sft/Guess-v0__sft__* | head -1)}
bin/agents-branching.sh $OUT/branching "$G" "$Q"
