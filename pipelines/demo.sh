#!/usr/bin/env bash
# `make demo`: the main job on the built-in data, end to end.
#   1. prepare the built-in benchmark (four disjoint synthetic datasets; cached after the first run)
#   2. train All-in-one (joint), DML-LWF (alternating + distillation) and SA-MTL (alternating +
#      weighted pseudo-labels) on emotion + pose
#   3. show how good SA-MTL's pseudo-labels were (hidden truth), then score every task on every
#      dataset and print the comparison table
#   4. annotate a real photograph (matplotlib's sample portrait) with the offline demo
set -euo pipefail
data=${1:-data/benchmark}
runs=${2:-runs/demo}
epochs=${DEMO_EPOCHS:-4}
mtl=.venv/bin/mtl

echo "== 1. built-in benchmark in $data"
$mtl data synth --out "$data"

echo "== 2. training on emotion (synth_expw) + pose (synth_aflw), mini_xception, $epochs epochs each"
rm -rf "$runs" && mkdir -p "$runs"
common=(--tasks EP --model mini_xception --batch_size 64 --learning-rate 1e-3 --epochs "$epochs"
        --dataset_emotion synth_expw --dataset_pose synth_aflw --data-root "$data" --runs-dir "$runs" --quiet)
$mtl train --preset all-in-one "${common[@]}"
# The published DML-LWF flags, typos included, run unchanged:
$mtl train --preset dml-lwf "${common[@]}" --is_distilled=True --is_pesudo=False--is_interpolation=False distill_t=1
sa_mtl=$($mtl train --preset sa-mtl "${common[@]}" | tee /dev/stderr | tail -n 1)

echo "== 3. SA-MTL's pseudo-labels, refresh by refresh (precision from the hidden truth)"
$mtl pseudo "$sa_mtl"

echo "== 4. comparison (test split; † marks cross-domain columns, scored on the hidden truth)"
$mtl compare "$runs"/*/ --chart "$runs/compare.png"

echo "== 5. a real photograph, annotated (faces found by MTCNN; emotion from the FER2013 model)"
photo=$(.venv/bin/python -c 'import matplotlib.cbook as c; print(c.get_sample_data("grace_hopper.jpg", asfileobj=False))')
$mtl demo image "$photo" --out "$runs/faces"
