"""Times CORL's td3_bc.py / iql.py update (one thread, CPU) on random Pendulum-sized data.

Run by bin/offline-vs-corl. CORL's file is read from $CORL_DIR at run time (a checkout of
tinkoff-ai/CORL's algorithms/offline, e.g. at commit 6afec90); nothing of it is in this repository.
Its d4rl/gym/pyrallis/wandb imports are stubbed (only the trainer classes and ReplayBuffer are used).

usage: CORL_DIR=... OMP_NUM_THREADS=1 python corl-update-bench.py td3bc|iql UPDATES REPEATS
prints: "<algo> CORL updates/s: median M runs [...]"
"""
import os
import statistics
import sys
import time
import types

import numpy as np
import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)


class _Any(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name == "wrap":
            return lambda *a, **k: (lambda f: f)
        return type(name, (), {})


for m in ("d4rl", "gym", "pyrallis", "wandb"):
    sys.modules[m] = _Any(m)

corl = os.environ["CORL_DIR"]
algo, updates, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ns = {"__name__": "corl_" + algo}
path = os.path.join(corl, "td3_bc.py" if algo == "td3bc" else "iql.py")
exec(compile(open(path).read(), path, "exec"), ns)

S, A, MAX, N = 3, 1, 2.0, 100_000  # Pendulum-sized: observation 3, action 1 in [-2, 2]
rng = np.random.default_rng(0)
data = {"observations": rng.standard_normal((N, S)).astype(np.float32),
        "actions": rng.uniform(-1, 1, (N, A)).astype(np.float32),
        "rewards": rng.standard_normal(N).astype(np.float32),
        "next_observations": rng.standard_normal((N, S)).astype(np.float32),
        "terminals": (rng.uniform(size=N) < 0.01).astype(np.float32)}
buf = ns["ReplayBuffer"](S, A, N, "cpu")
buf.load_d4rl_dataset(data)
torch.manual_seed(0)
if algo == "td3bc":  # CORL's defaults: 256x256 networks, lr 3e-4
    actor = ns["Actor"](S, A, MAX)
    c1, c2 = ns["Critic"](S, A), ns["Critic"](S, A)
    trainer = ns["TD3_BC"](max_action=MAX, actor=actor, actor_optimizer=torch.optim.Adam(actor.parameters(), lr=3e-4),
                           critic_1=c1, critic_1_optimizer=torch.optim.Adam(c1.parameters(), lr=3e-4),
                           critic_2=c2, critic_2_optimizer=torch.optim.Adam(c2.parameters(), lr=3e-4),
                           discount=0.99, tau=0.005, policy_noise=0.2 * MAX, noise_clip=0.5 * MAX, policy_freq=2,
                           alpha=2.5, device="cpu")
else:
    q, v, actor = ns["TwinQ"](S, A), ns["ValueFunction"](S), ns["GaussianPolicy"](S, A, MAX)
    trainer = ns["ImplicitQLearning"](max_action=MAX, actor=actor,
                                      actor_optimizer=torch.optim.Adam(actor.parameters(), lr=3e-4),
                                      q_network=q, q_optimizer=torch.optim.Adam(q.parameters(), lr=3e-4),
                                      v_network=v, v_optimizer=torch.optim.Adam(v.parameters(), lr=3e-4),
                                      iql_tau=0.7, beta=3.0, max_steps=10 ** 7, discount=0.99, tau=0.005, device="cpu")
for _ in range(200):  # warm-up
    trainer.train(buf.sample(256))
rates = []
for _ in range(repeats):
    t = time.perf_counter()
    for _ in range(updates):
        trainer.train(buf.sample(256))
    rates.append(updates / (time.perf_counter() - t))
print(f"{algo} CORL updates/s: median {statistics.median(rates):.1f} runs {[round(x, 1) for x in rates]}")
