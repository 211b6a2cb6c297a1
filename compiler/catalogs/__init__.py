"""Code catalogues (科目目录) — data, not code.

Each year lives in ``catalogs/<year>/``:

* ``功能分类.csv``        编码,名称            支出功能分类 类(3)/款(5)/项(7)
* ``部门经济分类.csv``    编码,名称            部门预算支出经济分类 类(3)/款(5)
* ``政府经济分类.csv``    编码,名称            政府预算支出经济分类 类(3)/款(5)
* ``经济分类对应.csv``    部门经济分类编码,单位类别,政府经济分类编码   (单位类别 行政|事业)
* ``政府采购品目.csv``    编码,名称,采购类别[,别名]   (别名 separated by ``|``)
* ``catalog.json``       year, title, sources, complete (levels claimed complete per table)
* ``功能分类单位类别.csv``  编码,名称,单位类别   optional: 项 reserved for one 单位类别 (行政|事业),
  e.g. 2101101 行政单位医疗, 2011350 事业运行; absent = no such check

A CSV may carry further columns (the bundled ones have ``依据``: where each row was checked);
the loader reads only the columns above.

A user may pass ``--catalog DIR`` holding the same files (``gongkai catalog import`` makes one
from the list a finance bureau hands out).  Every file is validated on load; a problem raises
:class:`CatalogError` whose message (in Chinese) names the file and line.

Names a workbook enters for codes the list lacks (功能科目名称 / 部门经济分类名称) are laid
over the catalogue by :func:`catalog_for`, so every back end finds them through the same
``func_name`` / ``econ_name`` lookup; the checks use the plain list (:func:`load_catalog`).
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from ..resources import catalogs_root

__all__ = ["Catalog", "CatalogError", "load_catalog", "catalog_for", "entered_names", "bundled_years",
           "unit_class", "TABLES", "LEVELS"]

PACKAGE_DIR = catalogs_root()

FUNC_FILE = "功能分类.csv"
ECON_FILE = "部门经济分类.csv"
GOV_FILE = "政府经济分类.csv"
MAP_FILE = "经济分类对应.csv"
PROC_FILE = "政府采购品目.csv"
META_FILE = "catalog.json"
RESERVED_FILE = "功能分类单位类别.csv"  # optional

#: table name (as used in catalog.json and is_complete) -> file name
TABLES: Mapping[str, str] = MappingProxyType({
    "功能分类": FUNC_FILE,
    "部门经济分类": ECON_FILE,
    "政府经济分类": GOV_FILE,
    "经济分类对应": MAP_FILE,
    "政府采购品目": PROC_FILE,
})
LEVELS = ("类", "款", "项")
UNIT_CLASSES = ("行政", "事业")
PROC_CATEGORIES = ("货物", "工程", "服务")

_LEVEL_BY_LEN = {3: "类", 5: "款", 7: "项"}
_FUNC_RE = re.compile(r"\d{3}(?:\d{2}){0,2}")
_ECON_RE = re.compile(r"\d{3}(?:\d{2})?")
_PROC_RE = re.compile(r"[A-C](?:\d{2})*")
_PROC_LEAD_RE = re.compile(r"([A-Ca-c](?:\d{2})+)(?![0-9])\s*(.*)|([A-Ca-c])")


class CatalogError(Exception):
    """A catalogue file is missing or ill-formed (message in Chinese, naming file and line)."""


def unit_class(unit_kind: str) -> str:
    """'行政单位'/'参照公务员法管理事业单位' -> '行政', '事业单位' -> '事业'."""
    kind = (unit_kind or "").strip()
    if kind in ("行政单位", "参照公务员法管理事业单位", "参公事业单位", "参公单位", "行政"):
        return "行政"
    if kind in ("事业单位", "事业"):
        return "事业"
    raise ValueError(f"未知的单位类型“{unit_kind}”：应为 行政单位、参照公务员法管理事业单位 或 事业单位")


_unit_class = unit_class  # Catalog.gov_for's parameter shadows the name


def _norm_name(name: str) -> str:
    """Key for name/alias lookup: no whitespace, unify a few punctuation variants."""
    s = re.sub(r"\s+", "", name or "")
    return (s.replace("(", "（").replace(")", "）").replace(",", "、").replace("，", "、")
            .replace("/", "、"))


@dataclass(frozen=True)
class Catalog:
    year: int
    source_dir: Path
    title: str = ""
    _func: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    _econ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    _gov: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    _map: Mapping[tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)
    _proc_codes: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False, compare=False)
    _proc_names: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    _complete: Mapping[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    # names the workbook entered for codes the list lacks (see catalog_for)
    _func_entered: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    _econ_entered: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    _reserved: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    # -- names -----------------------------------------------------------------------------
    def func_name(self, code: str) -> str | None:
        """支出功能分类 name for a 3/5/7-digit code, or None."""
        code = _code(code)
        return self._func.get(code) or self._func_entered.get(code)

    def econ_name(self, code: str) -> str | None:
        """部门预算支出经济分类 name for a 3/5-digit code, or None."""
        code = _code(code)
        return self._econ.get(code) or self._econ_entered.get(code)

    def with_names(self, func: Mapping[str, str], econ: Mapping[str, str]) -> "Catalog":
        """This catalogue with names for codes it lacks (the list's own names win)."""
        return replace(
            self,
            _func_entered=MappingProxyType({c: n for c, n in func.items() if c not in self._func}),
            _econ_entered=MappingProxyType({c: n for c, n in econ.items() if c not in self._econ}))

    def siblings(self, table: str, code: str) -> dict[str, str]:
        """Listed codes with the same parent and length as *code* -> name (for typo hints)."""
        names = {"功能分类": self._func, "部门经济分类": self._econ, "政府经济分类": self._gov}[table]
        code = _code(code)
        parent = code[:-2]
        return {c: n for c, n in names.items() if len(c) == len(code) and c[:-2] == parent and c != code}

    def gov_name(self, code: str) -> str | None:
        """政府预算支出经济分类 name for a 3/5-digit code, or None."""
        return self._gov.get(_code(code))

    # -- correspondence --------------------------------------------------------------------
    def gov_for(self, econ_code: str, unit_class: str) -> str | None:
        """政府经济分类 款 for a 部门经济分类 款 and a unit class ('行政'|'事业').

        A full 单位类型 ('行政单位', '参照公务员法管理事业单位', '事业单位') is accepted too."""
        cls = (unit_class or "").strip()
        if cls not in UNIT_CLASSES:
            try:
                cls = _unit_class(cls)
            except ValueError:
                return None
        return self._map.get((_code(econ_code), cls))

    def reserved_for(self, func_code: str) -> str | None:
        """'行政'|'事业' when a 功能分类 项 is meant for units of that class only
        (行政单位医疗, 事业运行, …), else None."""
        return self._reserved.get(_code(func_code))

    # -- procurement -----------------------------------------------------------------------
    def procurement_category(self, catalog_value: str) -> str | None:
        """'货物'|'工程'|'服务' for a 品目 code (A…/B…/C…), 'code name', or a known name/alias."""
        value = (catalog_value or "").strip()
        if not value:
            return None
        hit = self._proc_names.get(_norm_name(value))
        if hit:
            return hit
        m = _PROC_LEAD_RE.fullmatch(value)  # "A02010104", "A02010104 台式计算机", "C"
        if m:
            code = (m.group(1) or m.group(3)).upper()
            if code in self._proc_codes:
                return self._proc_codes[code][1]
            top = self._proc_codes.get(code[0])
            if top:
                return top[1]
        return None

    def procurement_name(self, code: str) -> str | None:
        """Official 品目 name for a code in the catalogue, or None."""
        hit = self._proc_codes.get(_code(code).upper())
        return hit[0] if hit else None

    # -- completeness ----------------------------------------------------------------------
    def is_complete(self, table: str, level: str) -> bool:
        """True when the catalogue claims to hold every code of *table* at *level*."""
        return level in self._complete.get(table, frozenset())


# ------------------------------------------------------------------------------------------
# loading

_CACHE: dict[tuple, Catalog] = {}


def load_catalog(year: int, directory: Path | None = None) -> Catalog:
    """Load (and cache) a catalogue.

    ``directory=None``: the bundled ``catalogs/<year>/``, or else the newest bundled year
    ≤ *year*.  Otherwise *directory* must hold all the files; its catalog.json decides
    ``Catalog.year`` (compare it with the budget year to warn about a mismatch)."""
    if directory is None:
        directory = _bundled_dir(int(year))
    directory = Path(directory)
    if not directory.is_dir():
        raise CatalogError(f"科目目录文件夹 {directory} 不存在或不是文件夹")
    directory = directory.resolve()
    key = (str(directory),) + tuple(_stamp(directory / f)
                                    for f in (META_FILE, *TABLES.values(), RESERVED_FILE))
    cat = _CACHE.get(key)
    if cat is None:
        cat = _load(directory)
        _CACHE[key] = cat
    return cat


def bundled_years() -> list[int]:
    """Years with a built-in catalogue, ascending."""
    return sorted(int(p.name) for p in PACKAGE_DIR.iterdir()
                  if p.is_dir() and p.name.isdigit() and (p / META_FILE).is_file())


def entered_names(budget) -> tuple[dict[str, str], dict[str, str]]:
    """(功能科目 code -> name, 部门经济分类 code -> name) as the workbook enters them: 支出明细
    lines first, then 政府采购 rows; the first non-empty name of a code wins (the checks
    report a code entered with two different names)."""
    func: dict[str, str] = {}
    econ: dict[str, str] = {}
    for ln in budget.lines:
        if ln.func_name and ln.func not in func:
            func[ln.func] = ln.func_name.strip()
        if ln.econ_name and ln.econ not in econ:
            econ[ln.econ] = ln.econ_name.strip()
    for row in budget.procurement:
        name = getattr(row, "func_name", None)
        if name and row.func not in func:
            func[row.func] = name.strip()
    return func, econ


def catalog_for(budget, directory: Path | None = None) -> Catalog:
    """The catalogue a document is rendered with: the budget year's list (or *directory*)
    with the names the workbook entered for codes the list lacks."""
    return load_catalog(budget.info.year, directory).with_names(*entered_names(budget))


def _bundled_dir(year: int) -> Path:
    years = bundled_years()
    usable = [y for y in years if y <= year]
    if not usable:
        have = "、".join(map(str, years)) or "无"
        raise CatalogError(f"没有 {year} 年或更早年度的内置科目目录（内置年度：{have}）；"
                           f"请用 --catalog 指定科目目录文件夹")
    return PACKAGE_DIR / str(usable[-1])


def _stamp(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _code(code: object) -> str:
    return str(code if code is not None else "").strip()


def _where(path: Path, line: int | None = None) -> str:
    return f"科目目录文件 {path.name}（{path}）" + (f"第 {line} 行" if line else "")


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise CatalogError(f"{_where(path)} 不存在：科目目录文件夹须包含 "
                           f"{'、'.join([META_FILE, *TABLES.values()])}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise CatalogError(f"{_where(path)} 是空文件；第 1 行应为表头 {','.join(required)}")
            header = [h.strip() for h in header]
            missing = [c for c in required if c not in header]
            if missing:
                raise CatalogError(f"{_where(path, 1)}：表头缺少列 {'、'.join(missing)}"
                                   f"（应为 {','.join(required)}）")
            dup = sorted({h for h in header if h and header.count(h) > 1})
            if dup:
                raise CatalogError(f"{_where(path, 1)}：表头列重复 {'、'.join(dup)}")
            rows = []
            for cells in reader:
                line = reader.line_num
                cells = [c.strip() for c in cells]
                if not any(cells):
                    continue
                if len(cells) > len(header) and any(cells[len(header):]):
                    raise CatalogError(f"{_where(path, line)}：列数（{len(cells)}）多于表头（{len(header)}）")
                cells += [""] * (len(header) - len(cells))
                rows.append((line, {h: c for h, c in zip(header, cells) if h}))
            return rows
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{_where(path)} 不是 UTF-8 编码（{exc.reason}）；请另存为 UTF-8 CSV") from None
    except csv.Error as exc:
        raise CatalogError(f"{_where(path)} 不是有效的 CSV：{exc}") from None


def _code_table(path: Path, pattern: re.Pattern, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, row in _read_csv(path, ("编码", "名称")):
        code, name = row["编码"], row["名称"]
        if not pattern.fullmatch(code):
            raise CatalogError(f"{_where(path, line)}：编码“{code}”格式不对（应为 {what}）")
        if not name:
            raise CatalogError(f"{_where(path, line)}：编码 {code} 缺少名称")
        if code in out:
            raise CatalogError(f"{_where(path, line)}：编码 {code} 重复（第 {lines[code]} 行已有）")
        parent = code[:-2] if len(code) > 3 else None
        if parent and parent not in out:
            raise CatalogError(f"{_where(path, line)}：编码 {code} 的上级 {parent} 不在它之前出现")
        out[code] = name
        lines[code] = line
    return out


def _load(directory: Path) -> Catalog:
    meta_path = directory / META_FILE
    if not meta_path.is_file():
        raise CatalogError(f"{_where(meta_path)} 不存在：科目目录文件夹须包含 "
                           f"{'、'.join([META_FILE, *TABLES.values()])}")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise CatalogError(f"{_where(meta_path)} 不是 UTF-8 编码") from None
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{_where(meta_path, exc.lineno)}：不是有效的 JSON（{exc.msg}）") from None
    if not isinstance(meta, dict):
        raise CatalogError(f"{_where(meta_path)}：顶层应为对象")
    year = meta.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
        raise CatalogError(f"{_where(meta_path)}：year 应为年度整数，如 2020（现为 {year!r}）")
    complete_raw = meta.get("complete", {})
    if not isinstance(complete_raw, dict):
        raise CatalogError(f"{_where(meta_path)}：complete 应为对象，如 {{\"功能分类\": [\"类\"]}}")
    complete: dict[str, frozenset[str]] = {}
    for table, levels in complete_raw.items():
        if table not in TABLES:
            raise CatalogError(f"{_where(meta_path)}：complete 中的“{table}”不是已知的目录"
                               f"（应为 {'、'.join(TABLES)}）")
        if not isinstance(levels, list) or any(lv not in LEVELS for lv in levels):
            raise CatalogError(f"{_where(meta_path)}：complete.{table} 应为 类/款/项 组成的列表")
        complete[table] = frozenset(levels)
    title = meta.get("title") or f"{year}年科目目录"

    func = _code_table(directory / FUNC_FILE, _FUNC_RE, "3、5 或 7 位数字")
    econ = _code_table(directory / ECON_FILE, _ECON_RE, "3 或 5 位数字")
    gov = _code_table(directory / GOV_FILE, _ECON_RE, "3 或 5 位数字")

    map_path = directory / MAP_FILE
    mapping: dict[tuple[str, str], str] = {}
    map_lines: dict[tuple[str, str], int] = {}
    for line, row in _read_csv(map_path, ("部门经济分类编码", "单位类别", "政府经济分类编码")):
        e, cls, g = row["部门经济分类编码"], row["单位类别"], row["政府经济分类编码"]
        if e not in econ or len(e) != 5:
            raise CatalogError(f"{_where(map_path, line)}：部门经济分类编码“{e}”不是 {ECON_FILE} 中的款级科目")
        if cls not in UNIT_CLASSES:
            raise CatalogError(f"{_where(map_path, line)}：单位类别“{cls}”应为 行政 或 事业")
        if g not in gov or len(g) != 5:
            raise CatalogError(f"{_where(map_path, line)}：政府经济分类编码“{g}”不是 {GOV_FILE} 中的款级科目")
        if (e, cls) in mapping:
            raise CatalogError(f"{_where(map_path, line)}：{e}（{cls}）重复对应"
                               f"（第 {map_lines[(e, cls)]} 行已有）")
        mapping[(e, cls)] = g
        map_lines[(e, cls)] = line
    if "款" in complete.get("经济分类对应", ()):
        for e in econ:
            for cls in UNIT_CLASSES if len(e) == 5 else ():
                if (e, cls) not in mapping:
                    raise CatalogError(f"{_where(map_path)}：catalog.json 声明款级完整，"
                                       f"但缺少 {e}（{cls}）的对应")

    proc_path = directory / PROC_FILE
    proc_codes: dict[str, tuple[str, str]] = {}
    proc_names: dict[str, str] = {}
    name_src: dict[str, int] = {}
    for line, row in _read_csv(proc_path, ("编码", "名称", "采购类别")):
        code, name, cat = row["编码"], row["名称"], row["采购类别"]
        if not _PROC_RE.fullmatch(code):
            raise CatalogError(f"{_where(proc_path, line)}：品目编码“{code}”格式不对"
                               f"（应为 A/B/C 加偶数位数字，如 A02010104）")
        if not name:
            raise CatalogError(f"{_where(proc_path, line)}：品目 {code} 缺少名称")
        if cat not in PROC_CATEGORIES:
            raise CatalogError(f"{_where(proc_path, line)}：采购类别“{cat}”应为 货物、工程 或 服务")
        if code in proc_codes:
            raise CatalogError(f"{_where(proc_path, line)}：品目编码 {code} 重复")
        top = proc_codes.get(code[0])
        if len(code) > 1 and top is None:
            raise CatalogError(f"{_where(proc_path, line)}：品目 {code} 之前须有大类 {code[0]} 一行")
        if top is not None and top[1] != cat:
            raise CatalogError(f"{_where(proc_path, line)}：品目 {code} 的采购类别“{cat}”"
                               f"与大类 {code[0]}（{top[1]}）不一致")
        proc_codes[code] = (name, cat)
        aliases = [a.strip() for a in row.get("别名", "").split("|") if a.strip()]
        for alias in [name, *aliases]:
            key = _norm_name(alias)
            if key in proc_names and proc_names[key] != cat:
                raise CatalogError(f"{_where(proc_path, line)}：名称或别名“{alias}”已在第 "
                                   f"{name_src[key]} 行表示{proc_names[key]}，不能再表示{cat}")
            if key not in proc_names:
                proc_names[key] = cat
                name_src[key] = line

    reserved: dict[str, str] = {}
    reserved_path = directory / RESERVED_FILE
    if reserved_path.is_file():
        for line, row in _read_csv(reserved_path, ("编码", "单位类别")):
            code, cls = row["编码"], row["单位类别"]
            if len(code) != 7 or code not in func:
                raise CatalogError(f"{_where(reserved_path, line)}：编码“{code}”不是 {FUNC_FILE} 中的项级科目")
            if cls not in UNIT_CLASSES:
                raise CatalogError(f"{_where(reserved_path, line)}：单位类别“{cls}”应为 行政 或 事业")
            if code in reserved:
                raise CatalogError(f"{_where(reserved_path, line)}：编码 {code} 重复")
            reserved[code] = cls

    return Catalog(
        year=year,
        source_dir=directory,
        title=str(title),
        _func=MappingProxyType(func),
        _econ=MappingProxyType(econ),
        _gov=MappingProxyType(gov),
        _map=MappingProxyType(mapping),
        _proc_codes=MappingProxyType(proc_codes),
        _proc_names=MappingProxyType(proc_names),
        _complete=MappingProxyType(complete),
        _reserved=MappingProxyType(reserved),
    )
