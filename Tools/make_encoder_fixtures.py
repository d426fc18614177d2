"""Builds tiny random BERT, RoBERTa and DistilBERT checkpoints as Hugging Face folders and records what
transformers computes with them.

Run with the reference stack (Tools/reference-env.sh):

    Tools/.venv/bin/python Tools/make_encoder_fixtures.py

Writes under Tests/ZooTests/Fixtures/:

    tiny-bert/             BertForMaskedLM, an uncased WordPiece as tokenizer.json + tokenizer_config.json
    tiny-bert-legacy/      BertForPreTraining (pooler and next-sentence head too), the same WordPiece as
                           vocab.txt + tokenizer_config.json only (the legacy layout)
    tiny-bert-encoder/     BertModel (no masked-LM head, a pooler), the same tokenizer.json
    tiny-roberta/          RobertaForMaskedLM, a byte-level BPE with RobertaProcessing and "<mask>"
    tiny-distilbert/       DistilBertForMaskedLM with sinusoidal positions, a cased WordPiece
    <name>.expected.json   per text: input ids and last hidden states, and for the texts with masks the MLM
                           logits and the fill-mask pipeline's top 5 per mask; per model: mean-pooled normalized
                           and CLS embeddings of all texts, computed as one padded batch

Deterministic: a second run writes the same bytes.
"""
import json
import shutil
from pathlib import Path

import torch
from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (AutoTokenizer, BertConfig, BertForMaskedLM, BertForPreTraining, BertModel,
                          DistilBertConfig, DistilBertForMaskedLM, PreTrainedTokenizerFast, RobertaConfig,
                          RobertaForMaskedLM, pipeline)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests/ZooTests/Fixtures"
CORPUS = ROOT / "Tools/fixtures/training_corpus.txt"

# Texts with one and two masks, mixed case and accents; "{mask}" becomes the model's mask token.
TEXTS = [
    "The capital of France is {mask}.",
    "Héllo WORLD! The {mask} keeper climbed the {mask} stairs.",
    "Crème brûlée, a naïve Café owner and the BAKER's fresh bread.",
    "the lighthouse keeper woke before dawn",
]
TOP_K = 5
TOLERANCE = 1e-4

# Large random weights (std 0.3), layer norms included, keep the top-k far from ties.
INIT_STD = 0.3


def corpus_lines():
    return CORPUS.read_text(encoding="utf-8").splitlines() + [t.format(mask="") for t in TEXTS]


def wordpiece_vocabulary(lowercase):
    """The WordPiece vocabulary, trained once by tokenizers' WordPieceTrainer and kept in Tools/fixtures: the
    trainer breaks ties between equally frequent pairs differently from run to run, so retraining would change
    every fixture. Delete the file to train a new one."""
    path = ROOT / f"Tools/fixtures/wordpiece-{'uncased' if lowercase else 'cased'}-vocab.txt"
    if not path.exists():
        tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tokenizer.normalizer = normalizers.BertNormalizer(lowercase=lowercase)
        tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        trainer = trainers.WordPieceTrainer(
            vocab_size=600, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], show_progress=False)
        tokenizer.train_from_iterator(corpus_lines(), trainer)
        vocab = tokenizer.get_vocab()
        path.write_text("".join(token + "\n" for token in sorted(vocab, key=vocab.get)), encoding="utf-8")
    return {token: id for id, token in enumerate(path.read_text(encoding="utf-8").splitlines())}


def wordpiece(lowercase):
    """A WordPiece as Hugging Face publishes BERT's: BERT normalizer and pre-tokenizer, [CLS] A [SEP] template."""
    vocab = wordpiece_vocabulary(lowercase)
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=lowercase)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    tokenizer.add_special_tokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]",
        mask_token="[MASK]", do_lower_case=lowercase)


def byte_level_bpe():
    """RoBERTa's tokenizer: byte-level BPE, <s> A </s>, and a <mask> that takes the space before it."""
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, min_frequency=1, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(corpus_lines(), trainer)
    tokenizer.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
    tokenizer.post_processor = processors.RobertaProcessing(
        ("</s>", tokenizer.token_to_id("</s>")), ("<s>", tokenizer.token_to_id("<s>")),
        trim_offsets=True, add_prefix_space=False)
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", unk_token="<unk>", sep_token="</s>",
        pad_token="<pad>", cls_token="<s>",
        mask_token=AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True))


def randomize(model, seed, keep=()):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in sorted(model.named_parameters()):
            if any(part in name for part in keep):
                continue
            values = torch.randn(parameter.shape, generator=generator) * INIT_STD
            if parameter.dim() == 1 and "norm" in name.lower() and name.endswith("weight"):
                values = 1.0 + values
            parameter.copy_(values)


def rounded(tensor):
    return [[round(float(v), 6) for v in row] for row in tensor]


def record(name, model_class, tokenizer, mask_token, masked_lm_class=None):
    """Reloads the saved folder with transformers and writes <name>.expected.json. `masked_lm_class` is the
    class the fill-mask pipeline runs (BertForPreTraining's head is read by BertForMaskedLM); None: no head."""
    folder = OUT / name

    def load(model_class):
        return model_class.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()

    model = load(model_class)
    texts = [t.format(mask=mask_token) for t in TEXTS]
    has_head = masked_lm_class is not None
    fill = pipeline("fill-mask", model=load(masked_lm_class), tokenizer=tokenizer, top_k=TOP_K) if has_head else None
    cases = []
    for text in texts:
        ids = tokenizer(text)["input_ids"]
        with torch.no_grad():
            output = model(torch.tensor([ids]), output_hidden_states=True)
        case = {"text": text, "input_ids": ids, "hidden_states": rounded(output.hidden_states[-1][0])}
        if has_head and mask_token in text:
            logits = output.logits if hasattr(output, "logits") else output.prediction_logits
            case["logits"] = rounded(logits[0])
            found = fill(text)
            per_mask = found if isinstance(found[0], list) else [found]
            case["fill_mask"] = [[{"token_id": c["token"], "token": c["token_str"], "score": c["score"]}
                                  for c in mask] for mask in per_mask]
        cases.append(case)

    batch = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch, output_hidden_states=True).hidden_states[-1]
    mask = batch["attention_mask"].unsqueeze(-1).float()
    mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    expected = {
        "model": name,
        "tolerance": TOLERANCE,
        "mask_token": mask_token,
        "mask_token_id": tokenizer.convert_tokens_to_ids(mask_token),
        "cases": cases,
        "embeddings_mean_normalized": rounded(torch.nn.functional.normalize(mean, dim=-1)),
        "embeddings_cls": rounded(hidden[:, 0]),
    }
    (OUT / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {folder} ({sum(p.numel() for p in model.parameters())} parameters)")


def save(model, tokenizer, name, seed, keep=()):
    randomize(model, seed, keep)
    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    model.eval().save_pretrained(folder, safe_serialization=True)
    (folder / "generation_config.json").unlink(missing_ok=True)
    tokenizer.save_pretrained(folder)
    return folder


def bert_config(tokenizer, architecture):
    return BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=64, type_vocab_size=2, pad_token_id=tokenizer.pad_token_id,
        architectures=[architecture])


def build_bert():
    # Each model gets its own tokenizer object: recording pads a batch, which turns padding on in the object.
    tokenizer = wordpiece(lowercase=True)
    torch.manual_seed(1)
    save(BertForMaskedLM(bert_config(tokenizer, "BertForMaskedLM")), tokenizer, "tiny-bert", seed=1)
    record("tiny-bert", BertForMaskedLM, tokenizer, "[MASK]", BertForMaskedLM)

    tokenizer = wordpiece(lowercase=True)
    torch.manual_seed(2)
    save(BertModel(bert_config(tokenizer, "BertModel")), tokenizer, "tiny-bert-encoder", seed=2)
    record("tiny-bert-encoder", BertModel, tokenizer, "[MASK]")

    tokenizer = wordpiece(lowercase=True)

    # The legacy layout: vocab.txt and tokenizer_config.json, which transformers turns into the same tokenizer.
    torch.manual_seed(3)
    folder = save(BertForPreTraining(bert_config(tokenizer, "BertForPreTraining")), tokenizer,
                  "tiny-bert-legacy", seed=3)
    shutil.copy(ROOT / "Tools/fixtures/wordpiece-uncased-vocab.txt", folder / "vocab.txt")
    (folder / "tokenizer.json").unlink()
    (folder / "tokenizer_config.json").write_text(json.dumps(
        {"do_lower_case": True, "tokenizer_class": "BertTokenizer"}, indent=2) + "\n")
    legacy = AutoTokenizer.from_pretrained(folder)
    for text in TEXTS:
        assert legacy(text)["input_ids"] == tokenizer(text)["input_ids"], text
    record("tiny-bert-legacy", BertForPreTraining, legacy, "[MASK]", BertForMaskedLM)


def build_roberta():
    tokenizer = byte_level_bpe()
    config = RobertaConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=66, type_vocab_size=1, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        architectures=["RobertaForMaskedLM"])
    torch.manual_seed(4)
    save(RobertaForMaskedLM(config), tokenizer, "tiny-roberta", seed=4)
    record("tiny-roberta", RobertaForMaskedLM, tokenizer, "<mask>", RobertaForMaskedLM)


def build_distilbert():
    tokenizer = wordpiece(lowercase=False)
    config = DistilBertConfig(
        vocab_size=len(tokenizer), dim=32, n_layers=2, n_heads=4, hidden_dim=64, max_position_embeddings=64,
        sinusoidal_pos_embds=True, pad_token_id=tokenizer.pad_token_id, architectures=["DistilBertForMaskedLM"])
    torch.manual_seed(5)
    # The sinusoidal position table is kept as transformers made it: it is stored like any weight.
    save(DistilBertForMaskedLM(config), tokenizer, "tiny-distilbert", seed=5, keep=("position_embeddings",))
    record("tiny-distilbert", DistilBertForMaskedLM, tokenizer, "[MASK]", DistilBertForMaskedLM)


if __name__ == "__main__":
    build_bert()
    build_roberta()
    build_distilbert()
