#!/usr/bin/env bash
# The README's first command: installs what Zoo needs, builds it, and generates text with a model that ships in
# Models/.
set -euo pipefail
cd "$(dirname "$0")/.."
Tools/install-system-packages.sh
swift build -c release --product zoo
echo "+ zoo generate tiny-gpt2-random \"Once upon a time\" --max-new-tokens 30" >&2
.build/release/zoo generate tiny-gpt2-random "Once upon a time" --max-new-tokens 30
echo "zoo is at $(pwd)/.build/release/zoo" >&2
