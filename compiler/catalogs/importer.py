"""``gongkai catalog import FILE --year Y [-o DIR]``: the official 科目 list a finance bureau
hands out (xlsx or csv) → a catalogue folder that ``--catalog DIR`` uses.

What the input may look like: any number of sheets; on each, a header row somewhere in the
first rows with a 编码 column (编码 / 科目编码 / 代码 …) and a 名称 column (名称 / 科目名称 …);
codes typed as text or as numbers; names indented with spaces or full-width spaces. Which
list a code belongs to follows from the code itself, not from the sheet: 2 + 3/5/7 digits is
支出功能分类, 3 + 3/5 digits 部门预算支出经济分类, 5 + 3/5 digits 政府预算支出经济分类;
收入分类 codes (1…) are skipped. Sheets without such a header are skipped.

The lists the input lacks (and 经济分类对应, 政府采购品目, which no 科目 list carries) are
taken from the built-in catalogue of that year (the nearest earlier one). The result is
written to a temporary folder, loaded with the same validation as a built-in catalogue and
only then moved into place; unusable input is a Chinese message naming file, sheet and row,
and exit status 2."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import (ECON_FILE, FUNC_FILE, GOV_FILE, LEVELS, MAP_FILE, META_FILE, PROC_FILE, RESERVED_FILE,
               UNIT_CLASSES, CatalogError, _load, _read_csv, bundled_years, load_catalog)

HEADER_ROWS = 30          # the header row is looked for in the first rows of a sheet
MAX_SHEETS = 100
MAX_ROWS = 100_000        # per sheet: a 科目 list has a few thousand
MAX_BYTES = 50 * 2**20    # the file, and the unpacked xlsx
_LEVEL_BY_LEN = {3: "类", 5: "款", 7: "项"}

# table -> (file, first digit, lengths)
KINDS = {"功能分类": (FUNC_FILE, "2", (3, 5, 7)),
         "部门经济分类": (ECON_FILE, "3", (3, 5)),
         "政府经济分类": (GOV_FILE, "5", (3, 5))}


class ImportFailure(Exception):
    """Unusable input: the message (Chinese) names file, sheet and row."""


@dataclass
class _Entry:
    name: str
    where: str


@dataclass
class _Result:
    tables: dict[str, dict[str, _Entry]] = field(default_factory=lambda: {k: {} for k in KINDS})
    sheets: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})  # that gave codes
    skipped_sheets: list[str] = field(default_factory=list)
    revenue_rows: int = 0


# ------------------------------------------------------------------------------------------
# reading

def _rows_xlsx(path: Path):
    """(sheet name, iterator of row tuples) per sheet."""
    import openpyxl
    try:
        with zipfile.ZipFile(path) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_BYTES:
                raise ImportFailure(f"{path.name} 解压后超过 {MAX_BYTES // 2**20} MB，不像是科目表")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except ImportFailure:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ImportFailure(f"{path.name} 无法作为 Excel 工作簿读取（{type(exc).__name__}）；"
                           f"请用 Excel 打开后另存为 .xlsx 或 CSV") from None
    if len(wb.sheetnames) > MAX_SHEETS:
        raise ImportFailure(f"{path.name} 有 {len(wb.sheetnames)} 个工作表，超过 {MAX_SHEETS} 个")
    try:
        for ws in wb.worksheets:
            yield ws.title, ws.iter_rows(values_only=True)
    finally:
        wb.close()


def _rows_csv(path: Path):
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes any byte string, so this is only for safety
        raise ImportFailure(f"{path.name} 的编码无法识别；请另存为 UTF-8 CSV")
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    yield path.name, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _norm_header(value) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")))


def _is_code_header(h: str) -> bool:
    return h.endswith(("编码", "代码", "编号")) and "名称" not in h


def _is_name_header(h: str) -> bool:
    return h.endswith("名称") and "单位" not in h


def _find_header(rows: list[tuple]) -> tuple[int, int, int] | None:
    """(row index, code column, name column) of the first row naming both, or None."""
    for i, row in enumerate(rows):
        heads = [_norm_header(v) for v in row]
        code = next((j for j, h in enumerate(heads) if _is_code_header(h)), None)
        name = next((j for j, h in enumerate(heads) if _is_name_header(h)), None)
        if code is not None and name is not None:
            return i, code, name
    return None


_CODE_THEN_NAME = re.compile(r"(\d+)\s*(.*)")


def _code_text(value) -> str:
    """A code cell as text: 2010101 (number) or "2010101" or " 2010101 " → "2010101"."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def clean_name(value) -> str:
    """Indentation (spaces, full-width spaces) and any inner whitespace removed; ASCII
    brackets as the official lists print them (full width)."""
    text = re.sub(r"\s+", "", str(value or ""))
    return text.replace("(", "（").replace(")", "）")


def _table_of(code: str) -> str | None:
    for table, (_, first, lengths) in KINDS.items():
        if code[0] == first and len(code) in lengths:
            return table
    return None


def read_list(path: Path) -> _Result:
    """Every 功能/经济分类 code of the file with its name and where it was read."""
    if not path.is_file():
        raise ImportFailure(f"找不到文件“{path}”")
    if path.stat().st_size > MAX_BYTES:
        raise ImportFailure(f"{path.name} 超过 {MAX_BYTES // 2**20} MB，不像是科目表")
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailure(f"{path.name} 是旧版 .xls 工作簿或设有密码；请用 Excel 打开后另存为 .xlsx 或 CSV")
    if suffix == ".xlsx" or (suffix not in (".csv", ".txt") and head.startswith(b"PK")):
        if not zipfile.is_zipfile(path):
            raise ImportFailure(f"{path.name} 不是 Excel 工作簿（.xlsx）")
        sheets = _rows_xlsx(path)
    elif suffix in (".csv", ".txt"):
        sheets = _rows_csv(path)
    else:
        raise ImportFailure(f"{path.name}：只能导入 .xlsx 或 .csv 文件")

    out = _Result()
    for sheet, rows in sheets:
        head_rows: list[tuple] = []
        for row in rows:
            head_rows.append(tuple(row))
            if len(head_rows) >= HEADER_ROWS:
                break
        found = _find_header(head_rows)
        if found is None:
            out.skipped_sheets.append(sheet)
            continue
        header_at, code_col, name_col = found

        def all_rows():
            yield from enumerate(head_rows[header_at + 1:], start=header_at + 2)
            yield from enumerate(rows, start=len(head_rows) + 1)

        for number, row in all_rows():
            if number > MAX_ROWS:
                raise ImportFailure(f"{path.name} 工作表“{sheet}”超过 {MAX_ROWS} 行，不像是科目表")
            where = f"{path.name} 工作表“{sheet}”第 {number} 行"
            code = _code_text(row[code_col] if code_col < len(row) else None)
            name = clean_name(row[name_col] if name_col < len(row) else None)
            if not any(ch.isdigit() for ch in code):
                continue  # blank, a heading or a note under the table
            if not code.isdigit():
                m = _CODE_THEN_NAME.fullmatch(code)
                if m and not name:  # "2010101 行政运行" in one cell
                    code, name = m.group(1), clean_name(m.group(2))
                else:
                    raise ImportFailure(f"{where}：编码“{code}”应只含数字")
            if code[0] == "1":
                out.revenue_rows += 1  # 收入分类: not needed for a disclosure
                continue
            table = _table_of(code)
            if table is None:
                raise ImportFailure(f"{where}：编码“{code}”既不是支出功能分类科目（2 开头，3、5 或 7 位），"
                                   f"也不是经济分类科目（3 或 5 开头，3 或 5 位）")
            if not name:
                raise ImportFailure(f"{where}：编码 {code} 缺少名称")
            seen = out.tables[table].get(code)
            if seen is not None:
                if seen.name != name:
                    raise ImportFailure(f"{where}：编码 {code} 的名称“{name}”与{seen.where}的“{seen.name}”不同")
                continue  # the same 类 listed again (一般公共预算 and 政府性基金 sheets)
            out.tables[table][code] = _Entry(name, where)
            if sheet not in out.sheets[table]:
                out.sheets[table].append(sheet)
    if not any(out.tables.values()):
        detail = f"（跳过的工作表：{'、'.join(out.skipped_sheets)}）" if out.skipped_sheets else ""
        raise ImportFailure(f"{path.name} 中没有找到科目：需要一行表头含“编码”列和“名称”列（前 {HEADER_ROWS} 行内），"
                           f"其下每行一个科目{detail}")
    for table, entries in out.tables.items():
        for code, entry in entries.items():
            parent = code[:-2]
            if len(code) > 3 and parent not in entries:
                raise ImportFailure(f"{entry.where}：{table}编码 {code} 的上级 {parent} 不在表中；"
                                   f"科目表应列出每一级（类、款、项）")
    return out


# ------------------------------------------------------------------------------------------
# writing

def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def build_folder(result: _Result, source: Path, year: int, target: Path, *, partial: bool) -> dict:
    """Write the catalogue into *target* (an empty folder); returns its catalog.json."""
    years = bundled_years()
    base_year = max((y for y in years if y <= year), default=years[0] if years else None)
    if base_year is None:
        raise ImportFailure("没有内置科目目录可用作经济分类对应和政府采购品目的基础")
    base = load_catalog(base_year)
    base_meta = json.loads((base.source_dir / META_FILE).read_text(encoding="utf-8"))
    sources, complete = {}, {}
    names = {}
    for table, (file, _, _) in KINDS.items():
        entries = result.tables[table]
        if entries:
            names[table] = {c: e.name for c, e in sorted(entries.items())}
            levels = sorted({_LEVEL_BY_LEN[len(c)] for c in entries}, key=LEVELS.index)
            sources[file] = (f"由 gongkai catalog import 从 {source.name} 导入（工作表："
                             f"{'、'.join(result.sheets[table])}），共 {len(entries)} 个科目。")
            if not partial:
                complete[table] = levels
        else:
            rows = _read_csv(base.source_dir / file, ("编码", "名称"))
            names[table] = {r["编码"]: r["名称"] for _, r in rows}
            sources[file] = f"导入文件中没有，沿用内置 {base_year} 年目录：{base_meta['sources'].get(file, '')}"
            if table in base_meta.get("complete", {}):
                complete[table] = base_meta["complete"][table]
    for table, (file, _, _) in KINDS.items():
        (target / file).write_text(_csv_text(["编码", "名称"], [[c, n] for c, n in names[table].items()]),
                                   encoding="utf-8")
    # 部门 → 政府 correspondence: the built-in rows whose codes both lists still hold
    econ, gov = names["部门经济分类"], names["政府经济分类"]
    mapping = [[r["部门经济分类编码"], r["单位类别"], r["政府经济分类编码"]]
               for _, r in _read_csv(base.source_dir / MAP_FILE, ("部门经济分类编码", "单位类别", "政府经济分类编码"))
               if r["部门经济分类编码"] in econ and r["政府经济分类编码"] in gov]
    (target / MAP_FILE).write_text(_csv_text(["部门经济分类编码", "单位类别", "政府经济分类编码"], mapping),
                                   encoding="utf-8")
    mapped = {(e, cls) for e, cls, _ in mapping}
    if all((e, cls) in mapped for e in econ if len(e) == 5 for cls in UNIT_CLASSES):
        complete["经济分类对应"] = ["款"]
    sources[MAP_FILE] = f"沿用内置 {base_year} 年目录中两套经济分类都有的对应：{base_meta['sources'].get(MAP_FILE, '')}"
    # 项 reserved for one 单位类别 (行政运行, 事业单位医疗 …): the built-in list's names, applied to
    # the imported codes that carry them
    if (base.source_dir / RESERVED_FILE).is_file():
        by_name = {r["名称"]: r["单位类别"] for _, r in _read_csv(base.source_dir / RESERVED_FILE, ("名称", "单位类别"))}
        reserved = [[c, n, by_name[n]] for c, n in names["功能分类"].items() if len(c) == 7 and n in by_name]
        (target / RESERVED_FILE).write_text(_csv_text(["编码", "名称", "单位类别"], reserved), encoding="utf-8")
        sources[RESERVED_FILE] = f"按名称沿用内置 {base_year} 年目录：{base_meta['sources'].get(RESERVED_FILE, '')}"
    shutil.copyfile(base.source_dir / PROC_FILE, target / PROC_FILE)
    sources[PROC_FILE] = f"沿用内置 {base_year} 年目录：{base_meta['sources'].get(PROC_FILE, '')}"
    if "政府采购品目" in base_meta.get("complete", {}):
        complete["政府采购品目"] = base_meta["complete"]["政府采购品目"]
    meta = {"year": year, "title": f"{year}年科目目录（由 {source.name} 导入）", "sources": sources,
            "complete": complete}
    if partial:
        meta["notes"] = {"导入": "以 --partial 导入：导入的科目表只是摘录，不声明完整。"}
    (target / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


def import_catalog(source: Path, year: int, out: Path, *, force: bool = False,
                   partial: bool = False) -> tuple[_Result, dict]:
    """Read *source*, write the catalogue folder *out* (atomically) and validate it."""
    if not 1990 <= year <= 2100:
        raise ImportFailure(f"--year 应为年度，如 2021（现为 {year}）")
    if out.exists() and not (out.is_dir() and not any(out.iterdir())) and not force:
        raise ImportFailure(f"{out} 已存在（不会覆盖；确需覆盖请加 --force）")
    result = read_list(source)
    from ..files import write_tree
    done: dict = {}

    def fill(tmp: Path) -> None:   # written beside OUT, checked, then renamed in (files.py)
        done["meta"] = build_folder(result, source, year, tmp, partial=partial)
        try:
            _load(tmp.resolve())  # the same checks as a built-in catalogue
        except CatalogError as exc:
            raise ImportFailure(f"导入结果未通过科目目录检查：{exc}") from None
    write_tree(out, fill)
    meta = done["meta"]
    return result, meta


# ------------------------------------------------------------------------------------------
# command line

def run(args) -> int:
    source = Path(args.file)
    out = Path(args.out) if args.out else Path(f"catalog-{args.year}")
    try:
        result, meta = import_catalog(source, args.year, out, force=args.force, partial=args.partial)
    except ImportFailure as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"gongkai: 无法读写文件：{exc}", file=sys.stderr)
        return 2
    print(f"已生成科目目录：{out}（{args.year} 年）")
    for table, entries in result.tables.items():
        if entries:
            counts = "、".join(f"{lv} {sum(1 for c in entries if _LEVEL_BY_LEN[len(c)] == lv)} 个"
                               for lv in LEVELS if any(_LEVEL_BY_LEN[len(c)] == lv for c in entries))
            print(f"  {table}：{counts}")
        else:
            print(f"  {table}：导入文件中没有，沿用内置目录")
    if result.revenue_rows:
        print(f"  跳过收入分类科目 {result.revenue_rows} 行")
    if result.skipped_sheets:
        print(f"  跳过没有“编码”“名称”表头的工作表：{'、'.join(result.skipped_sheets)}")
    print(f"使用：gongkai check 工作簿.xlsx --catalog {out}")
    return 0


def add_parser(sub) -> None:
    """`gongkai catalog import …` (cli.py adds it with one call)."""
    cat = sub.add_parser("catalog", help="科目目录：导入财政部门下发的科目表")
    actions = cat.add_subparsers(dest="action", required=True, parser_class=type(cat))
    imp = actions.add_parser("import", help="把科目表（xlsx/csv，含“编码”“名称”列）转成 --catalog 可用的文件夹")
    imp.add_argument("file", help="科目表 .xlsx 或 .csv")
    imp.add_argument("--year", type=int, required=True, help="科目表所属年度，如 2021")
    imp.add_argument("-o", "--out", metavar="DIR", help="输出文件夹（默认 catalog-年度）")
    imp.add_argument("--force", action="store_true", help="输出文件夹已存在时覆盖")
    imp.add_argument("--partial", action="store_true",
                     help="科目表只是摘录：不声明完整（目录外的编码只警告，不报错）")
    imp.set_defaults(func=run)
