#!/usr/bin/env bash
# Creates .venv with Python 3.10 (Rasa 3.6 supports 3.8-3.10 only) and installs
# the locked requirements in one pip resolve, so that nothing drifts past Rasa's pins.
set -euo pipefail

venv="${VENV:-.venv}"
version="$(cat .python-version)"

find_python() {
    local pyenv_python
    if command -v pyenv > /dev/null; then
        pyenv_python="$(pyenv root)/versions/${version}/bin/python3.10"
        [[ -x "$pyenv_python" ]] && { echo "$pyenv_python"; return; }
    fi
    command -v python3.10 || {
        echo "Python 3.10 is required (Rasa 3.6 runs on 3.8-3.10 only)." >&2
        exit 1
    }
}

if [[ ! -x "$venv/bin/python" ]]; then
    python="$(find_python)"
    echo "Creating $venv with $python"
    "$python" -m venv "$venv"
fi

echo "Installing the locked requirements into $venv (a few minutes the first time)"
"$venv/bin/pip" install --progress-bar off --require-hashes --no-deps -r requirements.txt
"$venv/bin/pip" check
VENV="$venv" scripts/fetch_sentence_model.sh
