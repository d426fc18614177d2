"""Builds tiny random GPT-2 checkpoints as Hugging Face folders and records what transformers computes with them.

Run with the reference stack (Tools/reference-env.sh) after Tools/make_tokenizer_fixtures.py, whose trained
byte-level BPE these models use:

    Tools/.venv/bin/python Tools/make_gpt2_fixtures.py

Writes Tests/ZooTests/Fixtures/<name>/ (config.json, model.safetensors, tokenizer files) and
Tests/ZooTests/Fixtures/<name>.expected.json. Deterministic: a second run writes the same bytes.
"""
import json
import shutil
from pathlib import Path

import torch
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

ROOT = Path(__file__).resolve().parent.parent
TOKENIZER = ROOT / "Tests/ZooTokenizersTests/Fixtures/trained-bpe"
OUT = ROOT / "Tests/ZooTests/Fixtures"

PROMPTS = [
    "Once upon a time",
    "The quick brown fox jumps over the lazy dog.",
    "Hello, world! It's 2024 and we've got 3 cats.",
    " leading space and\ttabs\n\nnewlines",
]
NEW_TOKENS = 24

# Large random weights (std 0.3) keep the greedy choices far from ties, so that float32 rounding
# differences between implementations cannot flip a token.
INIT_STD = 0.3


def randomize(model, seed):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in sorted(model.named_parameters()):
            values = torch.randn(parameter.shape, generator=generator) * INIT_STD
            if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name.endswith("ln_f.weight"):
                values = 1.0 + values
            parameter.copy_(values)


def build(name, seed, dtype, **overrides):
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(TOKENIZER / "tokenizer.json"))
    eos = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(
        vocab_size=len(tokenizer), n_positions=64, n_embd=32, n_layer=2, n_head=4,
        bos_token_id=eos, eos_token_id=eos, **overrides)
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(config).eval()
    randomize(model, seed)

    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    model.to(dtype).save_pretrained(folder, safe_serialization=True)
    (folder / "generation_config.json").unlink(missing_ok=True)
    for file in ("tokenizer.json", "vocab.json", "merges.txt"):
        shutil.copy(TOKENIZER / file, folder / file)

    # The reference computes in float32 from the weights exactly as saved.
    reference = GPT2LMHeadModel.from_pretrained(folder, dtype=torch.float32).eval()
    cases = []
    for prompt in PROMPTS:
        ids = tokenizer(prompt)["input_ids"]
        with torch.no_grad():
            logits = reference(torch.tensor([ids])).logits[0]
            generated = reference.generate(
                torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                max_new_tokens=NEW_TOKENS, do_sample=False, pad_token_id=eos, eos_token_id=eos)[0, len(ids):]
        cases.append({
            "prompt": prompt,
            "prompt_ids": ids,
            "logits": [[float(v) for v in row] for row in logits],
            "greedy_ids": generated.tolist(),
            "greedy_text": tokenizer.decode(generated.tolist()),
        })
    expected = {"model": name, "max_new_tokens": NEW_TOKENS, "tolerance": 1e-4, "cases": cases}
    (OUT / f"{name}.expected.json").write_text(json.dumps(expected) + "\n")
    print(f"wrote {folder} ({sum(p.numel() for p in model.parameters())} parameters)")


if __name__ == "__main__":
    build("tiny-gpt2", seed=1, dtype=torch.float32)
    build("tiny-gpt2-untied-f16", seed=2, dtype=torch.float16, tie_word_embeddings=False,
          activation_function="gelu")
