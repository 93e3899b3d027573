"""The built-in benchmark: procedural faces in four disjoint datasets with hidden ground truth.

`build_benchmark(out_dir)` renders an ExpW-, AFLW-, Adience- and CelebA-like dataset, each
labelling only its own task(s), prepares them through the Beam pipeline, and keeps every
image's full attribute vector in `hidden_truth/` for evaluation (`load_hidden_truth`). With
`full_labels=True` it also writes every dataset with all five (noisy) labels into
`full_labels/<dataset>/`: the oracle that bounds what the disjoint methods can reach.
"""

from __future__ import annotations

from facedata.synth.attributes import FaceSpec, sample_face
from facedata.synth.benchmark import GENERATOR_VERSION, build_benchmark, dataset_sizes
from facedata.synth.domains import Domain, domain_names, get_domain
from facedata.synth.full_labels import full_labels_path, load_full_label_manifests
from facedata.synth.raw import LABEL_NOISE, make_sample, write_raw_dataset
from facedata.synth.renderer import render
from facedata.synth.truth import hidden_truth_path, load_hidden_truth

__all__ = [
    "GENERATOR_VERSION", "LABEL_NOISE", "Domain", "FaceSpec", "build_benchmark", "dataset_sizes",
    "domain_names", "full_labels_path", "get_domain", "hidden_truth_path",
    "load_full_label_manifests", "load_hidden_truth", "make_sample", "render", "sample_face",
    "write_raw_dataset",
]
