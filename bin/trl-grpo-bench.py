#!/usr/bin/env python3
"""TRL's GRPOTrainer on the model and batch of `trail bench grpo` (docs/BENCHMARKS.md).

The same work as Trail's bench, as far as TRL allows:
  * model: GPT-2 layout (pre-LN, learned positions, GELU MLP x4, biases, untied head without bias),
    4 layers, width 128, 4 heads, context 64, Trail's 53-token character vocabulary: 815,104 parameters,
    the count of Trail's transformer; no dropout;
  * prompts: Arithmetic-v0's default mix (3-digit addition and 2-digit multiplication, equally often),
    "BOS 123+456=" as Trail feeds them; reward 1 for the exact canonical answer, else 0;
  * GRPO: B prompts x G completions per update (per_device_train_batch_size = B*G, one generation batch
    per optimizer step), <= 8 new tokens, temperature 1, top_p 1, no top-k, one gradient step per update
    (num_iterations = 1, gradient_accumulation_steps = 1), beta = 0 (no KL, no reference model),
    clip 0.2, token-mean loss ("dapo": Trail's token-mean), group-std-scaled advantages, Adam 5e-5
    (betas 0.9/0.999, eps 1e-8, no weight decay, constant), clip grad norm 1.0, CPU, fp32, no vLLM;
  * torch.set_num_threads(1) (and OMP_NUM_THREADS=1, MKL_NUM_THREADS=1 set before torch loads).

Timing: wall time between consecutive optimizer-step ends (generation, reward, log-probs, loss,
backward and Adam all lie inside a step); the first --warmup steps are not measured. Also the CPU
time of the main thread per step (torch runs its one intra-op thread there), which a loaded machine
disturbs less than wall time. The time inside
model.generate is reported as the sampling phase. Prints one line `RESULT {json}`.
"""
import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")

import torch  # noqa: E402

torch.set_num_threads(1)

from datasets import Dataset  # noqa: E402
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors  # noqa: E402
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast, TrainerCallback  # noqa: E402
from trl import GRPOConfig, GRPOTrainer  # noqa: E402

# Trail's dev.trail.token.Vocabulary: PAD 0, BOS 1, EOS 2, then these 50 characters
CHARS = "0123456789" + " +-*/=()<>:,.?" + "abcdefghijklmnopqrstuvwxyz"


def tokenizer():
    vocab = {"[PAD]": 0, "[BOS]": 1, "[EOS]": 2}
    for i, c in enumerate(CHARS):
        vocab[c] = 3 + i
    t = Tokenizer(models.WordLevel(vocab, unk_token="[PAD]"))
    t.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    t.post_processor = processors.TemplateProcessing(single="[BOS] $A", special_tokens=[("[BOS]", 1)])
    t.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(tokenizer_object=t, bos_token="[BOS]", eos_token="[EOS]", pad_token="[PAD]",
                                   unk_token="[PAD]", padding_side="left")


def problems(n, rng):
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            a, b = rng.randint(100, 999), rng.randint(100, 999)
            out.append(f"{min(a, b)}+{max(a, b)}=")
        else:
            a, b = rng.randint(10, 99), rng.randint(10, 99)
            out.append(f"{min(a, b)}*{max(a, b)}=")
    return out


def answer(prompt):
    expr = prompt[:-1]
    if "+" in expr:
        a, b = expr.split("+")
        return str(int(a) + int(b))
    a, b = expr.split("*")
    return str(int(a) * int(b))


def exact_answer(prompts, completions, **kwargs):
    return [1.0 if c == answer(p) else 0.0 for p, c in zip(prompts, completions)]


class StepTimer(TrainerCallback):
    def __init__(self):
        self.ends = []
        self.cpu = []

    def on_train_begin(self, args, state, control, **kwargs):
        self.ends.append(time.perf_counter())
        self.cpu.append(time.thread_time())

    def on_step_end(self, args, state, control, **kwargs):
        self.ends.append(time.perf_counter())
        self.cpu.append(time.thread_time())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompts", type=int, default=8)
    ap.add_argument("--group", type=int, default=8)
    ap.add_argument("--max-new-tokens", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--updates", type=int, default=20)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    tok = tokenizer()
    config = GPT2Config(vocab_size=len(tok), n_positions=64, n_embd=128, n_layer=4, n_head=4, n_inner=512,
                        activation_function="gelu", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                        layer_norm_epsilon=1e-5, initializer_range=0.02, tie_word_embeddings=False,
                        bos_token_id=1, eos_token_id=2, pad_token_id=0)
    model = GPT2LMHeadModel(config)
    parameters = sum(p.numel() for p in model.parameters())

    steps = a.warmup + a.updates
    rng = random.Random(a.seed)
    data = Dataset.from_dict({"prompt": problems(a.prompts * (steps + 2), rng)})

    sampling = []
    generate = model.generate

    def timed_generate(*args, **kwargs):
        t0 = time.perf_counter()
        out = generate(*args, **kwargs)
        sampling.append(time.perf_counter() - t0)
        return out

    model.generate = timed_generate

    out = tempfile.mkdtemp(prefix="trl-grpo-bench-")
    args = GRPOConfig(
        output_dir=out, per_device_train_batch_size=a.prompts * a.group, num_generations=a.group,
        gradient_accumulation_steps=1, num_iterations=1, max_completion_length=a.max_new_tokens,
        temperature=1.0, top_p=1.0, top_k=0, beta=0.0, epsilon=0.2, loss_type="dapo", scale_rewards="group",
        learning_rate=a.lr, lr_scheduler_type="constant", warmup_steps=0, weight_decay=0.0,
        adam_beta1=0.9, adam_beta2=0.999, adam_epsilon=1e-8, max_grad_norm=1.0,
        max_steps=steps, use_cpu=True, bf16=False, fp16=False, use_vllm=False,
        logging_steps=10 ** 6, report_to="none", save_strategy="no", disable_tqdm=True,
        dataloader_num_workers=0, seed=a.seed, log_completions=False)
    timer = StepTimer()
    trainer = GRPOTrainer(model=model, reward_funcs=exact_answer, args=args, train_dataset=data,
                          processing_class=tok, callbacks=[timer])
    trainer.train()

    intervals = [timer.ends[i + 1] - timer.ends[i] for i in range(len(timer.ends) - 1)]
    measured = intervals[a.warmup:]
    median = statistics.median(measured)
    cpu = statistics.median([timer.cpu[i + 1] - timer.cpu[i] for i in range(len(timer.cpu) - 1)][a.warmup:])
    sample = statistics.median(sampling[a.warmup:]) if len(sampling) > a.warmup else float("nan")
    result = {
        "side": "trl", "prompts": a.prompts, "group": a.group, "max_new_tokens": a.max_new_tokens,
        "parameters": parameters, "vocabulary": len(tok), "updates": len(measured), "warmup": a.warmup,
        "median_update_ms": median * 1e3, "median_update_cpu_ms": cpu * 1e3, "completions_per_second": a.prompts * a.group / median,
        "sampling_ms": sample * 1e3, "torch": torch.__version__,
        "trl": __import__("trl").__version__, "transformers": __import__("transformers").__version__,
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
