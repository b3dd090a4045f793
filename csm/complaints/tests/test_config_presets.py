"""presets.json: every required regime is there, every time limit parses, every text is in the
three languages; and the loader picks the organisation's language."""

from __future__ import annotations

import json
import re

import pytest

from csm.complaints import sla
from csm.complaints.config_presets import LANGUAGES, PRESETS_PATH, PresetData, in_language, read_presets
from csm.complaints.config_services import normalise_target

REQUIRED = {"cn-telecom", "cn-samr", "eu-adr", "uk-fca-disp", "uk-housing-ombudsman"}
RAW = json.loads(PRESETS_PATH.read_text(encoding="utf-8"))["presets"]
PRESETS = {preset.code: preset for preset in read_presets()}


def test_the_five_required_regimes_and_the_fca_payments_variant_are_shipped_once_each():
    codes = [item["code"] for item in RAW]
    assert sorted(codes) == sorted([*REQUIRED, "uk-fca-disp-payments"])
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("item", RAW, ids=[item["code"] for item in RAW])
def test_each_preset_has_exactly_the_fields_the_loader_reads(item):
    assert set(item) == {"code", "name", "targets", "external_recourse", "source"}
    assert re.fullmatch(r"[a-z0-9-]{1,40}", item["code"])
    assert set(item["targets"]) == {"acknowledge", "respond", "resolve"}
    assert item["source"].strip()


@pytest.mark.parametrize("item", RAW, ids=[item["code"] for item in RAW])
def test_each_name_and_recourse_text_is_in_english_polish_and_simplified_chinese(item):
    for texts in (item["name"], item["external_recourse"]):
        assert tuple(texts) == LANGUAGES
        assert all(text.strip() == text and text for text in texts.values())
    assert all(len(name) <= 200 for name in item["name"].values())
    assert re.search(r"[\u4e00-\u9fff]", item["name"]["zh-Hans"])
    assert re.search(r"[\u4e00-\u9fff]", item["external_recourse"]["zh-Hans"])


@pytest.mark.parametrize("item", RAW, ids=[item["code"] for item in RAW])
def test_each_target_parses_is_above_zero_and_is_written_canonically(item):
    for code in item["targets"].values():
        assert sla.parse_target(code).amount >= 1
        assert normalise_target(code) == code


@pytest.mark.parametrize(("code", "targets"), [
    ("cn-telecom", ("1wd", "15d", "15d")),
    ("cn-samr", ("7wd", "45wd", "45wd")),
    ("eu-adr", ("5wd", "20wd", "90d")),
    ("uk-fca-disp", ("5wd", "56d", "56d")),
    ("uk-fca-disp-payments", ("5wd", "15wd", "15wd")),
    ("uk-housing-ombudsman", ("5wd", "15wd", "35wd")),
])
def test_the_time_limits_are_the_legal_ones(code, targets):
    preset = PRESETS[code].targets
    assert (preset["acknowledge"], preset["respond"], preset["resolve"]) == targets


def test_a_row_carries_the_texts_of_the_organisations_language():
    row = PRESETS["uk-fca-disp"].row("zh-hans")
    assert row["name"] == "英国：金融行为监管局投诉处理规则（DISP）"
    assert row["external_recourse"].startswith("如您对我们的最终答复不满意")
    assert (row["code"], row["acknowledge_target"], row["respond_target"], row["resolve_target"]) == (
        "uk-fca-disp", "5wd", "56d", "56d")
    assert row["source"] == PRESETS["uk-fca-disp"].source


@pytest.mark.parametrize(("language", "expected"), [("pl", "Polski"), ("zh-hans", "中文"), ("zh-Hans", "中文"),
                                                    ("en", "English"), ("de", "English")])
def test_in_language_matches_case_insensitively_and_falls_back_to_english(language, expected):
    assert in_language({"en": "English", "pl": "Polski", "zh-Hans": "中文"}, language) == expected


def test_a_preset_is_read_into_frozen_data():
    preset = PresetData.from_json(RAW[0])
    assert preset == PRESETS[RAW[0]["code"]]
    with pytest.raises(AttributeError):
        preset.code = "changed"  # type: ignore[misc]
