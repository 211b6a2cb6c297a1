"""Classification: which economic classes belong to 基本支出 and 项目支出, and the 政府经济分类
of a line agrees with the official 部门→政府 correspondence for the unit's type."""
from __future__ import annotations

from .. import vocab
from ..catalogs import unit_class
from ..diagnostics import E, W, rule
from .context import Context, Recorder

rule("W-CLASS-001", W, "分类", "基本支出使用了不属于基本支出的经济分类",
     "基本支出只含人员经费（301、303）和公用经费（302、310，以及 309、399）；"
     "其他经济分类（如 312 对企业补助）通常应列为项目支出")
rule("W-CLASS-002", W, "分类", "项目支出使用了人员经费的经济分类（301、303）",
     "工资福利和对个人和家庭的补助通常属于基本支出；请核对支出类型")
rule("E-CLASS-003", E, "分类", "政府经济分类与部门经济分类的对应关系不符",
     "政府经济分类由部门经济分类和单位类型决定；可清空该单元格，由程序按对照表自动对应")
rule("W-CLASS-004", W, "分类", "部门经济分类在对照表中没有对应的政府经济分类",
     "请填写政府经济分类编码，否则该行无法列入按政府经济分类的支出表")
rule("W-CLASS-005", W, "分类", "功能科目是另一类单位专用的",
     "行政单位医疗、行政单位离退休、行政运行等科目只用于行政单位（含参照公务员法管理的事业单位），"
     "事业单位医疗、事业单位离退休、事业运行只用于事业单位（科目目录的 功能分类单位类别.csv）；"
     "请改用本单位类型的科目，或核对单位表中的单位类型")

BASIC_CLASSES = vocab.BASIC_CLASSES
PERSONNEL_CLASSES = vocab.PERSONNEL


def check(ctx: Context) -> None:
    # A line's diagnostics here depend on its codes, kind and unit only: worked out once per
    # distinct combination (a Recorder) and said again of every line that has it.
    seen: dict[tuple, list] = {}
    for line in ctx.budget.lines:
        key = (line.kind, line.econ, line.func, line.gov_econ, line.unit)
        said = seen.get(key)
        if said is None:
            recorder = Recorder(ctx)
            _line(recorder, line)
            said = seen[key] = recorder.said
        if said:
            ctx.replay(said, line)


def _line(ctx: Recorder, line) -> None:
    """The rules of one line; everything they say comes from the fields of the memo key."""
    cat = ctx.catalog
    cls = line.econ[:3]
    if line.is_basic and cls not in BASIC_CLASSES:
        name = cat.econ_name(cls) if cat else None
        ctx.add("W-CLASS-001", f"基本支出行的经济分类 {line.econ} 属于 {cls}"
                f"{'（' + name + '）' if name else ''}，不属于基本支出", line, "econ")
    elif line.kind == vocab.PROJECT and cls in PERSONNEL_CLASSES:
        name = cat.econ_name(cls) if cat else None
        ctx.add("W-CLASS-002", f"项目支出行的经济分类 {line.econ} 属于 {cls}"
                f"{'（' + name + '）' if name else ''}，是人员经费", line, "econ")
    unit = ctx.units.get(line.unit)
    if cat is not None and unit is not None:
        _reserved(ctx, cat, line, unit)
    if cat is None or len(line.econ) != 5:
        return
    if unit is None:
        return  # E-REF-001
    official = cat.gov_for(line.econ, unit.kind)
    if line.gov_econ:
        if official is not None and line.gov_econ != official:
            ctx.add("E-CLASS-003", f"政府经济分类 {line.gov_econ}"
                    f"{'（' + (cat.gov_name(line.gov_econ) or '') + '）' if cat.gov_name(line.gov_econ) else ''}"
                    f"与对照表不符：{unit.kind}的部门经济分类 {line.econ} 对应 {official}"
                    f"（{cat.gov_name(official) or ''}）", line, "gov_econ",
                    expected=official, actual=line.gov_econ)
    elif official is None:
        ctx.add("W-CLASS-004", f"部门经济分类 {line.econ} 不在对照表中，无法按{unit.kind}自动对应政府经济分类",
                line, "gov_econ")


def _reserved(ctx: Recorder, cat, line, unit) -> None:
    only = cat.reserved_for(line.func)
    try:
        cls = unit_class(unit.kind)
    except ValueError:
        return  # not a known 单位类型: the reader reports it
    if only and only != cls:
        ctx.add("W-CLASS-005", f"功能科目 {line.func}（{cat.func_name(line.func) or ''}）只用于{only}单位，"
                f"而单位 {unit.code} {unit.name}是{unit.kind}", line, "func", expected=f"{cls}单位的科目",
                actual=line.func)
