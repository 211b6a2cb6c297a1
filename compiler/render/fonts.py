"""The fonts the document needs: a Chinese serif and a Chinese sans, named in every CSS font
stack. Coverage is read from fontconfig's cache (the charsets Pango uses; fontTools decodes a
font's own character map only when fontconfig gives none), so a character no named font can
draw is found before printing."""
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
def _faces(family: str) -> tuple[tuple[Path, int, frozenset[int] | None], ...]:
    """(file, face index, code points) of each installed face of family, as fontconfig lists
    it. The code points come from fontconfig's cache (the charset Pango itself uses to pick a
    font), read in milliseconds; decoding the cmaps of four 20 MB CJK collections with
    fontTools took 0.4–0.5 s per build. None when fontconfig gives no charset."""
    if not shutil.which("fc-list"):
        return ()
    out = subprocess.run(["fc-list", "--format", r"%{file}\t%{index}\t%{charset}\n", f":family={family}"],
                         capture_output=True, text=True, check=False).stdout
    faces = []
    for line in out.splitlines():
        file, _, rest = line.partition("\t")
        index, _, charset = rest.partition("\t")
        if file.strip():
            faces.append((Path(file.strip()), int(index) if index.strip().isdigit() else 0,
                          _parse_charset(charset)))
    return tuple(sorted(faces, key=lambda f: (str(f[0]), f[1])))


@lru_cache(maxsize=None)  # the faces of one design share one charset: parse it once
def _parse_charset(text: str) -> frozenset[int] | None:
    """fontconfig's charset notation: hex code points and ranges, `20-7e a0 …`."""
    codes: set[int] = set()
    try:
        for item in text.split():
            first, _, last = item.partition("-")
            codes.update(range(int(first, 16), int(last or first, 16) + 1))
    except ValueError:
        return None
    return frozenset(codes) or None


@lru_cache(maxsize=None)
def font_files(family: str) -> tuple[Path, ...]:
    return tuple(sorted({path for path, _, _ in _faces(family)}))


@lru_cache(maxsize=None)
def _cmap(path: Path, index: int = 0) -> frozenset[int]:
    """A face's code points decoded with fontTools: only when fontconfig gives no charset."""
    from fontTools.ttLib import TTCollection, TTFont
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = TTCollection(str(path), lazy=True).fonts[index:index + 1]
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


@lru_cache(maxsize=1)
def coverage() -> frozenset[int]:
    codes: set[int] = set()
    for families in (SERIF, SANS):
        for family in families:
            for path, index, charset in _faces(family):
                codes |= charset if charset is not None else _cmap(path, index)
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
