"""Every word the board page shows, translated with Django's i18n for the board's language.

The page's script keeps English defaults and takes these by key from its configuration.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

UI_TEXT = {
    "waiting": _("Waiting"),
    "longest": _("Longest"),
}


def ui_text(language: str) -> dict[str, str]:
    with translation.override(language):
        return {key: str(text) for key, text in UI_TEXT.items()}
