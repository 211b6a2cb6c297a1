"""What an upload must pass before any parser sees it, and names that never become paths.

* The zip directory and the extent of the sheets are checked by compiler.workbook.guard, the
  same guard the command line and the reader use; here a refusal becomes an HTTP answer.
* The uploaded file name is kept only to show it and to name downloads: `display_name` strips any
  folder part, control characters and characters Windows forbids. It is never joined to a path.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..workbook import guard
from ..workbook.guard import MB, ZipLimits, size_text  # noqa: F401  (size_text: used by app)


@dataclass(frozen=True)
class Limits(ZipLimits):
    upload: int = 20 * MB           # one uploaded file


class Refused(Exception):
    """An upload refused before parsing; the message is for the user (Chinese)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def inspect_zip(path: Path, limits: Limits) -> None:
    """Raise Refused when the zip directory of `path` describes a bomb. Non-zips pass."""
    try:
        guard.inspect_zip(path, limits)
    except guard.Unsafe as exc:
        raise Refused(exc.message) from None


_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def display_name(raw: str | None, default: str = "工作簿.xlsx", limit: int = 80) -> str:
    """The uploaded name made safe to show and to offer as a download name (never a path)."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\x00", "")
    name = re.split(r"[/\\]", name)[-1]                       # drop any folder part
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # control, format
    name = _FORBIDDEN.sub("_", name).strip(" .")
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: limit - len(ext) - 1] + "." + ext) if dot and len(ext) <= 5 else name[:limit]
    return name or default


def stem_of(name: str) -> str:
    stem = name[:-5] if name.lower().endswith(".xlsx") else name.rsplit(".", 1)[0] if "." in name else name
    return stem.strip(" .") or "工作簿"
