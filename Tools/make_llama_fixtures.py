"""Builds tiny random Llama checkpoints, as Hugging Face folders and as GGUF files, and records what transformers
computes with them.

Run with the reference stack (Tools/reference-env.sh, which includes gguf and accelerate):

    Tools/.venv/bin/python Tools/make_llama_fixtures.py

Writes into Tests/ZooTests/Fixtures/:
- tiny-llama/: grouped-query attention (4 heads, 2 key/value heads), separate output head, float32, a ChatML chat
  template in tokenizer_config.json, and its config.json in transformers 4's spelling (rope_theta, rope_scaling);
- tiny-llama-tied-bf16/: multi-query attention (1 key/value head), an explicit head_dim that is not
  hidden_size / heads, attention and MLP biases, tied output head, bfloat16, config in transformers 5's spelling;
- tiny-llama.f32.gguf and tiny-llama.q8_0.gguf: tiny-llama written as llama.cpp writes a GGUF (its names, q and k
  rows permuted for llama.cpp's rotary layout, tokenizer and chat template in the metadata); the second with every
  matrix in Q8_0 blocks;
- smollm-split/tokenizer.json and smollm-split.expected.json: the trained byte-level BPE with the split of
  `tokenizer.ggml.pre = smollm` (Digits with individual digits, then ByteLevel), and the ids the tokenizers library
  gives for Tools/fixtures/hard_corpus.json and a few texts full of numbers;
- <name>.expected.json for the folders and the Q8_0 file: transformers' logits at every position and its greedy
  continuations. transformers reads the GGUF files themselves (from_pretrained(..., gguf_file=...), dequantizing to
  float32); the float32 one must give what tiny-llama gives, so it has no file of its own.
Deterministic: a second run writes the same bytes.
"""
import json
import shutil
from pathlib import Path

import gguf
import numpy as np
import torch
from tokenizers import AddedToken, Tokenizer, pre_tokenizers
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

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
# SmolLM2's template: a default system message unless the conversation starts with one.
CHAT_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
CHAT = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Once upon a time"}]
# Large random weights (std 0.3) keep the greedy choices far from ties, so that float32 rounding differences
# between implementations cannot flip a token.
INIT_STD = 0.3


def randomize(model, seed):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in sorted(model.named_parameters()):
            values = torch.randn(parameter.shape, generator=generator) * INIT_STD
            if name.endswith("norm.weight"):
                values = 1.0 + values
            parameter.copy_(values)


def chat_tokenizer():
    """The trained byte-level BPE with ChatML's two special tokens added (ids 600 and 601)."""
    tokenizer = Tokenizer.from_file(str(TOKENIZER / "tokenizer.json"))
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in ("<|im_start|>", "<|im_end|>")])
    return tokenizer


def record(model, tokenizer, eos, cases_prompts, chat=None):
    """transformers' logits at every position and greedy ids, for each prompt (and the chat, rendered)."""
    cases = []
    prompts = [(prompt, None) for prompt in cases_prompts]
    if chat is not None:
        prompts.append((tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True), chat))
    for prompt, messages in prompts:
        ids = tokenizer(prompt, add_special_tokens=messages is None)["input_ids"]
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0]
            generated = model.generate(
                torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                max_new_tokens=NEW_TOKENS, do_sample=False, pad_token_id=eos, eos_token_id=eos)[0, len(ids):]
        generated = generated.tolist()
        if generated and generated[-1] == eos:
            generated = generated[:-1]
        case = {
            "prompt": prompt,
            "prompt_ids": ids,
            # Seven significant digits: far below the tolerance, and half the size of full precision.
            "logits": [[float(f"{v:.7g}") for v in row] for row in logits.tolist()],
            "greedy_ids": generated,
            "greedy_text": tokenizer.decode(generated),
        }
        if messages is not None:
            case["messages"] = messages
        cases.append(case)
    return cases


def write_expected(name, cases, tolerance):
    expected = {"model": name, "max_new_tokens": NEW_TOKENS, "tolerance": tolerance, "cases": cases}
    (OUT / f"{name}.expected.json").write_text(json.dumps(expected) + "\n")


def build(name, seed, dtype, config, tokenizer, chat_template=None, config_edit=None):
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config).eval()
    randomize(model, seed)

    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    model.to(dtype).save_pretrained(folder, safe_serialization=True)
    (folder / "generation_config.json").unlink(missing_ok=True)
    if config_edit is not None:
        path = folder / "config.json"
        path.write_text(json.dumps(config_edit(json.loads(path.read_text())), indent=2, sort_keys=True) + "\n")
    tokenizer.save(str(folder / "tokenizer.json"))
    if chat_template is not None:
        tokenizer_config = {
            "bos_token": "<|im_start|>", "eos_token": "<|im_end|>", "unk_token": "<|endoftext|>",
            "pad_token": "<|im_end|>", "chat_template": chat_template, "tokenizer_class": "GPT2Tokenizer",
        }
        (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2) + "\n")

    # The reference computes in float32 from the weights exactly as saved.
    reference = LlamaForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    fast = PreTrainedTokenizerFast(tokenizer_file=str(folder / "tokenizer.json"), chat_template=chat_template)
    cases = record(reference, fast, config.eos_token_id, PROMPTS, CHAT if chat_template else None)
    write_expected(name, cases, 1e-4)
    print(f"wrote {folder} ({sum(p.numel() for p in model.parameters())} parameters)")
    return reference


def transformers4_spelling(config):
    """The keys as transformers 4 and most published Llama checkpoints write them."""
    rope = config.pop("rope_parameters")
    config["rope_theta"] = rope["rope_theta"]
    config["rope_scaling"] = None
    return config


def llama_cpp_order(weight, heads):
    """llama.cpp's row order for q and k: within each head, the two halves that Hugging Face rotates together
    (rows i and i + d/2) become neighbours (rows 2i and 2i + 1)."""
    rows, columns = weight.shape
    return weight.reshape(heads, 2, rows // heads // 2, columns).swapaxes(1, 2).reshape(rows, columns)


def write_gguf(path, model, tokenizer_folder, chat_template, quantization):
    """`model` as a GGUF file: every matrix in `quantization` (F32 or Q8_0), the norms in F32."""
    config = model.config
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny-llama")
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(config.num_attention_heads)
    writer.add_head_count_kv(config.num_key_value_heads)
    writer.add_rope_freq_base(config.rope_parameters["rope_theta"])
    writer.add_rope_dimension_count(config.head_dim)
    writer.add_layer_norm_rms_eps(config.rms_norm_eps)
    writer.add_vocab_size(config.vocab_size)

    tokenizer = json.loads((tokenizer_folder / "tokenizer.json").read_text())
    vocabulary = dict(tokenizer["model"]["vocab"])
    special = {token["content"]: token["id"] for token in tokenizer["added_tokens"] if token["special"]}
    vocabulary.update(special)
    tokens = sorted(vocabulary, key=vocabulary.get)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt2")
    writer.add_token_list(tokens)
    writer.add_token_types([gguf.TokenType.CONTROL if t in special else gguf.TokenType.NORMAL for t in tokens])
    writer.add_token_merges([" ".join(merge) for merge in tokenizer["model"]["merges"]])
    writer.add_bos_token_id(config.bos_token_id)
    writer.add_eos_token_id(config.eos_token_id)
    writer.add_add_bos_token(False)
    writer.add_chat_template(chat_template)

    names = {
        "model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
        "lm_head.weight": "output.weight",
    }
    layer_names = {
        "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm", "self_attn.q_proj": "attn_q",
        "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
        "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down",
    }
    for i in range(config.num_hidden_layers):
        for hf, cpp in layer_names.items():
            names[f"model.layers.{i}.{hf}.weight"] = f"blk.{i}.{cpp}.weight"
    for hf_name, tensor in model.state_dict().items():
        data = tensor.to(torch.float32).numpy()
        if ".q_proj." in hf_name:
            data = llama_cpp_order(data, config.num_attention_heads)
        elif ".k_proj." in hf_name:
            data = llama_cpp_order(data, config.num_key_value_heads)
        if data.ndim == 2 and quantization != gguf.GGMLQuantizationType.F32:
            writer.add_tensor(names[hf_name], gguf.quantize(data, quantization), raw_dtype=quantization)
        else:
            writer.add_tensor(names[hf_name], np.ascontiguousarray(data))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def build_gguf(name, source, quantization):
    """Writes the GGUF and reads it back with transformers: its tokenizer, chat template and weights, dequantized to
    float32. A float32 file must give what the folder it was written from gives, which checks the q and k order;
    a quantized one gets its own expected outputs."""
    path = OUT / f"{name}.gguf"
    write_gguf(path, source, OUT / "tiny-llama", CHAT_TEMPLATE, quantization)
    model = AutoModelForCausalLM.from_pretrained(OUT, gguf_file=path.name, dtype=torch.float32).eval()
    assert type(model.model.layers[0].self_attn.q_proj) is torch.nn.Linear
    assert model.model.layers[0].self_attn.q_proj.weight.dtype == torch.float32
    tokenizer = AutoTokenizer.from_pretrained(OUT, gguf_file=path.name)
    cases = record(model, tokenizer, source.config.eos_token_id, PROMPTS, CHAT)
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    if quantization != gguf.GGMLQuantizationType.F32:
        write_expected(name, cases, 1e-4)
        return
    folder = json.loads((OUT / "tiny-llama.expected.json").read_text())["cases"]
    for ours, theirs in zip(cases, folder):
        assert ours["prompt_ids"] == theirs["prompt_ids"] and ours["greedy_ids"] == theirs["greedy_ids"]
        difference = np.abs(np.array(ours["logits"]) - np.array(theirs["logits"])).max()
        assert difference <= 1e-5, f"{name}: the GGUF's logits differ from the folder's by {difference}"


def build_smollm_split():
    tokenizer = Tokenizer.from_file(str(TOKENIZER / "tokenizer.json"))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    folder = OUT / "smollm-split"
    folder.mkdir(exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    texts = json.loads((ROOT / "Tools/fixtures/hard_corpus.json").read_text()) + [
        "x  1  2   345 ٣٤٥ ५६७ ½ ² Ⅻ", "1234567890", "a1b22c333", " 2024, 2025 and  99 bottles", "\t7\n\n 8",
    ]
    ids = [tokenizer.encode(text).ids for text in texts]
    (OUT / "smollm-split.expected.json").write_text(json.dumps({"texts": texts, "ids": ids}, ensure_ascii=False) + "\n")
    print(f"wrote {folder}")


if __name__ == "__main__":
    build_smollm_split()
    tokenizer = chat_tokenizer()
    size = tokenizer.get_vocab_size()
    start, end = tokenizer.token_to_id("<|im_start|>"), tokenizer.token_to_id("<|im_end|>")
    gqa = LlamaConfig(
        vocab_size=size, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=128, rms_norm_eps=1e-5, rope_theta=10000.0,
        tie_word_embeddings=False, bos_token_id=start, eos_token_id=end)
    tiny = build("tiny-llama", 11, torch.float32, gqa, tokenizer, CHAT_TEMPLATE, transformers4_spelling)

    plain = Tokenizer.from_file(str(TOKENIZER / "tokenizer.json"))
    eos = plain.token_to_id("<|endoftext|>")
    mqa = LlamaConfig(
        vocab_size=plain.get_vocab_size(), hidden_size=32, intermediate_size=48, num_hidden_layers=3,
        num_attention_heads=2, num_key_value_heads=1, head_dim=24, max_position_embeddings=64, rms_norm_eps=1e-6,
        rope_theta=500000.0, attention_bias=True, mlp_bias=True, tie_word_embeddings=True,
        bos_token_id=eos, eos_token_id=eos)
    build("tiny-llama-tied-bf16", 12, torch.bfloat16, mqa, plain)

    build_gguf("tiny-llama.f32", tiny, gguf.GGMLQuantizationType.F32)
    build_gguf("tiny-llama.q8_0", tiny, gguf.GGMLQuantizationType.Q8_0)
