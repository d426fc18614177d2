"""Records what transformers computes with the real SmolLM2-135M-Instruct GGUF, for Tests/ZooTests/SmolLM2Tests.swift.

Run with the reference stack (Tools/reference-env.sh) after Tools/fetch-real-models.sh:

    Tools/.venv/bin/python Tools/make_smollm2_reference.py

transformers reads the GGUF itself (from_pretrained(folder, gguf_file=...)): its Llama weights are dequantized to
float32, its tokenizer and chat template are built from the metadata. Writes
Tests/ZooTests/Fixtures/smollm2-135m-instruct.reference.json with, for each prompt (one of them the chat prompt
"What is the capital of France?" rendered with the model's template), the prompt ids, the greedy continuation
(40 tokens at most, ending early at the end-of-sequence token) and, for two of them, the last position's logits as
little-endian float32 in base64; and the token ids of Tools/fixtures/hard_corpus.json.

The tokenizer ids are recorded twice. `ids` split the text as the file's `tokenizer.ggml.pre = smollm` asks, as
llama.cpp and SmolLM2's published tokenizer.json do: every digit a word of its own, then GPT-2's pattern.
`transformers_ids` come from transformers' own tokenizer for the file, which has no entry for `smollm` and splits
with GPT-2's pattern alone; the two differ on a few texts, which the test lists.
"""
import base64
import hashlib
import json
from pathlib import Path

import numpy as np
import torch
from tokenizers import pre_tokenizers
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
GGUF = ROOT / "Tools/.cache/real/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
OUT = ROOT / "Tests/ZooTests/Fixtures/smollm2-135m-instruct.reference.json"
NEW_TOKENS = 40
CHAT = [{"role": "user", "content": "What is the capital of France?"}]
PROMPTS = ["Once upon a time", "def fibonacci(n):", "The year 2024 was"]
# The prompts whose last-position logits are recorded (each is 192 KB of float32).
LOGIT_CASES = 2


def main():
    if not GGUF.exists():
        raise SystemExit(f"{GGUF} is missing: run Tools/fetch-real-models.sh first")
    folder, name = str(GGUF.parent), GGUF.name
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
    # The Llama path dequantizes every weight into plain float32 layers.
    assert type(model.model.layers[0].self_attn.q_proj) is torch.nn.Linear
    assert model.model.layers[0].self_attn.q_proj.weight.dtype == torch.float32
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    eos = model.config.eos_token_id

    chat_prompt = tokenizer.apply_chat_template(CHAT, tokenize=False, add_generation_prompt=True)
    cases = []
    for index, (prompt, messages) in enumerate([(chat_prompt, CHAT)] + [(p, None) for p in PROMPTS]):
        ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0, -1]
            generated = model.generate(
                torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                max_new_tokens=NEW_TOKENS, do_sample=False, eos_token_id=eos, pad_token_id=eos)[0, len(ids):].tolist()
        if generated and generated[-1] == eos:
            generated = generated[:-1]
        case = {"prompt": prompt, "prompt_ids": ids, "greedy_ids": generated,
                "greedy_text": tokenizer.decode(generated)}
        if messages is not None:
            case["messages"] = messages
        if index < LOGIT_CASES:
            case["last_logits_f32_base64"] = base64.b64encode(logits.numpy().astype("<f4").tobytes()).decode()
        cases.append(case)
        print(f"{prompt!r} -> {case['greedy_text']!r}")

    smollm = AutoTokenizer.from_pretrained(folder, gguf_file=name).backend_tokenizer
    smollm.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    texts = json.loads((ROOT / "Tools/fixtures/hard_corpus.json").read_text())
    ids = [smollm.encode(text, add_special_tokens=False).ids for text in texts]
    transformers_ids = [tokenizer(text, add_special_tokens=False)["input_ids"] for text in texts]

    reference = {
        "model": name,
        "sha256": hashlib.sha256(GGUF.read_bytes()).hexdigest(),
        "max_new_tokens": NEW_TOKENS,
        "tolerance": 1e-3,
        "cases": cases,
        "tokenizer": {"texts": texts, "ids": ids, "transformers_ids": transformers_ids},
    }
    OUT.write_text(json.dumps(reference, ensure_ascii=False) + "\n")
    differing = sum(a != b for a, b in zip(ids, transformers_ids))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes); the two splits differ on {differing} of {len(texts)} texts")


if __name__ == "__main__":
    main()
