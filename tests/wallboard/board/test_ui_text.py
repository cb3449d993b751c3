"""The board page's words: every one translated, and the page's scripts in step with the list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from wallboard.board.ui_text import UI_TEXT, ui_text

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = sorted((ROOT / "static" / "board").glob("*.js"))
TEMPLATE = ROOT / "templates" / "board" / "board.html"
LANGUAGES = ["he", "ru", "az"]
# Call-centre abbreviations read the same in every language the board speaks; Azerbaijani
# writes SMS as English does.
SAME_BY_NATURE = {
    "he": {"sl", "asa", "aht"},
    "ru": {"sl", "asa", "aht"},
    "az": {"sl", "asa", "aht", "sms_title"},
}
PLACEHOLDER = re.compile(r"\{\w+\}")


def english() -> dict[str, str]:
    with translation.override("en"):
        return {key: str(text) for key, text in UI_TEXT.items()}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_word_of_the_page_is_translated(language: str) -> None:
    source = english()
    with translation.override(language):
        translated = {key: str(text) for key, text in UI_TEXT.items()}
    same = {key for key in UI_TEXT if translated[key] == source[key]}
    assert same == SAME_BY_NATURE[language], "untranslated (or needlessly the same)"
    for key, text in translated.items():
        assert text.strip(), key
        # The page fills {n}, {source}...: a translation may move them, never drop or rename one.
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source[key])), key


def test_ui_text_gives_the_boards_language_and_leaves_the_active_one_alone() -> None:
    with translation.override("ru"):
        assert ui_text("he")["waiting"] == "ממתינים"
        assert translation.get_language() == "ru"
    assert ui_text("az")["waiting"] == "Gözləyir"
    assert ui_text("en")["waiting"] == "Waiting"


def script_defaults(path: Path) -> dict[str, str]:
    """The English table a script keeps: `translator({ key: "text", ... })` or DEFAULT_TEXT."""
    tables = re.findall(r"(?:DEFAULT_TEXT = |translator\()\{(.*?)\}\)?;", path.read_text(), re.S)
    return {
        key: text
        for table in tables
        for key, text in re.findall(r'(\w+): "((?:[^"\\]|\\.)*)"', table)
    }


def test_the_pages_scripts_and_template_use_exactly_these_words() -> None:
    source = english()
    used: set[str] = set()
    for script in SCRIPTS:
        for key, text in script_defaults(script).items():
            assert key in UI_TEXT, f"{script.name}: {key} is not in UI_TEXT"
            assert text == source[key], f"{script.name}: {key} differs from UI_TEXT"
            used.add(key)
    in_template = set(re.findall(r"board_config\.text\.(\w+)", TEMPLATE.read_text()))
    assert in_template <= set(UI_TEXT)
    assert set(UI_TEXT) == used | in_template, "UI_TEXT has words nothing shows"
