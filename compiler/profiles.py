"""Profiles: a disclosure format as a folder of data.

A profile is a folder ``templates/<name>/`` (or any folder given with ``--profile DIR``):

* ``profile.toml`` — name, a one-line description, the profile it ``extends``, the narrative
  parts in order, named column sets, and the ordered ``[[table]]`` declarations of its 附表
  (docs/profiles.md);
* ``document.toml`` — the wording (titles, labels, notes, the indicator skeleton, 说明文字 keys);
* the Jinja2 templates and ``style.css``; ``README.md`` says which regional variant it follows.

Every file is looked up along the chain ``--templates DIR`` → the profile → the profile it
extends → …; ``document.toml`` is merged key by key along the chain (the nearer file wins).
The ``[[table]]`` list is inherited: a declaration with an ``id`` the parent has replaces it in
place, a new one is added (after ``after = "<id>"``, else at the end), ``drop = [ids]`` removes
some, ``replace_tables = true`` starts from an empty list.

A profile is checked when it is loaded (names of layouts, dimensions, measures, 资金来源, label
keys, …, derive/declare.py): a mistake is a ProfileError naming the file and line, which the
checks report as a located diagnostic (exit status 2), never a traceback.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .confined import scan
from .resources import templates_root

PROFILE_FILE = "profile.toml"
DOCUMENT_FILE = "document.toml"
DEFAULT_PROFILE = "zhengzhou-2020"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class ProfileError(Exception):
    """A profile that cannot be used; the message is for the user (Chinese) and names the file
    and, when known, the line."""

    def __init__(self, message: str, file: Path | None = None, line: int | None = None):
        self.message, self.file, self.line = message, file, line
        where = f"{file}" + (f" 第 {line} 行" if line else "") if file else ""
        super().__init__(f"{where}：{message}" if where else message)


@dataclass(frozen=True)
class Origin:
    """Where a declaration was written: its file and its position among that file's
    ``[[table]]`` entries (so a problem can be located in the text)."""
    file: Path
    index: int | None = None

    def line_of(self, needle: object | None = None) -> int | None:
        """The line of *needle* (a value or a key) inside this declaration, else of the
        declaration's own ``[[table]]`` header."""
        try:
            lines = self.file.read_text(encoding="utf-8").splitlines()
        except OSError:
            return None
        start = 0
        if self.index is not None:
            headers = [i for i, ln in enumerate(lines) if ln.strip().startswith("[[table]]")]
            if self.index < len(headers):
                start = headers[self.index]
        end = next((i for i in range(start + 1, len(lines))
                    if lines[i].strip().startswith("[[table]]")), len(lines)) \
            if self.index is not None else len(lines)
        if needle is not None:
            for text in _needles(needle):
                for i in range(start, end):
                    if text in _code(lines[i]):
                        return i + 1
        return start + 1 if self.index is not None else None


def _needles(needle: object) -> list[str]:
    if isinstance(needle, str):
        return [f'"{needle}"', f"'{needle}'", f"{needle} =", f"{needle}="]
    return [str(needle)]


def _code(line: str) -> str:
    """A line without its comment (a # outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


@dataclass(frozen=True)
class TableDecl:
    """One 附表 declaration as written in a profile.toml (validated by derive/declare.py)."""
    id: str
    data: dict
    origin: Origin

    @property
    def number(self) -> str:
        return str(self.data.get("number") or self.id.removeprefix("table-").split("-")[0])


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    folders: tuple[Path, ...]              # lookup order: this profile, then its parents
    tables: tuple[TableDecl, ...]
    columns: dict                          # named column sets: name -> (list, Origin)
    narrative: tuple[str, ...]
    files: tuple[Path, ...] = field(default=())   # the profile.toml files of the chain

    @property
    def file(self) -> Path:
        return self.folders[0] / PROFILE_FILE


def available() -> list[tuple[str, str]]:
    """(name, description) of every profile shipped in the templates folder, by name."""
    out = []
    for folder in sorted(p for p in templates_root().iterdir() if (p / PROFILE_FILE).is_file()):
        try:
            data = _read(folder / PROFILE_FILE)
        except ProfileError as exc:
            out.append((folder.name, f"（无法读取：{exc.message}）"))
            continue
        out.append((folder.name, str(data.get("description", ""))))
    return out


def resolve(name_or_dir: str | Path) -> Path:
    """The folder of a profile given by name (a folder of templates/) or as a folder path."""
    text = str(name_or_dir)
    if _NAME.fullmatch(text) and (templates_root() / text / PROFILE_FILE).is_file():
        return templates_root() / text
    path = Path(text)
    if path.is_dir() and (path / PROFILE_FILE).is_file():
        return path
    names = "、".join(n for n, _ in available())
    if path.is_dir():
        raise ProfileError(f"文件夹 {path} 中没有 {PROFILE_FILE}，不是公开格式（profile）文件夹")
    raise ProfileError(f"没有名为“{text}”的公开格式（profile）；可用的有：{names}"
                       "（gongkai profiles 列出全部），也可以给出一个 profile 文件夹")


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"无法读取：{exc.strerror or exc}", path) from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ProfileError(f"TOML 格式有误：{exc}", path, int(m.group(1)) if m else None) from None


def _check_keys(data: dict, allowed: set[str], path: Path) -> None:
    for key in data:
        if key not in allowed:
            raise ProfileError(f"未知的设置“{key}”（可用：{'、'.join(sorted(allowed))}）", path,
                               Origin(path).line_of(key))


PROFILE_KEYS = {"name", "description", "extends", "narrative", "columns", "table", "drop",
                "replace_tables"}


def load_profile(name_or_dir: str | Path) -> Profile:
    """The profile with its chain resolved and its 附表 list inherited (not yet checked against
    the vocabulary: that needs the merged wording, see config.load_config)."""
    chain: list[tuple[Path, dict]] = []
    folder = resolve(name_or_dir)
    seen: set[Path] = set()
    while True:
        if folder.resolve() in seen:
            raise ProfileError("extends 形成了循环", folder / PROFILE_FILE)
        seen.add(folder.resolve())
        scan(folder)   # nothing in a profile folder may point outside it (compiler/confined.py)
        data = _read(folder / PROFILE_FILE)
        _check_keys(data, PROFILE_KEYS, folder / PROFILE_FILE)
        chain.append((folder, data))
        parent = data.get("extends")
        if not parent:
            break
        try:
            folder = resolve(parent) if _NAME.fullmatch(str(parent)) else \
                resolve((folder / str(parent)).resolve())
        except ProfileError as exc:
            path = folder / PROFILE_FILE
            raise ProfileError(exc.message, path, Origin(path).line_of(parent)) from None

    tables: list[TableDecl] = []
    columns: dict = {}
    narrative: tuple[str, ...] = ()
    for folder, data in reversed(chain):          # root first: children override
        path = folder / PROFILE_FILE
        for name, cols in (data.get("columns") or {}).items():
            columns[name] = (cols, Origin(path))
        if data.get("narrative") is not None:
            narrative = tuple(str(x) for x in data["narrative"])
        if data.get("replace_tables"):
            tables = []
        for drop in data.get("drop", []):
            if not any(t.id == drop for t in tables):
                raise ProfileError(f"drop 中的附表“{drop}”在所继承的公开格式中不存在", path,
                                   Origin(path).line_of(drop))
            tables = [t for t in tables if t.id != drop]
        for i, entry in enumerate(data.get("table", [])):
            origin = Origin(path, i)
            if not isinstance(entry, dict):
                raise ProfileError("[[table]] 应为表", path, origin.line_of())
            tid = str(entry.get("id") or (f"table-{entry['number']}" if entry.get("number") else ""))
            if not re.fullmatch(r"table-[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*", tid):
                raise ProfileError(f"附表须有 id（如 \"table-3\"）或 number（如 \"3\"），且 id 形如 "
                                   f"table-<编号>：“{tid or '（空）'}”", path, origin.line_of("id"))
            decl = TableDecl(tid, entry, origin)
            at = next((k for k, t in enumerate(tables) if t.id == tid), None)
            if at is not None:
                tables[at] = decl
            elif entry.get("after"):
                after = next((k for k, t in enumerate(tables) if t.id == entry["after"]), None)
                if after is None:
                    raise ProfileError(f"after 指向的附表“{entry['after']}”不存在", path,
                                       origin.line_of(entry["after"]))
                tables.insert(after + 1, decl)
            else:
                tables.append(decl)
    ids = [t.id for t in tables]
    for t in tables:
        if ids.count(t.id) > 1:
            raise ProfileError(f"附表 id“{t.id}”重复", t.origin.file, t.origin.line_of(t.id))
    top_folder, top = chain[0]
    return Profile(name=str(top.get("name") or top_folder.name),
                   description=str(top.get("description", "")),
                   folders=tuple(f for f, _ in chain), tables=tuple(tables), columns=columns,
                   narrative=narrative, files=tuple(f / PROFILE_FILE for f, _ in chain))
