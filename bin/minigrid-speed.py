#!/usr/bin/env python3
"""Steps per second of Python MiniGrid, the same loop as Trail's GridStepBenchmark main.

    python3 bin/minigrid-speed.py [ENV_ID ...] [--steps N] [--rounds R]

gym.make(id) as users make it (Gymnasium's default wrappers included), random actions drawn in
advance from NumPy's default_rng(1), reset(seed=0) then plain reset() when an episode ends.
Prints the median over rounds of steps per CPU-second (process time) and per wall second.
"""
import argparse
import time

import gymnasium as gym
import minigrid  # noqa: F401  (registers the MiniGrid ids)
import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ids", nargs="*", default=["MiniGrid-DoorKey-8x8-v0", "MiniGrid-Empty-8x8-v0"])
    parser.add_argument("--steps", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for env_id in args.ids:
        env = gym.make(env_id)
        actions = np.random.default_rng(1).integers(0, 7, args.steps).tolist()
        env.reset(seed=0)
        cpu, wall = [], []
        for _ in range(args.rounds):
            t0, w0 = time.process_time(), time.perf_counter()
            for a in actions:
                _, _, terminated, truncated, _ = env.step(a)
                if terminated or truncated:
                    env.reset()
            cpu.append(args.steps / (time.process_time() - t0))
            wall.append(args.steps / (time.perf_counter() - w0))
        cpu.sort()
        wall.sort()
        print(f"{env_id}, {args.rounds} rounds of {args.steps} steps: {cpu[len(cpu) // 2] / 1e3:.1f} k steps per "
              f"CPU-second (median; min {cpu[0] / 1e3:.1f}, max {cpu[-1] / 1e3:.1f}), wall "
              f"{wall[len(wall) // 2] / 1e3:.1f} k steps/s (median)  [minigrid {minigrid.__version__}, "
              f"gymnasium {gym.__version__}]")


if __name__ == "__main__":
    main()
