"""The jurisdiction presets shipped in presets.json: legal complaint time limits of a regime (CN
telecom, CN SAMR, EU ADR, UK FCA DISP, UK Housing Ombudsman), each with its name and external
recourse text in English, Polish and Simplified Chinese, and a note on its source.

The file is data, edited like code (reviewed, tested by test_config_presets.py); an organisation
copies it into its own editable JurisdictionPreset rows with `config_services.load_presets`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRESETS_PATH = Path(__file__).with_name("presets.json")
LANGUAGES = ("en", "pl", "zh-Hans")
FALLBACK_LANGUAGE = "en"


def in_language(texts: Mapping[str, str], language: str) -> str:
    """The text for a language code as Django writes it ("zh-hans" finds "zh-Hans"), else English."""
    by_code = {code.lower(): text for code, text in texts.items()}
    return by_code.get(language.lower()) or by_code.get(FALLBACK_LANGUAGE, "")


@dataclass(frozen=True)
class PresetData:
    code: str
    name: Mapping[str, str]
    targets: Mapping[str, str]
    external_recourse: Mapping[str, str]
    source: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PresetData:
        return cls(code=data["code"], name=dict(data["name"]), targets=dict(data["targets"]),
                   external_recourse=dict(data["external_recourse"]), source=data["source"])

    def row(self, language: str) -> dict[str, str]:
        """The JurisdictionPreset fields of this preset, with texts in `language`."""
        return {
            "code": self.code,
            "name": in_language(self.name, language),
            "acknowledge_target": self.targets["acknowledge"],
            "respond_target": self.targets["respond"],
            "resolve_target": self.targets["resolve"],
            "external_recourse": in_language(self.external_recourse, language),
            "source": self.source,
        }


def read_presets(path: Path = PRESETS_PATH) -> list[PresetData]:
    with path.open(encoding="utf-8") as handle:
        return [PresetData.from_json(item) for item in json.load(handle)["presets"]]
