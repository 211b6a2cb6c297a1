"""`gongkai site OUT1 OUT2 … -o SITE`: join the outputs of several `gongkai build` runs (the
parts of a `--shard K/N` batch, `--unit all` outputs) into one static site, as a province's
budget-disclosure portal publishes it:

* ``index.html``: one row per document (部门/单位, year, profile, errors, warnings, pages) with
  links to its HTML, PDF, Excel 附表 and data; the wording is templates/site/site.toml, the
  page templates/site/index.html.j2 (sandboxed Jinja2, autoescaped);
* ``summary.json``: the combined summary (no times, no absolute paths);
* ``data/``: one open-data package: every department's ``lines.csv`` and 附表 CSVs, one
  resource each, with the columns 部门, 单位预算公开 and 预算年度 (and 表名 for 附表) in front;
* ``<stem>/``: each document's files, copied from its OUT folder.

Each OUT is read through its ``summary.json`` (written by every batch build). Before anything is
written: a document that two OUTs both hold is an error naming both, and the parts of a sharded
batch must all be there, once each. The site is rendered into a temporary folder beside SITE
and renamed into place (compiler/files.py: an old SITE is replaced only by a complete new one); SITE may not be
inside an input, nor an input inside SITE. Same inputs, same bytes: rows are sorted, and nothing
depends on the clock or on where the inputs were built.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .batch import JSON_SCHEMA_VERSION, SUMMARY
from .resources import templates_root

SITE_TEMPLATES = "site"
DATA = "data"


class SiteError(Exception):
    """The inputs cannot be joined; the message is for the user (Chinese). status 2: an input
    is missing or unreadable, or -o is misplaced; 1: the inputs conflict."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


@dataclass
class Part:
    """One OUT folder: its summary.json."""
    folder: Path
    summary: dict

    @property
    def shard(self) -> dict | None:
        return self.summary.get("shard")

    @property
    def label(self) -> str:
        s = self.shard
        return f"{self.folder}（分片 {s['index']}/{s['count']}）" if s else str(self.folder)


@dataclass
class Entry:
    """One document of the site."""
    part: Part
    doc: dict                         # its entry in the part's summary.json
    outputs: list[str] = field(default_factory=list)   # relative to SITE

    @property
    def stem(self) -> str:
        return self.doc["stem"]

    @property
    def file(self) -> str:
        return Path(self.doc.get("file") or "").name

    @property
    def identity(self) -> tuple:
        """What may be published once: a department's (or unit's) document of a year; a
        workbook that could not be read, by its file name."""
        d = self.doc
        if d.get("department") or d.get("dept"):
            return ("doc", d.get("department") or d.get("dept"), d.get("year"), d.get("unit") or "")
        return ("file", self.file)

    def describe(self) -> str:
        return f"{self.part.label} 中的 {self.stem}/（{self.file}）"

    def sort_key(self) -> tuple:
        d = self.doc
        return (d.get("year") or 0, d.get("department") or d.get("dept") or "", d.get("unit") or "",
                self.stem)


# ---------------------------------------------------------------------------------- reading

def read_part(folder: Path) -> Part:
    path = folder / SUMMARY
    if not folder.is_dir():
        raise SiteError(f"找不到文件夹：{folder}", 2)
    if not path.is_file():
        raise SiteError(f"{folder} 不是 gongkai build 的批量输出：其中没有 {SUMMARY}"
                        "（批量生成或 --shard、--unit all 会写出它）", 2)
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SiteError(f"无法读取 {path}：{exc}", 2) from None
    if not isinstance(summary, dict) or summary.get("schema") != JSON_SCHEMA_VERSION \
            or not isinstance(summary.get("departments"), list):
        raise SiteError(f"{path} 不是本版本 gongkai build 写出的汇总（schema {JSON_SCHEMA_VERSION}）", 2)
    return Part(folder, summary)


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def check_places(folders: list[Path], site: Path) -> None:
    """Each input once; SITE neither inside an input nor holding one (replacing SITE would
    delete it)."""
    seen: dict[Path, Path] = {}
    target = site.resolve()
    for f in folders:
        real = f.resolve()
        if real in seen:
            raise SiteError(f"同一个文件夹给了两次：{seen[real]} 与 {f}", 2)
        seen[real] = f
        if _inside(target, real):
            raise SiteError(f"输出文件夹 {site} 不能在输入文件夹 {f} 之内", 2)
        if _inside(real, target):
            raise SiteError(f"输入文件夹 {f} 在输出文件夹 {site} 之内：生成网站会把它替换掉", 2)


def check_shards(parts: list[Part]) -> None:
    """The parts of one sharded batch (same N, same set of names) must all be there, once."""
    groups: dict[tuple, dict[int, Part]] = {}
    for p in parts:
        s = p.shard
        if not s:
            continue
        group = groups.setdefault((s["count"], s["names_digest"]), {})
        if s["index"] in group:
            raise SiteError(f"分片 {s['index']}/{s['count']} 给了两次：{group[s['index']].folder} 与 {p.folder}")
        group[s["index"]] = p
    counts = [count for count, _ in groups]
    for count in sorted(set(c for c in counts if counts.count(c) > 1)):
        sets = [g for (c, _), g in sorted(groups.items()) if c == count]
        names = "；".join("、".join(f"{k}/{count}（{g[k].folder}）" for k in sorted(g)) for g in sets)
        raise SiteError(f"这些分片来自不同的一批工作簿（各分片看到的文件名不同，"
                        f"例如两次生成之间增删了工作簿）：{names}；请用同一批工作簿重新生成全部分片")
    for (count, _), group in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1])):
        missing = [k for k in range(1, count + 1) if k not in group]
        if missing:
            have = "、".join(f"{k}/{count}（{group[k].folder}）" for k in sorted(group))
            raise SiteError(f"缺少分片 {'、'.join(f'{k}/{count}' for k in missing)}：只给了 {have}；"
                            "同一批工作簿的每个分片都要合并，否则网站会缺少部门")


def collect_entries(parts: list[Part]) -> list[Entry]:
    """Every document of every part, sorted; a document held twice is an error naming both."""
    entries: list[Entry] = []
    by_identity: dict[tuple, Entry] = {}
    by_stem: dict[str, Entry] = {}
    for p in parts:
        for doc in p.summary["departments"]:
            e = Entry(p, doc)
            if not isinstance(doc.get("stem"), str) or not _safe_name(doc["stem"]):
                raise SiteError(f"{p.folder / SUMMARY}：输出文件夹名不合法：{doc.get('stem')!r}", 2)
            first = by_identity.get(e.identity)
            if first is not None:
                what = (f"部门“{e.identity[1]}”（{e.identity[2]} 年"
                        + (f"，单位 {e.identity[3]}" if e.identity[3] else "") + "）"
                        if e.identity[0] == "doc" else f"工作簿 {e.file}")
                raise SiteError(f"{what}生成了两次：{first.describe()} 与 {e.describe()}；"
                                "每个部门只能出现在一个输出中")
            clash = by_stem.get(e.stem)
            if clash is not None:
                raise SiteError(f"两个文档的输出文件夹同名（{e.stem}/）：{clash.describe()} 与 "
                                f"{e.describe()}；请改名后重新生成")
            by_identity[e.identity] = by_stem[e.stem] = e
            entries.append(e)
    return sorted(entries, key=Entry.sort_key)


def _safe_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name \
        and not name.startswith(".") and name != DATA and "\0" not in name


def source_of(e: Entry, rel: str) -> Path:
    """An output listed in a summary, as a path inside its OUT folder (never outside it: a
    summary is input, not trusted to point elsewhere)."""
    p = Path(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts or p.parts[0] != e.stem:
        raise SiteError(f"{e.part.folder / SUMMARY}：输出路径不合法：{rel}", 2)
    src = e.part.folder / p
    real, root = src.resolve(), e.part.folder.resolve()
    if not _inside(real, root) or not os.path.lexists(src):
        raise SiteError(f"{e.part.folder / SUMMARY} 列出的 {rel} 不存在（输出文件夹不完整？）", 2)
    return src


# ---------------------------------------------------------------------------------- wording

def wording() -> dict:
    with open(templates_root() / SITE_TEMPLATES / "site.toml", "rb") as fh:
        return tomllib.load(fh)


def _kind(rel: str) -> str:
    """Which link an output is: html, pdf, xlsx (附表), data (the open-data folder), json."""
    name = Path(rel).name
    if name.endswith("-data"):
        return "data"
    return Path(name).suffix.lower().lstrip(".")


LINK_ORDER = ("html", "pdf", "xlsx", "data", "json")


def render_index(entries: list[Entry], words: dict, has_data: bool) -> str:
    from .render.html import tool_environment
    env = tool_environment(SITE_TEMPLATES)
    w = words["index"]
    rows = []
    for e in entries:
        d = e.doc
        links = []
        for rel in sorted(e.outputs, key=lambda r: (LINK_ORDER.index(_kind(r))
                                                     if _kind(r) in LINK_ORDER else 99, r)):
            kind = _kind(rel)
            href = rel + "/datapackage.json" if kind == "data" else rel
            links.append({"href": quote(href), "label": w["links"].get(kind, kind.upper())})
        errors = [x.get("message", "") for x in d.get("diagnostics") or []
                  if x.get("severity") == "error"][:5]
        shard = e.part.shard
        rows.append({
            "name": d.get("dept") or w["none"], "unit": d.get("unit") or "",
            "unit_of": d.get("department") or "", "year": d.get("year"),
            "profile": d.get("profile") or "", "status": "ok" if d.get("status") == "ok" else "failed",
            "ok": d.get("status") == "ok", "errors": d.get("errors", 0),
            "warnings": d.get("warnings", 0), "pages": d.get("pages"), "links": links,
            "shard": f"{shard['index']}/{shard['count']}" if shard else "",
            "file": e.file, "message": d.get("message", ""), "first_errors": "\n".join(errors)})
    ok = sum(r["ok"] for r in rows)
    years = sorted({str(r["year"]) for r in rows if r["year"] is not None})
    lead = w["lead"].format(count=len(rows), ok=ok, failed=len(rows) - ok,
                            years="、".join(years) or w["none"])
    return env.get_template("index.html.j2").render(
        w=w, rows=rows, lead=lead, summary=SUMMARY,
        data=f"{DATA}/datapackage.json" if has_data else "")


def site_summary(entries: list[Entry], parts: list[Part], has_data: bool) -> str:
    keep = ("stem", "status", "dept", "department", "unit", "year", "profile", "errors",
            "warnings", "pages", "message", "diagnostics")
    docs = []
    for e in entries:
        s = e.part.shard
        docs.append({**{k: e.doc.get(k) for k in keep}, "file": e.file,
                     "shard": f"{s['index']}/{s['count']}" if s else None,
                     "outputs": sorted(e.outputs)})
    shards = sorted({(p.shard["index"], p.shard["count"], p.shard["workbooks"], p.shard["total"])
                     for p in parts if p.shard})
    return json.dumps({
        "schema": JSON_SCHEMA_VERSION,
        "ok": sum(d["status"] == "ok" for d in docs), "failed": sum(d["status"] != "ok" for d in docs),
        "shards": [dict(zip(("index", "count", "workbooks", "total"), s)) for s in shards],
        "data": f"{DATA}/datapackage.json" if has_data else None,
        "departments": docs,
    }, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# ---------------------------------------------------------------------------------- writing

def _copy(src: Path, dst: Path) -> None:
    """Bytes only (no times, no modes of the source): the site is the same whatever the
    inputs' metadata."""
    if src.is_dir():
        dst.mkdir(parents=True, exist_ok=True)
        for child in sorted(src.iterdir()):
            _copy(child, dst / child.name)
    elif src.is_file():
        shutil.copyfile(src, dst)


def build_site(folders: list[Path], site: Path) -> tuple[list[Entry], int]:
    """Check the inputs, then write SITE atomically. (entries, data resources) on success;
    SiteError before anything is written."""
    from .files import write_tree
    from .sitedata import combined_package
    if not folders:
        raise SiteError("请给出至少一个 gongkai build 的输出文件夹", 2)
    check_places(folders, site)
    parts = [read_part(f) for f in folders]
    check_shards(parts)
    entries = collect_entries(parts)
    sources = {}
    for e in entries:
        if e.doc.get("status") == "ok":
            for rel in e.doc.get("outputs") or []:
                sources[rel] = source_of(e, rel)
                e.outputs.append(Path(rel).as_posix())
    words = wording()
    data = combined_package(entries, sources, words["data"])

    def fill(tmp: Path) -> None:
        for rel, src in sorted(sources.items()):
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            _copy(src, tmp / rel)
        if data:
            (tmp / DATA).mkdir()
            for name, content in sorted(data.items()):
                (tmp / DATA / name).write_bytes(content)
        (tmp / "index.html").write_text(render_index(entries, words, bool(data)), encoding="utf-8")
        (tmp / SUMMARY).write_text(site_summary(entries, parts, bool(data)), encoding="utf-8")

    write_tree(site, fill)
    resources = json.loads(data["datapackage.json"])["resources"] if data else []
    return entries, len(resources)


def run(args) -> int:
    """The `site` subcommand."""
    from .files import OutputError
    site = Path(args.out)
    try:
        entries, resources = build_site([Path(f) for f in args.outs], site)
    except (SiteError, OutputError) as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        print("未生成网站。", file=sys.stderr)
        return getattr(exc, "status", 2)
    failed = sum(e.doc.get("status") != "ok" for e in entries)
    print(f"已合并 {len(args.outs)} 个输出，共 {len(entries)} 份公开文件（{failed} 份失败）")
    if resources:
        print(f"已生成：{site / DATA / 'datapackage.json'}（{resources} 个数据表）")
    else:
        print("没有开放数据：生成时未包含 --format data")
    print(f"已生成：{site / 'index.html'}")
    return 0
