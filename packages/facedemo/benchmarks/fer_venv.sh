#!/usr/bin/env bash
# A separate venv with the `fer` package (its own video pipeline) for bench_fer.py, without torch:
# fer needs facenet-pytorch only for its MTCNN option, and the comparison uses its Haar detector.
# Usage: bash packages/facedemo/benchmarks/fer_venv.sh [/tmp/fer-venv]; then FER_PYTHON=<venv>/bin/python.
set -euo pipefail
venv=${1:-/tmp/fer-venv}
uv venv --quiet --python 3.11 "$venv"
uv pip install --quiet --python "$venv/bin/python" --no-deps "fer==25.10.3"
uv pip install --quiet --python "$venv/bin/python" "tensorflow==2.21.*" "opencv-python-headless>=4.10,<5" \
    pandas tqdm pillow matplotlib requests "setuptools<81"
echo "FER_PYTHON=$venv/bin/python"
