"""The results page: tables over seeds, ranks, paired differences, gap closed, pseudo-label quality."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from faceschemas.report import RunReport
from faceschemas.suite import Membership, RunRecord
from mtl_methods.metrics import task_metrics
from mtl_methods.results import (
    Entry,
    best_baseline,
    build_table,
    columns_of,
    gap_closed,
    load_entries,
    mean_ranks,
    paired_difference,
    pseudo_quality,
)
from mtl_methods.results_page import render

DATASETS = {"emotion": "synth_expw", "pose": "synth_aflw"}


def metric(task, dataset, accuracy, truth="labels", n=20):
    right = round(accuracy * n)
    pred = np.r_[np.zeros(right, int), np.ones(n - right, int)]
    return task_metrics(task, dataset, "test", np.zeros(n, int), pred, ground_truth=truth)


def entry(name, seed, emotion, pose, cross_emotion=0.1, group="EP", epochs=()):
    """A run with in-domain accuracies and one cross-domain column (emotion on the pose images)."""
    metrics = [metric("emotion", "synth_expw", emotion), metric("pose", "synth_aflw", pose),
               metric("emotion", "synth_aflw", cross_emotion, "hidden"),
               metric("emotion", "synth_expw", 0.99, "hidden"),  # in-domain hidden: not a column
               metric("pose", "synth_aflw", 0.5, "labels").model_copy(update={"split": "val"})]
    report = RunReport(run_id=f"{name}-{seed}", method="joint", paper_method=name, tasks=("emotion", "pose"),
                       backbone="mini_xception", seed=seed, created_at=datetime.now(timezone.utc),
                       epochs_completed=2, metrics=metrics)
    return Entry(name, group, seed, {"datasets": DATASETS, "seed": seed}, report, list(epochs))


def test_columns_take_in_domain_from_labels_and_cross_domain_from_the_hidden_truth():
    values = columns_of(entry("A", 0, 0.5, 0.6, 0.25))
    assert values == {"emotion@synth_expw": 0.5, "pose@synth_aflw": 0.6, "emotion@synth_aflw": 0.25}


def test_table_groups_seeds_ranks_and_picks_the_best_baseline():
    entries = [entry("All-in-one", s, 0.5, 0.6) for s in (0, 1)] + [entry("SA-MTL", s, 0.6, 0.5 + 0.05 * s)
                                                                    for s in (0, 1)]
    entries += [entry("DML-LWF", 0, 0.4, 0.4), entry("STL", 0, 0.7, 0.7, group="stl")]
    table = build_table("EP", entries)
    assert table.rows == ["All-in-one", "SA-MTL", "DML-LWF", "STL"]
    assert table.columns == ["emotion@synth_expw", "pose@synth_aflw", "emotion@synth_aflw"]
    assert table.values("SA-MTL", "pose@synth_aflw") == [0.5, 0.55]
    ranks = mean_ranks(table)
    # emotion@expw: STL 1, SA-MTL 2, All-in-one 3, DML 4; pose@aflw: STL 1, All-in-one 2,
    # SA-MTL 3 (0.525), DML 4; emotion@aflw: all four tie at 0.1 (ranks 1-4 -> 2.5 each).
    assert ranks == pytest.approx({"STL": 4.5 / 3, "SA-MTL": 7.5 / 3, "All-in-one": 7.5 / 3, "DML-LWF": 10.5 / 3})
    assert best_baseline(table) == "All-in-one"  # single-task rows are not a multi-task baseline
    diff = paired_difference(table, "SA-MTL", "All-in-one")
    assert diff["emotion@synth_expw"] == pytest.approx((10.0, 0.0, 2))
    mean, std, n = diff["pose@synth_aflw"]
    assert (mean, n) == (pytest.approx(-7.5), 2) and std == pytest.approx(np.std([-10, -5], ddof=1))


def test_gap_closed_is_a_fraction_of_the_oracle_gap_and_says_when_there_is_none():
    entries = []
    for s, (floor, method, ceiling) in enumerate([(0.4, 0.5, 0.8), (0.5, 0.6, 0.7)]):
        entries += [entry("All-in-one", s, floor, 0.6), entry("SA-MTL", s, method, 0.6 + 0.01 * s),
                    entry("Oracle", s, ceiling, 0.6 + 0.02 * s)]
    table = build_table("EP", entries)
    assert set(mean_ranks(table)) == {"All-in-one", "SA-MTL"}  # the ceiling is not a competitor
    closed = gap_closed(table, "SA-MTL")
    # per seed (0.5-0.4)/(0.8-0.4) = 0.25 and (0.6-0.5)/(0.7-0.5) = 0.5
    assert closed["emotion@synth_expw"] == f"{0.375:.2f} ± {np.std([0.25, 0.5], ddof=1):.2f}"
    assert closed["pose@synth_aflw"] == "no gap to close"  # oracle - floor = 0 and 0.02: noise


def test_pseudo_quality_takes_the_last_refresh_per_task():
    epochs = [{"epoch": 0, "pseudo/pose/synth_expw/precision": 0.2, "pseudo/pose/synth_expw/auroc_weight": 0.6},
              {"epoch": 1, "pseudo/emotion/synth_aflw/precision": 0.3},
              {"epoch": 2, "pseudo/pose/synth_expw/precision": 0.4, "pseudo/pose/synth_expw/auroc_weight": 0.7}]
    quality = pseudo_quality([entry("SA-MTL", 0, 0.5, 0.5, epochs=epochs)])
    assert quality["SA-MTL [EP]"]["pose@synth_expw/precision"] == [0.4]
    assert quality["SA-MTL [EP]"]["pose@synth_expw/auroc_weight"] == [0.7]
    assert quality["SA-MTL [EP]"]["emotion@synth_aflw/precision"] == [0.3]


def test_page_renders_from_records_alone(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    for e in [entry("All-in-one", s, 0.5, 0.6) for s in (0, 1)] + [entry("SA-MTL", s, 0.6, 0.6) for s in (0, 1)]:
        record = RunRecord(memberships=[Membership(suite="paper", name=e.name, group="EP"),
                                        Membership(suite="ablation", name=e.name, group="factors")],
                           config_hash=f"{e.name}-{e.seed}", config=e.config, report=e.report,
                           reliability={"pose": [(0.0, 0.5, 10, 0.2), (0.5, 1.0, 10, 0.6)]})
        (folder / f"{e.name}-{e.seed}.json").write_text(record.model_dump_json())
    entries = load_entries([folder])
    assert sorted({(e.group, e.name) for e in entries}) == [("EP", "All-in-one"), ("EP", "SA-MTL"),
                                                            ("factors", "All-in-one"), ("factors", "SA-MTL")]
    page = render(entries, tmp_path / "docs" / "results.md").read_text()
    assert "## EP" in page and "## factors" in page
    assert "| SA-MTL | 2 | 60.0 ± 0.0 | 60.0 ± 0.0 | 10.0 ± 0.0 |" in page
    assert "SA-MTL minus the best baseline (All-in-one)" in page and "+10.0 ± 0.0 (n=2)" in page
    assert (tmp_path / "docs" / "results_EP.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "docs" / "results_reliability.png").is_file()
    assert "\n\n\n" not in page


def test_refresh_diagnostics_read_back_what_pseudo_key_names():
    from mtl_methods.runs import pseudo_key, refresh_diagnostics

    record = {"epoch": 3, "loss": 1.2, pseudo_key("pose", "synth_expw", "precision"): 0.6,
              pseudo_key("pose", "synth_expw", "auroc_weight"): 0.7,
              pseudo_key("emotion", "synth_aflw", "precision"): 0.4, "pseudo/not-a-diagnostic": 1}
    assert refresh_diagnostics(record) == {("pose", "synth_expw"): {"precision": 0.6, "auroc_weight": 0.7},
                                           ("emotion", "synth_aflw"): {"precision": 0.4}}


def test_tables_without_sa_mtl_compare_each_row_with_single_task_training():
    from mtl_methods.results_page import findings, single_task_markdown

    entries = [entry("MTL", s, 0.6 + 0.1 * s, 0.5, group="MobileNetV2") for s in (0, 1)]
    entries += [entry("STL", s, 0.5, 0.6, group="MobileNetV2") for s in (0, 1)]
    table = build_table("MobileNetV2", entries)
    section = single_task_markdown(table)
    # emotion: +10 and +20 points -> +15 ± 7.1; pose: -10 both seeds; emotion@aflw: 0 both
    assert f"| MTL | +15.0 ± {np.std([10, 20], ddof=1):.1f} (n=2) | -10.0 ± 0.0 (n=2) | +0.0 ± 0.0 (n=2) | +1.7 |" in section
    assert "method minus STL" in section
    assert findings([table]) == ["- MobileNetV2: MTL minus STL is +1.7 points on average over 3 column(s), above it in 1."]
    with_proposed = build_table("EP", entries + [entry("SA-MTL", 0, 0.6, 0.6, group="EP"),
                                                 entry("STL", 0, 0.5, 0.5, group="EP")])
    assert single_task_markdown(with_proposed) == ""  # the paper's tables answer another question


def test_every_sa_mtl_variant_of_a_table_gets_its_paired_row_against_the_best_baseline():
    from mtl_methods.results_page import findings, paired_markdown

    entries = []
    for s in (0, 1):
        entries += [entry("All-in-one", s, 0.5, 0.6), entry("DML-LWF", s, 0.4, 0.4),
                    entry("SA-MTL", s, 0.45, 0.6), entry("SA-MTL, 24 epochs", s, 0.6 + 0.1 * s, 0.65)]
    table = build_table("EP", entries)
    section, baseline, overall = paired_markdown(table)
    assert baseline == "All-in-one"  # the variants are not baselines of SA-MTL
    # SA-MTL: -5, 0, 0 -> mean -1.7; 24 epochs: +10/+20 -> +15 ± 7.1, +5, 0 -> mean +6.7
    assert "| SA-MTL | -5.0 ± 0.0 (n=2) | +0.0 ± 0.0 (n=2) | +0.0 ± 0.0 (n=2) | -1.7 |" in section
    assert (f"| SA-MTL, 24 epochs | +15.0 ± {np.std([10, 20], ddof=1):.1f} (n=2) | +5.0 ± 0.0 (n=2) "
            "| +0.0 ± 0.0 (n=2) | +6.7 |") in section
    assert overall == pytest.approx({"SA-MTL": -5 / 3, "SA-MTL, 24 epochs": 20 / 3})
    said = findings([table])
    assert said[1].startswith("  Over the columns it is 1.7 points below the best baseline, All-in-one")
    assert said[2].startswith("  Over the columns SA-MTL, 24 epochs (mean rank ")
    assert "6.7 points above the best baseline, All-in-one" in said[2]


def test_the_findings_compare_every_sa_mtl_row_with_single_task_training_where_the_table_has_it():
    from mtl_methods.results_page import findings

    entries = []
    for s in (0, 1):
        entries += [entry("STL", s, 0.5, 0.6, group="stl"), entry("All-in-one", s, 0.5, 0.6),
                    entry("SA-MTL", s, 0.45, 0.6, cross_emotion=0.2 + 0.1 * s)]
    said = findings([build_table("EP", entries)])
    # emotion -5, pose 0, emotion on the pose images +10 / +20 -> (-5 + 0 + 15) / 3
    assert said[-1] == "  SA-MTL minus STL (one single-task model per task) is +3.3 points on average over 3 column(s), above it in 1."
    no_stl = findings([build_table("EP", [e for e in entries if e.name != "STL"])])
    assert not any("minus STL" in line for line in no_stl)


def test_runs_that_answer_one_class_are_listed_once_with_their_share():
    from dataclasses import replace

    from mtl_methods.results import predicted_share
    from mtl_methods.results_page import one_class_markdown

    # metric(): truth all class 0, predictions class 0 for `accuracy` of the images, else class 1.
    assert predicted_share(metric("emotion", "synth_aflw", 0.25)) == 0.75
    entries = [entry("All-in-one", s, 0.5, 0.6) for s in (0, 1)]
    entries += [entry("DCN-AP", 1, 0.5, 0.6, cross_emotion=1.0), entry("DCN-AP", 0, 0.5, 0.6, cross_emotion=0.96),
                entry("DCN-AP", 2, 0.5, 0.6, cross_emotion=0.9)]
    again = [replace(e, group="warm-up") for e in entries]  # the same runs in a second table
    tables = [build_table("EP", entries + again), build_table("warm-up", entries + again)]
    section = one_class_markdown(tables, entries + again)
    # 0.96 of 20 images rounds to 19 (95 %, the threshold, listed); seed 2 with 90 % is not.
    assert "| EP | DCN-AP | emotion@synth_aflw | 0, 1 | 95, 100 | 95.0, 100.0 |" in section
    assert section.count("| DCN-AP |") == 1 and "| All-in-one |" not in section
    assert one_class_markdown([build_table("EP", entries[:2])], entries[:2]) == ""
