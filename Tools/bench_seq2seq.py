"""T5-small rows of Tools/bench: an encoder-decoder's greedy decode (128 tokens after a 32-token input; Zoo also
through every logit, as sampling does) and its input processing (the encoder over 32 or 512 tokens, then the first output token), in Zoo, PyTorch (float32, 2 threads) and
CTranslate2 (float32).

    Tools/.venv/bin/python Tools/bench_seq2seq.py --zoo .build/release/zoo [--repeats 3] [--quick]

The checkpoint is random weights of t5-small's configuration (60M), built once into Tools/.cache/bench/t5-small,
with the small Unigram tokenizer of the test fixtures (Tools/fixtures/t5-unigram-tokenizer.json): every runtime gets
the same token ids, never text. Decode runs on past the end token (min_new_tokens, min_decoding_length), as
`zoo bench` does.
"""
import time

from bench_common import (BENCH, ROOT, arguments, ct2_convert, log, measure_in_turn, prompt_ids, seconds, zoo_convert,
                          zoo_json)

MODEL = BENCH / "t5-small"
GROUP = "T5-small 60M encoder-decoder"
UNIGRAM = ROOT / "Tools/fixtures/t5-unigram-tokenizer.json"
INPUT = 32
NEW = 128
VOCABULARY = 32128


def build_model():
    if (MODEL / "model.safetensors").exists():
        return
    import torch
    from transformers import PreTrainedTokenizerFast, T5Config, T5ForConditionalGeneration
    log("building the random T5-small checkpoint")
    torch.manual_seed(0)
    T5ForConditionalGeneration(T5Config(decoder_start_token_id=0)).eval().save_pretrained(MODEL, safe_serialization=True)
    PreTrainedTokenizerFast(tokenizer_file=str(UNIGRAM), eos_token="</s>", pad_token="<pad>",
                            unk_token="<unk>").save_pretrained(MODEL)


class ZooRunner:
    """Zoo's decode, load and input processing; with `full_logits`, decode alone through every logit (as sampling
    does) instead of greedy steps."""

    def __init__(self, zoo, lengths, full_logits=False):
        self.zoo, self.lengths, self.full_logits = zoo, lengths, full_logits
        self.name = "zoo full logits" if full_logits else "zoo"

    def measure(self, results):
        options = ["--full-logits", "--skip-load"] if self.full_logits else []
        figures = zoo_json(self.zoo, "bench", "t5-small", "--prompt-tokens", str(INPUT), "--new-tokens", str(NEW),
                           "--repeats", "1", *options)
        results.setdefault(f"decode {INPUT}→{NEW}", []).extend(figures["decode_tok_per_s"])
        if self.full_logits:
            return
        results.setdefault("load to first token", []).extend(figures["load_ms"])
        for length in self.lengths:
            figures = zoo_json(self.zoo, "bench", "t5-small", "--prompt-tokens", str(length), "--new-tokens", "0",
                               "--repeats", "1", "--skip-load")
            results.setdefault(f"input {length}, first token", []).extend(figures["encode_ms"])


class PeerRunner:
    """One repeat of every workload on a loaded peer; `generate(length, new)` runs an input of `length` ids to `new`
    output tokens. Its load to first token is timed once, from `load()` (the runtime's modules already imported)."""

    def __init__(self, name, lengths):
        self.name, self.lengths = name, lengths
        start = time.perf_counter()
        self.load()
        self.generate(INPUT, 1)
        self.load_seconds = time.perf_counter() - start

    def measure(self, results):
        one = seconds(lambda: self.generate(INPUT, 1))
        full = seconds(lambda: self.generate(INPUT, NEW + 1))
        results.setdefault(f"decode {INPUT}→{NEW}", []).append(NEW / (full - one))
        results["load to first token"] = [self.load_seconds * 1000]
        for length in self.lengths:
            results.setdefault(f"input {length}, first token", []).append(
                seconds(lambda: self.generate(length, 1)) * 1000)


class TorchRunner(PeerRunner):
    def __init__(self, lengths):
        import torch
        from transformers import T5ForConditionalGeneration
        torch.set_num_threads(2)
        self.torch, self.model_class = torch, T5ForConditionalGeneration
        super().__init__("pytorch", lengths)

    def load(self):
        self.model = self.model_class.from_pretrained(MODEL).eval()

    def generate(self, length, new):
        ids = self.torch.tensor([prompt_ids(length, VOCABULARY)])
        with self.torch.no_grad():
            out = self.model.generate(ids, attention_mask=self.torch.ones_like(ids), max_new_tokens=new,
                                      min_new_tokens=new, do_sample=False, num_beams=1)
        assert out.shape[1] == 1 + new, out.shape


class CT2Runner(PeerRunner):
    def __init__(self, lengths):
        import ctranslate2
        from transformers import AutoTokenizer
        self.ctranslate2 = ctranslate2
        self.folder = ct2_convert(MODEL, "float32")
        # CTranslate2 takes tokens: its T5 vocabulary is the tokenizer's, padded with <extra_id_N> to the model's.
        tokenizer = AutoTokenizer.from_pretrained(MODEL)
        known = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
        self.tokens = known + [f"<extra_id_{i}>" for i in range(VOCABULARY - len(known))]
        super().__init__("ct2 float32", lengths)

    def load(self):
        self.translator = self.ctranslate2.Translator(str(self.folder), device="cpu", compute_type="float32",
                                                 intra_threads=2, inter_threads=1)

    def generate(self, length, new):
        source = [self.tokens[i] for i in prompt_ids(length, VOCABULARY)]
        result = self.translator.translate_batch([source], beam_size=1, max_decoding_length=new,
                                                 min_decoding_length=new)
        assert len(result[0].hypotheses[0]) == new, len(result[0].hypotheses[0])


def main():
    args = arguments(__doc__)
    lengths = [INPUT] if args.quick else [INPUT, 512]
    build_model()
    zoo_convert(args.zoo, MODEL, "t5-small")
    runners = [ZooRunner(args.zoo, lengths), ZooRunner(args.zoo, [], full_logits=True)]
    for make in (TorchRunner, CT2Runner):
        log("T5-small: loading a peer")
        runners.append(make(lengths))
    measure_in_turn(GROUP, "T5-small", runners, args.repeats)


if __name__ == "__main__":
    main()
