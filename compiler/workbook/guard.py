"""What a workbook file must pass before any parser sees it (CLI, web page and batch alike).

* An .xlsx is a zip: its directory is read (not its contents) and refused when it has too many
  entries, promises too many bytes in all or in one entry, or an entry expands too much (a zip
  bomb). Python's zipfile never returns more than an entry's declared size (and fails the CRC
  check when the data is longer), so bounding the declared sizes bounds what any reader inflates.
* The cells of a sheet: a value far down or far right (K1048576) makes every reader build the
  whole rectangle up to it, so the extent of the cells that hold a value is bounded too
  (`extent_problem`, called by the reader with the extent it found without parsing).
* A file that is not a zip passes: the reader explains it (.xls, encrypted, not Excel).
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    unzipped: int = 200 * MB        # all entries of the xlsx, uncompressed
    entry: int = 100 * MB           # one entry (100,000 支出明细 lines are about 41 MB)
    ratio: int = 100                # uncompressed : compressed, per entry
    ratio_floor: int = 1 * MB       # entries smaller than this are never a bomb
    entries: int = 2000             # entries in the zip (a workbook has ~60)
    rows: int = 200_000             # rows of one sheet, up to its last value
    cells: int = 4_000_000          # rows × columns of one sheet, up to its last value


LIMITS = ZipLimits()


class Unsafe(Exception):
    """A file refused before parsing; the message is for the user (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def size_text(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{max(1, n // 1024)} KB"


def inspect_zip(path: Path | BinaryIO, limits: ZipLimits = LIMITS) -> None:
    """Raise Unsafe when the zip directory of `path` (a file name, or the file's bytes as a
    file object) describes a bomb. Non-zips pass."""
    try:
        if not zipfile.is_zipfile(path):
            return
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the reader reports a damaged file (E-FILE-005)
    if len(infos) > limits.entries:
        raise Unsafe(f"文件被拒绝：压缩包中有 {len(infos)} 个条目，超过上限 {limits.entries} 个，"
                     "不像正常的预算工作簿。请用 Excel 或 WPS 打开后重新另存为 .xlsx。")
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.unzipped:
            raise Unsafe(f"文件被拒绝：解压后超过 {size_text(limits.unzipped)}，"
                         "可能是“压缩炸弹”或含有大量图片。预算工作簿解压后通常只有几 MB。")
        if info.file_size > limits.entry:
            raise Unsafe(f"文件被拒绝：其中的“{_entry_name(info.filename)}”解压后有 "
                         f"{size_text(info.file_size)}，超过上限 {size_text(limits.entry)}"
                         "（约 20 万行）。可能含有大量带格式的空行：请删除表格下方的空行后另存。")
        if info.file_size > limits.ratio_floor and \
                info.file_size > limits.ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise Unsafe(f"文件被拒绝：其中的“{_entry_name(info.filename)}”压缩比达 "
                         f"{ratio}:1（上限 {limits.ratio}:1），可能是“压缩炸弹”。"
                         "请用 Excel 或 WPS 打开后重新另存为 .xlsx。")


def extent_problem(rows: int, cols: int, limits: ZipLimits = LIMITS) -> str | None:
    """Why a sheet whose last value is at (rows, cols) is too large to read, or None."""
    if rows > limits.rows:
        return f"超过 {limits.rows:,} 行的上限"
    if rows * cols > limits.cells:
        return f"行数 × 列数超过 {limits.cells:,} 个单元格的上限"
    return None


def _entry_name(name: str) -> str:
    """A zip entry name made safe to quote in a message."""
    shown = "".join(ch if ch.isprintable() else "_" for ch in name)
    return shown[-60:]
