#!/usr/bin/env bash
# The main job on the built-in data: whatever the toolkit can do today, end to end.
set -euo pipefail
data=${1:-data/benchmark}
runs=${2:-runs/demo}
mtl=.venv/bin/mtl

echo "== label spaces"
$mtl list tasks | grep -E '^[A-Z] '
echo "== the published SA-MTL command, resolved"
$mtl config check python ALTERNATIVE_EP.py --dataset_emotion=synth_expw --dataset_pose=synth_aflw \
  --model=mini_xception --epoch=4 --is_pesudo=True --is_interpolation=True --is_pesudo_confidence=True \
  --is_pesudo_density=True --is_pesudo_distribution=True --selection_threshold=0 --cluster_k=4 \
  --density_t=0.6 --quiet | head -5
