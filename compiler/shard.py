"""Shards: `gongkai build DIR --shard K/N` builds the K-th of N parts of a batch, so N CI jobs
together build every workbook exactly once.

A workbook's part is a hash of its file name alone (sha256 of the NFC-normalised name, not its
folder and not its position in the list): every job computes the same partition from the same
files without talking to the others, adding or removing a workbook moves no other workbook to a
different part, and checking the files out into another folder changes nothing. The summary
records the part and a digest of the whole set of names, so `gongkai site` can tell that the
parts it joins came from one set and that none is missing.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path


class ShardError(ValueError):
    """A --shard value that is not K/N with 1 ≤ K ≤ N (message for the user)."""


@dataclass(frozen=True)
class Shard:
    index: int      # K, from 1
    count: int      # N

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, path: Path) -> bool:
        return shard_of(path.name, self.count) == self.index


def parse(text: str) -> Shard:
    """'2/4' -> Shard(2, 4); anything else is a ShardError saying what is expected."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not m:
        raise ShardError(f"--shard 应写成 K/N（如 2/4：共 4 份中的第 2 份），而不是“{text}”")
    k, n = int(m.group(1)), int(m.group(2))
    if n < 1 or n > 10000:
        raise ShardError(f"--shard {text}：份数 N 应在 1 到 10000 之间")
    if not 1 <= k <= n:
        raise ShardError(f"--shard {text}：K 应在 1 到 {n} 之间（第几份，从 1 数起）")
    return Shard(k, n)


def _key(name: str) -> bytes:
    return unicodedata.normalize("NFC", name).encode("utf-8")


def shard_of(name: str, count: int) -> int:
    """The part (1…count) a workbook of this file name belongs to."""
    digest = hashlib.sha256(_key(name)).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def set_digest(paths: list[Path]) -> str:
    """A digest of the whole set of file names: equal in every part of one batch."""
    names = sorted(_key(p.name) for p in paths)
    return hashlib.sha256(b"\n".join(names)).hexdigest()


def select(paths: list[Path], shard: Shard) -> list[Path]:
    return [p for p in paths if shard.holds(p)]
