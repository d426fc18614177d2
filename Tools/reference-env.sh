#!/usr/bin/env bash
# Creates the pinned Python reference stack in Tools/.venv: transformers, torch, tokenizers, safetensors, h5py, gguf
# with accelerate (which transformers needs to read GGUF files), sentencepiece and protobuf (which train and read the
# SentencePiece model of the unigram fixtures), gensim and pyarrow (word vectors), and CTranslate2 as a benchmark peer.
# Only the fixture generators and benchmarks use it; the Swift package and its tests never need Python.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# torch's CPU build; the machine image carries it in pip's find-links folder.
"$venv/bin/pip" install --quiet \
    "torch==2.13.0+cpu" \
    "transformers==5.23.0" \
    "tokenizers==0.23.3" \
    "safetensors==0.8.0" \
    "h5py==3.16.0" \
    "gguf==0.19.0" \
    "accelerate==1.15.0" \
    "numpy==2.4.6" \
    "gensim==4.4.0" \
    "pyarrow==26.0.1" \
    "ctranslate2==4.8.5" \
    "sentencepiece==0.2.3" \
    "protobuf==7.36.2"
# llama.cpp, the peer of the GGUF benchmark rows (Tools/bench_smollm2.py). PyPI has only its source: pip builds it
# with gcc and a cmake it fetches from PyPI, about an hour on 2 busy cores, so only when it is missing.
if ! "$venv/bin/python" -c "import llama_cpp" 2>/dev/null; then
    "$venv/bin/pip" install --quiet "llama-cpp-python==0.3.36" "diskcache==5.6.3"
fi
echo "reference stack ready: $venv/bin/python" >&2
