"""Every adapter on a minimal fixture in its real on-disk format (datasets.md), end to end
through the Beam job: the right records with the right canonical labels and splits, and the
right rejections in quarantine."""

from __future__ import annotations

import facedata_fixtures as fixtures
import facedata_readback as readback
import pytest

from facedata.images import clamp_box
from facedata.pipeline import prepare
from facedata.sources import LayoutError, get_source, source_names
from faceschemas.tasks import TASKS

CASES = {
    "fer2013": ("fer2013", fixtures.write_fer2013_csv, {}),
    "fer2013-icml": ("fer2013", fixtures.write_icml_csv, {}),
    "fer2013_folders": ("fer2013_folders", fixtures.write_fer2013_folders, {}),
    "ferplus": ("ferplus", fixtures.write_ferplus, {}),
    "expw": ("expw", fixtures.write_expw, {}),
    "sfew": ("sfew", fixtures.write_sfew, {}),
    "aflw": ("aflw", fixtures.write_aflw, {}),
    "adience": ("adience", fixtures.write_adience, {}),
    "imdb_wiki": ("imdb_wiki", fixtures.write_imdb_wiki, {}),
    "imdb_wiki-imdb": ("imdb_wiki", fixtures.write_imdb, {}),
    "celeba": ("celeba", fixtures.write_celeba, {}),
    "chalearn-appa": ("chalearn_lap", fixtures.write_chalearn_appa, {}),
    "chalearn-lap": ("chalearn_lap", fixtures.write_chalearn_lap, {}),
    "utkface": ("utkface", fixtures.write_utkface, {}),
    "imagefolder": ("imagefolder", fixtures.write_imagefolder, {}),
    "csv": ("csv", fixtures.write_csvlist, {}),
}


def test_every_registered_adapter_has_a_fixture():
    assert set(source_names()) - {"synth"} <= {source for source, _, _ in CASES.values()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_adapter_end_to_end(case, tmp_path):
    source, writer, options = CASES[case]
    written = writer(tmp_path / "raw")
    good, bad = written if isinstance(written, tuple) else (written, {})
    manifest = prepare(source, tmp_path / "raw", tmp_path / "out", adapter_options=options, image_size=32)
    got = readback.records(tmp_path / "out" / source)
    assert set(got) == set(good)
    for sample_id, (labels, split) in good.items():
        got_labels, got_split, _ = got[sample_id]
        want = {t: labels.get(t, -1) for t in TASKS}
        assert got_labels == want, sample_id
        assert split is None or got_split == split, sample_id
    assert readback.reasons(tmp_path / "out" / source) == bad
    assert manifest.quarantined == sum(bad.values())
    assert sum(s.count for s in manifest.splits.values()) == len(good)


@pytest.mark.parametrize("source", sorted(set(source_names()) - {"synth"}))
def test_wrong_input_fails_before_work_with_one_line(source, tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "readme.txt").write_text("not a dataset")
    with pytest.raises(LayoutError) as err:
        prepare(source, tmp_path / "raw", tmp_path / "out")
    assert "\n" not in str(err.value) and "expected" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_values_are_kept_in_degrees_and_years(tmp_path):
    fixtures.write_aflw(tmp_path / "raw")
    prepare("aflw", tmp_path / "raw", tmp_path / "out", image_size=16)
    example = readback.records(tmp_path / "out" / "aflw")["aflw/1"][2]
    assert example.features.feature["value/yaw"].float_list.value[0] == pytest.approx(45.0, abs=1e-3)


def test_expw_box_is_top_left_right_bottom(tmp_path):
    fixtures.write_expw(tmp_path)
    record = next(get_source("expw")(tmp_path).read())
    top, bottom, left, right = clamp_box(record.box, 300, 300)
    assert (bottom - top, right - left) == (113, 113) and (top, left) == (28, 113)


def test_ferplus_contempt_option_folds_into_disgust(tmp_path):
    fixtures.write_ferplus(tmp_path / "raw")
    manifest = prepare("ferplus", tmp_path / "raw", tmp_path / "out", image_size=16,
                       adapter_options={"contempt": "disgust"})
    labels, split, _ = readback.records(tmp_path / "out" / "ferplus")["ferplus/00004"]
    assert (labels["emotion"], split) == (1, "test") and "contempt_dropped" not in manifest.quarantine_reasons
    with pytest.raises(ValueError, match="contempt"):
        prepare("ferplus", tmp_path / "raw", tmp_path / "out", adapter_options={"contempt": "keep"})
