#!/usr/bin/env python3
"""llama.cpp's own logits for the tiny-llama GGUF fixtures (Tests/ZooTests/Fixtures), the reference of Zoo's
int8-activation path (`LoadOptions.int8Activations`, `--int8-activations`), which does llama.cpp's arithmetic for
block weights.

Run with the reference stack: Tools/.venv/bin/python Tools/make_llama_cpp_fixtures.py

It first writes tiny-llama.q4_1.gguf: tiny-llama (Tools/make_llama_fixtures.py) as llama.cpp writes a GGUF, every
matrix in Q4_1. Then llama-cpp-python (one thread, float32 KV cache, so that the only arithmetic that differs from
Zoo's float path is the quantized products) runs tiny-llama.q8_0.gguf and tiny-llama.q4_1.gguf one token at a time
(the decode path, where Zoo quantizes activations) over a prompt and llama.cpp's own greedy continuation, and
tiny-llama.llama-cpp.expected.json keeps the logits of every position.
"""
import json

import gguf
import llama_cpp
import numpy as np
import torch
from transformers import LlamaForCausalLM

from make_llama_fixtures import CHAT_TEMPLATE, OUT, write_gguf

FILES = ["tiny-llama.q8_0.gguf", "tiny-llama.q4_1.gguf"]
CONTINUATION = 8


def write_q4_1():
    model = LlamaForCausalLM.from_pretrained(OUT / "tiny-llama", dtype=torch.float32).eval()
    path = OUT / "tiny-llama.q4_1.gguf"
    write_gguf(path, model, OUT / "tiny-llama", CHAT_TEMPLATE, gguf.GGMLQuantizationType.Q4_1)
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def record(file, prompt):
    # The fixture's tokenizer names the pre-tokenizer "gpt2", which llama.cpp does not know; ids are given directly.
    model = llama_cpp.Llama(model_path=str(OUT / file), n_threads=1, n_threads_batch=1, n_ctx=128, n_batch=1,
                            n_ubatch=1, logits_all=True, type_k=0, type_v=0, verbose=False,
                            kv_overrides={"tokenizer.ggml.pre": "default"})
    ids = list(prompt)
    for token in ids:
        model.eval([token])
    for _ in range(CONTINUATION):
        ids.append(int(np.argmax(model.scores[len(ids) - 1])))
        model.eval([ids[-1]])
    logits = np.array(model.scores[:len(ids)], dtype=np.float32)
    return {"file": file, "ids": ids, "logits": [[float(f"{v:.6g}") for v in row] for row in logits]}


if __name__ == "__main__":
    write_q4_1()
    prompt = json.loads((OUT / "tiny-llama.q8_0.expected.json").read_text())["cases"][0]["prompt_ids"]
    cases = [record(file, prompt) for file in FILES]
    path = OUT / "tiny-llama.llama-cpp.expected.json"
    path.write_text(json.dumps({"llama_cpp_python": llama_cpp.__version__, "cases": cases}) + "\n")
    print(f"wrote {path}")
