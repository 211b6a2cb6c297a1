"""What an upload must pass before any parser sees it, and names that never become paths.

* The xlsx is a zip: its directory is read (not its contents) and refused when it has too many
  entries, promises too many bytes in all, or an entry that expands too much (a zip bomb).
  Python's zipfile never returns more than an entry's declared size (and fails the CRC check when
  the data is longer), so bounding the declared sizes bounds what openpyxl can be made to inflate.
* A file that is not a zip at all passes: the reader explains it (old .xls, encrypted, not Excel).
* The uploaded file name is kept only to show it and to name downloads: `display_name` strips any
  folder part, control characters and characters Windows forbids. It is never joined to a path.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    upload: int = 20 * MB           # one uploaded file
    unzipped: int = 200 * MB        # all entries of the xlsx, uncompressed
    ratio: int = 100                # uncompressed : compressed, per entry
    ratio_floor: int = 1 * MB       # entries smaller than this are never a bomb
    entries: int = 2000             # entries in the zip (a workbook has ~60)


class Refused(Exception):
    """An upload refused before parsing; the message is for the user (Chinese)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def size_text(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{max(1, n // 1024)} KB"


def inspect_zip(path: Path, limits: Limits) -> None:
    """Raise Refused when the zip directory of `path` describes a bomb. Non-zips pass."""
    try:
        if not zipfile.is_zipfile(path):
            return
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the reader reports a damaged file (E-FILE-005)
    if len(infos) > limits.entries:
        raise Refused(f"文件被拒绝：压缩包中有 {len(infos)} 个条目，超过上限 {limits.entries} 个，"
                      "不像正常的预算工作簿。请用 Excel 或 WPS 打开后重新另存为 .xlsx。")
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.unzipped:
            raise Refused(f"文件被拒绝：解压后超过 {size_text(limits.unzipped)}，"
                          "可能是“压缩炸弹”或含有大量图片。预算工作簿解压后通常只有几 MB。")
        if info.file_size > limits.ratio_floor and \
                info.file_size > limits.ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise Refused(f"文件被拒绝：其中的“{display_name(info.filename, '条目')}”压缩比达 "
                          f"{ratio}:1（上限 {limits.ratio}:1），可能是“压缩炸弹”。"
                          "请用 Excel 或 WPS 打开后重新另存为 .xlsx。")


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
