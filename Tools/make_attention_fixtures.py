"""Records the attention probabilities transformers computes (output_attentions, eager attention) with the tiny
checkpoints already committed under Tests/ZooTests/Fixtures: it reads them, it does not rebuild them.

Run with the reference stack (Tools/reference-env.sh), after make_gpt2_fixtures.py, make_llama_fixtures.py,
make_encoder_fixtures.py and make_seq2seq_fixtures.py:

    Tools/.venv/bin/python Tools/make_attention_fixtures.py

Writes Tests/ZooTests/Fixtures/attention.expected.json:

    {"tolerance": T, "models": [{"model": NAME, "cases": [{"texts": [...], "input_ids": [[...], ...],
      "attentions": [[[[[p, ...], ...]]]]}, ...]}, ...]}

and, when Tools/fetch-real-models.sh has fetched it, attention-minilm.expected.json: the same for the real
all-MiniLM-L6-v2 (6 layers of 12 heads) on one text.

attentions is [sequence][layer][head][query][key]. A decoder's case is one text; an encoder's is a padded
batch of texts of different lengths (padding on the right, as the tokenizer pads), so that the padding columns show.
An encoder-decoder's case is one text with a target: "attentions" are the encoder's, and the case adds the
decoder's input ("decoder_input_ids": the decoder start token, then the target's tokens), "decoder_attentions"
and "cross_attentions" (queries: the decoder's tokens; keys: the text's).
Deterministic: a second run writes the same bytes.
"""
import json
from pathlib import Path

import torch
from transformers import AutoModel, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests/ZooTests/Fixtures"
MINILM = ROOT / "Tools/.cache/real/all-MiniLM-L6-v2"

# Byte-level tokens of accented letters and an emoji, so the labels' decoding is exercised too.
DECODER_TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "Crème brûlée at the café 🙂",
]
ENCODER_TEXTS = [
    "The lighthouse keeper woke before dawn.",
    "Héllo WORLD!",
]
SOURCE, TARGET = "translate English to German: The house is wonderful.", "Das Haus ist wunderbar."
DECODERS = ["tiny-gpt2", "tiny-llama", "tiny-llama-tied-bf16"]
ENCODERS = ["tiny-bert", "tiny-roberta", "tiny-distilbert"]
ENCODER_DECODERS = ["tiny-bart", "tiny-t5"]
TOLERANCE = 1e-5


def load(folder, model_class):
    # float32 whatever the stored dtype, as Zoo computes.
    return model_class.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()


def rounded(attentions):
    """[layer] of [batch, heads, q, k] tensors to [batch][layer][head][q][k], 8 decimals (far below tolerance)."""
    stacked = torch.stack(attentions, dim=1)
    return [[[[[round(float(v), 8) for v in row] for row in head] for head in layer] for layer in sequence]
            for sequence in stacked]


def decoder_cases(name):
    model = load(FIXTURES / name, AutoModelForCausalLM)
    tokenizer = AutoTokenizer.from_pretrained(FIXTURES / name)
    cases = []
    for text in DECODER_TEXTS:
        ids = tokenizer(text)["input_ids"]
        with torch.no_grad():
            output = model(torch.tensor([ids]), output_attentions=True)
        cases.append({"texts": [text], "input_ids": [ids], "attentions": rounded(output.attentions)})
    return cases


def encoder_cases(folder, texts=ENCODER_TEXTS):
    model = load(folder, AutoModel)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    inputs = {key: batch[key] for key in ("input_ids", "attention_mask")}
    with torch.no_grad():
        output = model(**inputs, output_attentions=True)
    ids = [[id for id, keep in zip(row, mask) if keep] for row, mask in
           zip(batch["input_ids"].tolist(), batch["attention_mask"].tolist())]
    return [{"texts": texts, "input_ids": ids, "attentions": rounded(output.attentions)}]


def encoder_decoder_cases(name):
    model = load(FIXTURES / name, AutoModelForSeq2SeqLM)
    tokenizer = AutoTokenizer.from_pretrained(FIXTURES / name)
    ids = tokenizer(SOURCE)["input_ids"]
    decoder_ids = [model.generation_config.decoder_start_token_id] + tokenizer(TARGET)["input_ids"]
    with torch.no_grad():
        output = model(input_ids=torch.tensor([ids]), decoder_input_ids=torch.tensor([decoder_ids]),
                       output_attentions=True)
    return [{"texts": [SOURCE], "input_ids": [ids], "attentions": rounded(output.encoder_attentions),
             "target": TARGET, "decoder_input_ids": decoder_ids,
             "decoder_attentions": rounded(output.decoder_attentions),
             "cross_attentions": rounded(output.cross_attentions)}]


def main():
    models = [{"model": name, "cases": decoder_cases(name)} for name in DECODERS]
    models += [{"model": name, "cases": encoder_cases(FIXTURES / name)} for name in ENCODERS]
    models += [{"model": name, "cases": encoder_decoder_cases(name)} for name in ENCODER_DECODERS]
    expected = {"tolerance": TOLERANCE, "models": models}
    write(FIXTURES / "attention.expected.json", expected)
    if (MINILM / ".complete").exists():
        cases = encoder_cases(MINILM, texts=["The keeper of the lighthouse climbed the stairs at dawn."])
        write(FIXTURES / "attention-minilm.expected.json",
              {"tolerance": TOLERANCE, "models": [{"model": "all-MiniLM-L6-v2", "cases": cases}]})
    else:
        print(f"{MINILM} is not fetched (Tools/fetch-real-models.sh): attention-minilm.expected.json left as it is")


def write(path, expected):
    path.write_text(json.dumps(expected, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
