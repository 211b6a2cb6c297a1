"""The fonts the document needs: a Chinese serif and a Chinese sans, named in every CSS font
stack. Coverage is read from the fonts' own character maps (fontTools, which WeasyPrint
already depends on), so a character no named font can draw is found before printing."""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

# The families the default CSS names, in order of preference per role.
SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN")
SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN")
IGNORED = {"\n", "\r", "\t", "\u00a0", "\u200b", "\ufeff"}


@lru_cache(maxsize=None)
def font_files(family: str) -> tuple[Path, ...]:
    if not shutil.which("fc-list"):
        return ()
    out = subprocess.run(["fc-list", f":family={family}", "file"], capture_output=True,
                         text=True, check=False).stdout
    return tuple(sorted({Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()}))


@lru_cache(maxsize=None)
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = TTCollection(str(path), lazy=True).fonts[:1]
        else:
            fonts = [TTFont(str(path), lazy=True)]
        codes: set[int] = set()
        for f in fonts:
            codes |= set(f["cmap"].getBestCmap() or {})
        return frozenset(codes)
    except Exception:  # an unreadable font covers nothing
        return frozenset()


def found() -> dict[str, dict[str, tuple[Path, ...]]]:
    """{'serif': {family: files}, 'sans': {...}} for the families that are installed."""
    return {role: {fam: font_files(fam) for fam in fams if font_files(fam)}
            for role, fams in (("serif", SERIF), ("sans", SANS))}


def coverage() -> frozenset[int]:
    codes: set[int] = set()
    for role in found().values():
        for files in role.values():
            for f in files:
                codes |= _cmap(f)
    return frozenset(codes)


def missing_glyphs(text: str) -> list[str]:
    """Characters of text that none of the named CJK fonts can draw (all of them when no
    such font is installed), in order of first appearance."""
    have = coverage()
    seen: dict[str, None] = {}
    for ch in text:
        if ch not in IGNORED and ord(ch) not in have and ch not in seen:
            seen[ch] = None
    return list(seen)
