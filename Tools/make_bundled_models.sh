#!/usr/bin/env bash
# Rebuilds the models that ship in Models/ from the committed test fixtures, with the zoo tool itself.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product zoo
zoo=.build/release/zoo
$zoo convert Tests/ZooTests/Fixtures/tiny-gpt2 --name tiny-gpt2-random --zoo Models --force \
    --description "Random weights: a 2-layer, 32-wide GPT-2 built by Tools/make_gpt2_fixtures.py to show the whole path working. Its text is gibberish by design."
