#!/usr/bin/env bash
# A separate venv with the `fer` package (its own video pipeline) for bench_fer.py, without torch:
# fer needs facenet-pytorch only for its MTCNN option, and the comparison uses its Haar detector.
# bench_fer.py runs this itself (into ~/.cache/facedemo/fer-venv) when FER_PYTHON is not set.
# Usage: bash packages/facedemo/benchmarks/fer_venv.sh [/tmp/fer-venv]; then FER_PYTHON=<venv>/bin/python.
# Environment: UV (the uv command, default `uv`), FER_VENV_PYTHON (interpreter or version, default 3.11).
set -euo pipefail
venv=${1:-/tmp/fer-venv}
uv=${UV:-uv}
$uv venv --quiet --python "${FER_VENV_PYTHON:-3.11}" "$venv"
$uv pip install --quiet --python "$venv/bin/python" --no-deps "fer==25.10.3"
$uv pip install --quiet --python "$venv/bin/python" "tensorflow==2.21.*" "opencv-python-headless>=4.10,<5" \
    pandas tqdm pillow matplotlib requests "setuptools<81"
echo "FER_PYTHON=$venv/bin/python"
