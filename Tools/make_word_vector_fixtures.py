"""Word-vector fixtures and gensim 4.4's reference figures, for Tests/ZooTests/WordVectors*.

1. Tiny vectors (8 words of 5 dimensions, some outside ASCII) written by gensim in the three formats Zoo imports:
   GloVe text (no header), word2vec text and word2vec binary, with the words and vectors gensim reads back.
2. On the bundled model Models/glove-6b-50d-50k (run Tools/make_bundled_models.sh first), gensim's
   KeyedVectors over the very same float16 values: most_similar for neighbours and analogies, similarity for
   pairs, and evaluate_word_analogies on a slice of Google's questions-words.txt (the first 25 questions of each
   section) and on the whole file.
3. With --full, evaluate_word_analogies on all 400,000 GloVe vectors (Tools/make_glove_text.py's text, float32),
   printed only: the figure goes to the closing note.
"""
import json
import pathlib
import sys

import h5py
import numpy as np
import gensim
from gensim.models import KeyedVectors

root = pathlib.Path(__file__).resolve().parent.parent
fixtures = root / "Tests/ZooTests/Fixtures/word-vectors"
fixtures.mkdir(parents=True, exist_ok=True)
questions = pathlib.Path(gensim.__file__).parent / "test/test_data/questions-words.txt"
assert gensim.__version__ == "4.4.0", gensim.__version__


def tiny():
    words = ["the", "king", "queen", "café", "naïve", "東京", "x-ray", "Zoo"]
    rng = np.random.default_rng(8)
    vectors = rng.standard_normal((len(words), 5)).astype(np.float32)
    kv = KeyedVectors(vector_size=5)
    kv.add_vectors(words, vectors)
    kv.save_word2vec_format(str(fixtures / "tiny.glove.txt"), binary=False, write_header=False)
    kv.save_word2vec_format(str(fixtures / "tiny.w2v.txt"), binary=False)
    kv.save_word2vec_format(str(fixtures / "tiny.w2v.bin"), binary=True)
    expected = {}
    for name, binary, header in [("tiny.glove.txt", False, False), ("tiny.w2v.txt", False, True),
                                 ("tiny.w2v.bin", True, True)]:
        back = KeyedVectors.load_word2vec_format(str(fixtures / name), binary=binary, no_header=not header)
        expected[name] = {"words": back.index_to_key, "vectors": back.vectors.tolist()}
    (fixtures / "tiny.expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n")


def bundled():
    folder = root / "Models/glove-6b-50d-50k"
    with h5py.File(folder / "weights.h5", "r") as f:
        vectors = f["vectors"][...].astype(np.float32)
    words = (folder / "words.txt").read_text(encoding="utf-8").split("\n")[:-1]
    kv = KeyedVectors(vector_size=vectors.shape[1])
    kv.add_vectors(words, vectors)

    def pairs(result):
        return [{"word": w, "score": float(s)} for w, s in result]

    neighbors = {w: pairs(kv.most_similar(w, topn=10)) for w in ["frog", "king", "paris", "computer", "good", "2010"]}
    analogies = [
        (["king", "woman"], ["man"]), (["paris", "germany"], ["france"]), (["walked", "swim"], ["walk"]),
        (["bigger", "small"], ["big"]), (["tokyo", "france"], ["japan"]), (["brother", "daughter"], ["son"]),
        (["king"], ["man"]), (["computer", "software", "internet"], []),
    ]
    analogy = [{"positive": p, "negative": n, "answers": pairs(kv.most_similar(positive=p, negative=n, topn=10))}
               for p, n in analogies]
    similarity = [{"a": a, "b": b, "score": float(kv.similarity(a, b))}
                  for a, b in [("king", "queen"), ("cat", "dog"), ("paris", "banana"), ("good", "bad"), ("the", "the")]]

    lines = questions.read_text(encoding="utf-8").split("\n")
    slice_lines, taken = [], 0
    for line in lines:
        if line.startswith(": "):
            slice_lines.append(line)
            taken = 0
        elif line and taken < 25:
            slice_lines.append(line)
            taken += 1
    (fixtures / "questions-words-slice.txt").write_text("\n".join(slice_lines) + "\n", encoding="utf-8")

    def evaluate(path, restrict=300000):
        score, sections = kv.evaluate_word_analogies(str(path), restrict_vocab=restrict)
        return [{"section": s["section"], "correct": len(s["correct"]), "incorrect": len(s["incorrect"])}
                for s in sections]

    reference = {
        "gensim": gensim.__version__,
        "tolerance": 1e-4,
        "neighbors": neighbors,
        "analogies": analogy,
        "similarity": similarity,
        "evaluation_slice": evaluate(fixtures / "questions-words-slice.txt"),
        "evaluation_slice_restrict_10000": evaluate(fixtures / "questions-words-slice.txt", 10000),
        "evaluation_full": evaluate(questions),
    }
    (fixtures / "glove-6b-50d-50k.gensim.json").write_text(json.dumps(reference, ensure_ascii=False, indent=1) + "\n")
    for s in reference["evaluation_full"]:
        print(f"50k  {s['section']:32} {s['correct']:6} / {s['correct'] + s['incorrect']}", file=sys.stderr)


def full():
    text = root / "Tools/.cache/real/glove-6b-50d/glove.6B.50d.txt"
    kv = KeyedVectors.load_word2vec_format(str(text), binary=False, no_header=True)
    score, sections = kv.evaluate_word_analogies(str(questions))
    for s in sections:
        correct, incorrect = len(s["correct"]), len(s["incorrect"])
        print(f"400k {s['section']:32} {correct:6} / {correct + incorrect}  {100 * correct / max(correct + incorrect, 1):.2f}%")


if "--full" in sys.argv:
    full()
else:
    tiny()
    bundled()
