"""The Polish and Simplified Chinese catalogues: complete, consistent with their sources, compiled, and
actually used by the pages. docs/translations.md says how to update them."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from csm.accounts.roles import Role
from csm.catalogue.models import Direction, Openness, Staffing
from csm.catalogue.tests.factories import (
    ServiceFactory,
    TouchFaceFactory,
    TouchLineFactory,
    TouchPointFactory,
)
from csm.core.tests.factories import office_calendar
from csm.web.navigation import SECTIONS

LOCALE = Path(settings.LOCALE_PATHS[0])
CSM = Path(__file__).resolve().parents[2]
LANGUAGES = {
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "zh_Hans": "nplurals=1; plural=0;",
}
# Polish words that are spelt as in English.
# Statistical symbols (sample size n, count x, proportion p, 90th percentile) read the same everywhere.
SYMBOLS = {"n", "x", "p", "P90"}
SAME_IN_POLISH = {"Status", "E-mail", "Kiosk", "system", "Menu", "NPS", "API", "MDD", "Segment", "segment", *SYMBOLS}
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def _entries(language: str) -> list[polib.POEntry]:
    return [entry for entry in _catalogue(language) if not entry.obsolete]


def _translations(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if entry.msgid_plural else [entry.msgstr]


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def _tags(text: str) -> list[str]:
    return sorted(_TAG.findall(text))


# (a) every entry is translated, keeps its placeholders and HTML ------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    catalogue = _catalogue(language)
    untranslated = [e.msgid for e in _entries(language) if not all(_translations(e)) or "fuzzy" in e.flags]
    assert untranslated == []
    assert catalogue.metadata_is_fuzzy in (False, [], None)
    assert len(catalogue.untranslated_entries()) == 0
    assert len(_entries(language)) > 400


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_header_and_forms_agree(language):
    catalogue = _catalogue(language)
    assert catalogue.metadata["Plural-Forms"] == LANGUAGES[language]
    nplurals = int(re.search(r"nplurals=(\d)", LANGUAGES[language]).group(1))
    plurals = [e for e in _entries(language) if e.msgid_plural]
    assert plurals
    assert {len(e.msgstr_plural) for e in plurals} == {nplurals}


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_tags_of_their_source(language):
    wrong = []
    for entry in _entries(language):
        source = entry.msgid_plural or entry.msgid
        for text in _translations(entry):
            if _placeholders(text) != _placeholders(source) or _tags(text) != _tags(source):
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_no_polish_translation_is_a_copy_of_the_english_except_shared_words():
    copies = {e.msgid for e in _entries("pl") if not e.msgid_plural and e.msgstr == e.msgid}
    assert copies == SAME_IN_POLISH


def test_every_chinese_translation_is_written_in_chinese():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    latin_only = [t for e in _entries("zh_Hans") if e.msgid not in SYMBOLS for t in _translations(e)
                  if not cjk.search(t)]
    assert latin_only == []


# (b) the committed .mo files are compiled from the .po files -----------------------------------------

def _mapping(catalogue: polib._BaseFile) -> dict[tuple[str | None, str], tuple[str, ...]]:
    return {
        (entry.msgctxt, entry.msgid): tuple(_translations(entry))
        for entry in catalogue
        if entry.msgid and not entry.obsolete
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    compiled = polib.mofile(str(folder / "django.mo"))
    assert _mapping(compiled) == _mapping(polib.pofile(str(folder / "django.po")))


# (c) Django picks the translations up ----------------------------------------------------------------

@pytest.mark.parametrize(("language", "expected"), [
    ("pl", ["Administrator organizacji", "Menedżer jakości", "Osoba rozpatrująca skargi", "Inspektor", "Asesor",
            "Obserwator (tylko odczyt)"]),
    ("zh-hans", ["组织管理员", "质量经理", "投诉处理员", "检查员", "评估员", "查看者"]),
])
def test_role_labels_are_translated(language, expected):
    with translation.override(language):
        assert [str(label) for label in Role.labels] == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("pl", ["Punkty styku", "Linie styku", "Płaszczyzny styku", "Mapa usługi", "Ślad audytowy",
            "Kalendarze robocze", "Tokeny API"]),
    ("zh-hans", ["接触点", "接触线", "接触面", "服务蓝图", "审计记录", "工作日历", "API 令牌"]),
])
def test_domain_terms_follow_the_glossary(language, expected):
    english = ["Touch points", "Touch lines", "Touch faces", "Service blueprint", "Audit trail",
               "Business calendars", "API tokens"]
    with translation.override(language):
        assert [gettext(text) for text in english] == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("pl", ["Obsługiwany przez personel", "Bez obsługi", "Jednokierunkowa", "Dwukierunkowa", "Półotwarta",
            "W pełni otwarta"]),
    ("zh-hans", ["有人", "无人", "单程", "双程", "半开放", "全开放"]),
])
def test_blueprint_choices_are_translated(language, expected):
    with translation.override(language):
        labels = [*Staffing.labels, *Direction.labels, *Openness.labels]
        assert [str(label) for label in labels] == expected


def test_polish_plurals_follow_the_polish_rule():
    with translation.override("pl"):
        counts = {n: translation.ngettext("%(total)s touch point", "%(total)s touch points", n) % {"total": n}
                  for n in (1, 2, 5, 12, 22, 25)}
    assert counts == {1: "1 punkt styku", 2: "2 punkty styku", 5: "5 punktów styku", 12: "12 punktów styku",
                      22: "22 punkty styku", 25: "25 punktów styku"}


# (d) real pages, rendered for alice in each language -------------------------------------------------

class _VisibleText(HTMLParser):
    """Text nodes and the human-readable attributes of a page, without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")
        self.parts += [value for name, value in attrs if name in ("aria-label", "title", "placeholder") and value]

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def _visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def _shown(label: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text) is not None


def _english_interface_strings() -> list[str]:
    with translation.override("en"):
        navigation = [str(s.label) for s in SECTIONS] + [str(i.label) for s in SECTIONS for i in s.items]
    return [*navigation, "Skip to main content", "Change language", "Sign out", "At a glance", "Your role",
            "New touch point", "New calendar", "Legend", "Staffed touch point", "Working intervals"]


PAGES = ["dashboard", "catalogue:blueprint", "catalogue:touch_points", "core:calendars", "core:audit"]


@pytest.fixture
def acme_blueprint(alice):
    service = ServiceFactory(organization=alice.organization, name="Pobyt")
    desk = TouchPointFactory(service=service, name="Recepcja", staffing=Staffing.STAFFED)
    kiosk = TouchPointFactory(service=service, name="Kiosk", staffing=Staffing.UNSTAFFED)
    line = TouchLineFactory(service=service, name="Zameldowanie", points=[desk, kiosk], direction=Direction.ROUND_TRIP)
    TouchFaceFactory(service=service, name="Lobby", touch_points=[desk], openness=Openness.FULLY_OPEN)
    office_calendar(alice.organization, name="Biuro")
    return line


@pytest.mark.parametrize(("accept", "lang", "translated"), [
    ("pl", "pl", "Punkty styku"),
    ("zh-Hans", "zh-hans", "接触点"),
])
@pytest.mark.parametrize("page", PAGES)
def test_pages_show_no_english_interface_text(alice, acme_blueprint, page, accept, lang, translated):
    response = alice.browser().get(reverse(page, kwargs={"org_slug": "acme"}), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    text = _visible_text(html)
    assert translated in text
    assert [s for s in _english_interface_strings() if _shown(s, text)] == []


def test_the_same_page_in_english_shows_the_english_labels(alice, acme_blueprint):
    """The check above can fail: in English the labels it looks for are there."""
    response = alice.browser().get(reverse("catalogue:blueprint", kwargs={"org_slug": "acme"}),
                                   HTTP_ACCEPT_LANGUAGE="en")
    text = _visible_text(response.content.decode())
    assert [s for s in ("Touch points", "Service blueprint", "Audit trail", "Legend") if not _shown(s, text)] == []


# Source completeness: templates have no visible text outside {% translate %} -------------------------

# Names that are never translated: acronyms, statistical symbols (n, Pearson's r) and the names of
# the languages in their own language (autonyms), as every language switcher shows them.
ALLOWED_WORDS = {"CSM", "API", "CSV", "ID", "ISO", "IANA", "UTC", "URL", "n", "r", "English", "Polski", "简体中文", "中文"}
_BLANKED = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"<(script|style|code|pre)\b.*?</\1>", re.S | re.I),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"&[#\w]+;"),
]
_TEXT_NODE = re.compile(r"(?:^|>)([^<>]+)(?=<|$)")
_READABLE_ATTRIBUTE = re.compile(r"""\b(?:aria-label|title|placeholder|alt)\s*=\s*("[^"]*"|'[^']*')""")


def untranslated_template_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of each text node or readable attribute with words outside translate tags.

    A heuristic: template tags, variables, comments, blocktranslate blocks and script/style/code/pre
    elements are blanked out (keeping line numbers), then what is left between tags is looked at."""
    text = source
    for pattern in _BLANKED:
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    found = []
    for regex in (_TEXT_NODE, _READABLE_ATTRIBUTE):
        for match in regex.finditer(text):
            raw = match.group(1).strip("'\"")
            value = " ".join(raw.split())
            if [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", value) if w not in ALLOWED_WORDS]:
                start = match.start(1) + len(match.group(1)) - len(match.group(1).lstrip("'\" \t\n"))
                found.append((text.count("\n", 0, start) + 1, value))
    return sorted(found)


@pytest.mark.parametrize(("source", "expected"), [
    ('{% block title %}Units{% endblock %}', [(1, "Units")]),
    ('<p>\n  Hello {{ name }}</p>', [(2, "Hello")]),
    ('<a title="Go" href="/">{% translate "Go" %}</a>', [(1, "Go")]),
    ('<p>{% translate "Hello" %} <b>CSM</b> &times; {{ x }}</p>', []),
    ('<p>{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}</p><code>curl x</code>', []),
    ('<input placeholder="{% translate \'Search\' %}">', []),
])
def test_the_template_check_finds_untranslated_text(source, expected):
    assert untranslated_template_text(source) == expected


def test_templates_have_no_untranslated_text():
    found = [
        f"{path.relative_to(CSM.parent)}:{line}: {value}"
        for path in sorted(CSM.glob("**/templates/**/*.html"))
        for line, value in untranslated_template_text(path.read_text(encoding="utf-8"))
    ]
    assert found == []
