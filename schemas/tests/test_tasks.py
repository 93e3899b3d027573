import math

import pytest

from faceschemas import remaps
from faceschemas.tasks import TASKS, age_years_to_group, parse_tasks, task_letters, yaw_to_bin


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("EP", ("emotion", "pose")),
        ("PE", ("emotion", "pose")),
        ("epga", ("emotion", "pose", "age", "gender")),
        ("emotion,smile", ("emotion", "smile")),
        ("gender", ("gender",)),
        (["pose", "E"], ("emotion", "pose")),
    ],
)
def test_parse_tasks_accepts_letters_names_and_keeps_canonical_order(spec, expected):
    assert parse_tasks(spec) == expected


@pytest.mark.parametrize("spec", ["EX", "EE", "", "emotion,happiness"])
def test_parse_tasks_rejects_unknown_duplicate_or_empty(spec):
    with pytest.raises(ValueError):
        parse_tasks(spec)


def test_letters_round_trip():
    assert task_letters(parse_tasks("SAGPE")) == "EPAGS"


def test_class_counts_match_the_original_code():
    assert {n: s.num_classes for n, s in TASKS.items()} == {"emotion": 7, "pose": 5, "age": 8, "gender": 2, "smile": 2}


@pytest.mark.parametrize(
    ("deg", "bin_"),
    [(0, 0), (9.99, 0), (-9.99, 0), (10, 1), (59.9, 1), (-10, 2), (-59.9, 2), (-60, 3), (-90, 3), (60, 4), (95, 4)],
)
def test_yaw_bins_follow_aflw_boundaries(deg, bin_):
    assert yaw_to_bin(deg) == bin_


def test_yaw_nan_is_an_error():
    with pytest.raises(ValueError):
        yaw_to_bin(math.nan)


@pytest.mark.parametrize(("age", "group"), [(0, 0), (2, 0), (3, 0), (5, 1), (14, 3), (22, 3), (23, 4), (35, 4), (36, 5), (70, 7)])
def test_age_years_map_to_nearest_adience_group(age, group):
    assert age_years_to_group(age) == group


def test_ferplus_remap_never_reuses_indices_silently():
    emotion = TASKS["emotion"].class_names
    assert emotion[remaps.FERPLUS_EMOTION["happiness"]] == "happy"
    assert emotion[remaps.FERPLUS_EMOTION["neutral"]] == "neutral"
    assert len(set(remaps.FERPLUS_EMOTION.values())) == 7
    assert "contempt" not in remaps.FERPLUS_EMOTION


def test_remap_unknown_label_names_table_and_value():
    with pytest.raises(ValueError, match=r"'u' is not in adience/gender"):
        remaps.remap("adience/gender", "u")
    assert remaps.remap("adience/age", "(25, 32)") == 4
    assert remaps.remap("sfew/emotion", "Surprise") == 5
