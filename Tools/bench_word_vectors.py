"""Word vectors, Zoo against gensim 4.4 in the same run, on the full GloVe 6B 50d (400,000 words; fetch it and run
Tools/make_glove_text.py first). Prints a table of seconds and the ratio gensim / Zoo:

- reading the GloVe text: `zoo convert` (parse, write weights.h5 and words.txt, read them back) against
  `KeyedVectors.load_word2vec_format(no_header=True)`;
- 200 nearest-neighbour queries (top 10 of 400,000): one `zoo neighbors` process per query would time process
  start and loading, so Zoo answers them as analogy questions in one `zoo eval-analogies` run, loading included,
  against gensim's `most_similar` on vectors already loaded;
- Google's questions-words.txt (19,544 questions over the 300,000 most frequent words): `zoo eval-analogies`,
  loading included, against `evaluate_word_analogies` on vectors already loaded.

Usage: Tools/.venv/bin/python Tools/bench_word_vectors.py [path/to/zoo]   (default .build/release/zoo)
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import gensim
from gensim.models import KeyedVectors

root = pathlib.Path(__file__).resolve().parent.parent
zoo = sys.argv[1] if len(sys.argv) > 1 else str(root / ".build/release/zoo")
text = root / "Tools/.cache/real/glove-6b-50d/glove.6B.50d.txt"
questions = pathlib.Path(gensim.__file__).parent / "test/test_data/questions-words.txt"
folder = pathlib.Path(tempfile.mkdtemp(prefix="zoo-bench-words-"))


def timed(body):
    start = time.perf_counter()
    result = body()
    return time.perf_counter() - start, result


def run(*arguments):
    return subprocess.run([zoo, *arguments, "--zoo", str(folder)], check=True, capture_output=True, text=True).stdout


rows = []
zoo_convert, _ = timed(lambda: run("convert", str(text), "--name", "glove"))
gensim_load, kv = timed(lambda: KeyedVectors.load_word2vec_format(str(text), binary=False, no_header=True))
rows.append(("read the GloVe text (400k x 50)", gensim_load, zoo_convert))

words = kv.index_to_key[1000:1200]
# "w w w w": b - a + c is w itself, excluded; the answer is w's nearest neighbour. A section of such questions.
queries = folder / "neighbours.txt"
queries.write_text(": neighbours\n" + "".join(f"{w} {w} {w} {w}\n" for w in words))
gensim_queries, _ = timed(lambda: [kv.most_similar(w, topn=10) for w in words])
zoo_queries, _ = timed(lambda: run("eval-analogies", "glove", str(queries), "--restrict", "400000"))
rows.append(("200 neighbour queries over 400k", gensim_queries, zoo_queries))

gensim_eval, (score, _) = timed(lambda: kv.evaluate_word_analogies(str(questions)))
zoo_eval, output = timed(lambda: run("eval-analogies", "glove", str(questions), "--json"))
rows.append(("questions-words.txt, restrict 300k", gensim_eval, zoo_eval))

print(f"{'task':40} {'gensim s':>10} {'zoo s':>10} {'gensim/zoo':>11}")
for task, peer, ours in rows:
    print(f"{task:40} {peer:10.2f} {ours:10.2f} {peer / ours:10.1f}x")
print(f"gensim total accuracy {score:.4f}; zoo: {output.strip()[-120:]}")
shutil.rmtree(folder)
