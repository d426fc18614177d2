"""Builds tiny random BART and T5 checkpoints as Hugging Face folders and records what transformers computes with
them: encoder states, decoder logits, and generate()'s tokens for greedy search and beam search settings.

Run with the reference stack (Tools/reference-env.sh):

    Tools/.venv/bin/python Tools/make_seq2seq_fixtures.py

Writes under Tests/ZooTests/Fixtures/:

    tiny-bart/            BartForConditionalGeneration, lm_head tied to the shared embedding, scale_embedding,
                          exact GELU, a generation_config.json with forced BOS and EOS; RoBERTa's byte-level BPE
    tiny-bart-untied/     the same family with its own lm_head, no embedding scale and gelu_new
    tiny-t5/              T5 v1.0: ReLU DenseReluDense, head tied to the shared embedding (so rescaled by
                          d_model**-0.5), n_positions; a Unigram tokenizer trained here (T5's layout)
    tiny-t5-v1_1/         T5 v1.1 / flan: gated-gelu feed-forward, its own lm_head (config tie_word_embeddings false,
                          as the published v1.1 configs say), no rescale
    <name>.expected.json  per text: input ids, last encoder states, decoder logits of every position for a
                          teacher-forced decoder input, and the tokens generate() gives for each setting of SETTINGS

The Unigram tokenizer is trained once and kept in Tools/fixtures/t5-unigram-tokenizer.json (delete it to train a
new one). Deterministic: a second run writes the same bytes.
"""
import json
import shutil
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast, T5Config,
                          T5ForConditionalGeneration)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests/ZooTests/Fixtures"
CORPUS = ROOT / "Tools/fixtures/training_corpus.txt"
UNIGRAM = ROOT / "Tools/fixtures/t5-unigram-tokenizer.json"

TEXTS = [
    "translate English to German: The house is wonderful.",
    "summarize: the lighthouse keeper woke before dawn and climbed the stairs.",
    "Héllo WORLD! Crème brûlée, a naïve Café owner.",
    "cats",
]
MAX_NEW_TOKENS = 20
# The settings generate() runs with, beyond what the model's config and generation_config.json say.
SETTINGS = [
    {"num_beams": 1},
    {"num_beams": 1, "no_repeat_ngram_size": 2},
    {"num_beams": 4},
    {"num_beams": 4, "length_penalty": 2.0, "early_stopping": True},
    {"num_beams": 4, "length_penalty": 0.5, "early_stopping": "never"},
    {"num_beams": 4, "no_repeat_ngram_size": 2},
    {"num_beams": 3, "min_length": 8},
]
TOLERANCE = 1e-4
INIT_STD = 0.3


def corpus_lines():
    return CORPUS.read_text(encoding="utf-8").splitlines() + TEXTS


def byte_level_bpe():
    """RoBERTa's byte-level BPE of the encoder fixtures (<s>=0 <pad>=1 </s>=2 <unk>=3 <mask>), as BART has."""
    return PreTrainedTokenizerFast.from_pretrained(OUT / "tiny-roberta")


def unigram():
    """A Unigram tokenizer laid out as T5's tokenizer.json: NFKC and runs of spaces collapsed, Metaspace, the
    `$A </s>` template, <pad>=0 </s>=1 <unk>=2."""
    if not UNIGRAM.exists():
        tokenizer = Tokenizer(models.Unigram())
        tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
        tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
        trainer = trainers.UnigramTrainer(vocab_size=400, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>",
                                          show_progress=False)
        tokenizer.train_from_iterator(corpus_lines(), trainer)
        tokenizer.post_processor = processors.TemplateProcessing(
            single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", tokenizer.token_to_id("</s>"))])
        tokenizer.save(str(UNIGRAM))
    return PreTrainedTokenizerFast(tokenizer_file=str(UNIGRAM), eos_token="</s>", unk_token="<unk>",
                                   pad_token="<pad>")


def randomize(model, seed, std=INIT_STD):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in sorted(model.named_parameters()):
            values = torch.randn(parameter.shape, generator=generator) * std
            if parameter.dim() == 1 and "norm" in name.lower() and name.endswith("weight"):
                values = 1.0 + values
            parameter.copy_(values)
        return generator


def rounded(tensor):
    return [[round(float(v), 6) for v in row] for row in tensor]


def record(name, model_class, tokenizer):
    folder = OUT / name
    model = model_class.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
    start = model.generation_config.decoder_start_token_id
    cases = []
    for text in TEXTS:
        ids = tokenizer(text)["input_ids"]
        input_ids = torch.tensor([ids])
        case = {"text": text, "input_ids": ids, "generations": []}
        with torch.no_grad():
            for settings in SETTINGS:
                output = model.generate(input_ids, attention_mask=torch.ones_like(input_ids), do_sample=False,
                                        max_new_tokens=MAX_NEW_TOKENS, **settings)[0].tolist()
                assert output[0] == start
                case["generations"].append({"settings": settings, "output_ids": output[1:],
                                            "text": tokenizer.decode(output[1:], skip_special_tokens=True)})
            # Decoder logits for a teacher-forced input: the start token and the first greedy tokens.
            decoder_ids = [start] + case["generations"][0]["output_ids"][:6]
            output = model(input_ids=input_ids, decoder_input_ids=torch.tensor([decoder_ids]))
        case["encoder_states"] = rounded(output.encoder_last_hidden_state[0])
        case["decoder_input_ids"] = decoder_ids
        case["logits"] = rounded(output.logits[0])
        cases.append(case)
    expected = {"model": name, "tolerance": TOLERANCE, "max_new_tokens": MAX_NEW_TOKENS, "cases": cases}
    (OUT / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {folder} ({sum(p.numel() for p in model.parameters())} parameters)")
    for case in cases:
        print("  ", [len(g["output_ids"]) for g in case["generations"]])


def save(model, tokenizer, name, seed, std=INIT_STD):
    generator = randomize(model, seed, std)
    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    model.eval().save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return folder, generator


def bart_config(tokenizer, **overrides):
    return BartConfig(
        vocab_size=len(tokenizer), d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
        decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id, forced_eos_token_id=tokenizer.eos_token_id, **overrides)


def build_bart(name, seed, eos_bias, **overrides):
    tokenizer = byte_level_bpe()
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(bart_config(tokenizer, **overrides))
    folder, generator = save(model, tokenizer, name, seed)
    # final_logits_bias is a buffer: give it values too, and lift the end token so that beams finish.
    weights = load_file(folder / "model.safetensors")
    bias = torch.randn(weights["final_logits_bias"].shape, generator=generator) * INIT_STD
    bias[0, tokenizer.eos_token_id] += eos_bias
    weights["final_logits_bias"] = bias
    save_file(weights, folder / "model.safetensors", metadata={"format": "pt"})
    return folder, tokenizer


def build_barts():
    folder, tokenizer = build_bart("tiny-bart", seed=11, eos_bias=4.0, scale_embedding=True)
    generation = json.loads((folder / "generation_config.json").read_text())
    generation["forced_bos_token_id"] = tokenizer.bos_token_id
    (folder / "generation_config.json").write_text(json.dumps(generation, indent=2, sort_keys=True) + "\n")
    record("tiny-bart", BartForConditionalGeneration, tokenizer)

    folder, tokenizer = build_bart("tiny-bart-untied", seed=12, eos_bias=4.5, tie_word_embeddings=False,
                                   activation_function="gelu_new")
    (folder / "generation_config.json").unlink()
    record("tiny-bart-untied", BartForConditionalGeneration, tokenizer)


def t5_config(tokenizer, **overrides):
    return T5Config(
        vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2, num_heads=4,
        relative_attention_num_buckets=8, relative_attention_max_distance=20, pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id, **overrides)


def lift_end_token(weights, key, tokenizer, factor):
    """Scales the output row of </s> so that random models end some of their sequences."""
    weights[key][tokenizer.eos_token_id] *= factor


def build_t5():
    tokenizer = unigram()
    torch.manual_seed(23)
    model = T5ForConditionalGeneration(t5_config(tokenizer, feed_forward_proj="relu"))
    folder, _ = save(model, tokenizer, "tiny-t5", seed=23)
    config = json.loads((folder / "config.json").read_text())
    # T5's original configs give the encoder's length as n_positions; transformers keeps unknown keys as they are.
    config["n_positions"] = 64
    (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    weights = load_file(folder / "model.safetensors")
    lift_end_token(weights, "shared.weight", tokenizer, 2.5)
    save_file(weights, folder / "model.safetensors", metadata={"format": "pt"})
    (folder / "generation_config.json").unlink()
    record("tiny-t5", T5ForConditionalGeneration, tokenizer)


def build_t5_v1_1():
    # v1.1 / flan: transformers 5 always ties T5's head when it saves, so the separate head is written here as the
    # published v1.1 checkpoints have it: lm_head.weight in the file, tie_word_embeddings false in the config.
    tokenizer = unigram()
    torch.manual_seed(22)
    model = T5ForConditionalGeneration(t5_config(tokenizer, feed_forward_proj="gated-gelu"))
    # Smaller weights: with std 0.3 the gated feed-forwards amplify float32 rounding past the 1e-4 tolerance.
    folder, generator = save(model, tokenizer, "tiny-t5-v1_1", seed=22, std=0.2)
    weights = load_file(folder / "model.safetensors")
    weights["lm_head.weight"] = torch.randn(weights["shared.weight"].shape, generator=generator) * INIT_STD
    lift_end_token(weights, "lm_head.weight", tokenizer, 3.0)
    save_file(weights, folder / "model.safetensors", metadata={"format": "pt"})
    config = json.loads((folder / "config.json").read_text())
    config["tie_word_embeddings"] = False
    del config["scale_decoder_outputs"]
    (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    (folder / "generation_config.json").unlink()
    record("tiny-t5-v1_1", T5ForConditionalGeneration, tokenizer)


BUILDERS = {"bart": build_barts, "t5": build_t5, "t5-v1_1": build_t5_v1_1}

if __name__ == "__main__":
    # Optionally only some: make_seq2seq_fixtures.py t5-v1_1
    for key in sys.argv[1:] or BUILDERS:
        BUILDERS[key]()
