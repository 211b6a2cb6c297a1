"""Texts: every free-text cell of every sheet is read for template remnants, stale years,
amounts that contradict the figures, and muddled units. All warnings: the department's words
are its own, but a published 130万元 that should read 120万元 is worth a second look."""
from __future__ import annotations

import re

from ..diagnostics import W, money_str, rule
from ..model import TABLE_MODELS
from ..workbook.schema import SHEET_BY_NAME, Kind
from ..derive.names import mask
from .context import Context
from .quantities import bracket_depths

rule("W-TEXT-001", W, "文字", "文字中有占位符或未完成的内容",
     "XX、××、**、{单位}、请写、请填写、待填写、TODO、某某、○○、…… 等是模板中待替换的内容；请改为实际内容"
     "（文号尚未印发的，可写“（待印发）”或删去文号）")
rule("W-TEXT-002", W, "文字", "文字中出现了预算年度和上一年度以外的年份",
     "请核对是否沿用了往年的文字；“截至…年”、书名号《》或括号内的年份（如文号〔2017〕）不受此限")
rule("W-TEXT-004", W, "文字", "同一句话中混用元、万元、亿元",
     "同一句话中的金额请使用同一单位，便于读者比较")
rule("W-TEXT-005", W, "文字", "以元为单位的金额超过两位小数", "以元为单位的金额最多保留两位小数（到分）")
rule("W-TEXT-006", W, "文字", "目标或计划写的是已经过去的年份",
     "“力争”“计划”“预计”之后的年份早于预算年度，可能沿用了往年的文字；请改为预算年度")
rule("W-TEXT-007", W, "文字", "文字中留有模板的填写说明或备选写法",
     "括号中的填写说明（如“（内设机构请写全称）”）和备选写法（如“我局（委）”）是模板给填写人的提示；"
     "请按说明写好并删去括号，备选写法只保留一种")
rule("W-TEXT-008", W, "文字", "同一词句紧接着重复了一遍",
     "常见于复制粘贴时多粘了一次，如“奖补企业数奖补企业数量”；请删去重复的部分")
rule("W-TEXT-009", W, "文字", "句子不完整（像是被截断了）",
     "如“按实际需要展”（缺“开”）、“培育15-20家成长性好、一体化。”（缺所培育的对象）；请补全句子")
rule("W-TEXT-010", W, "文字", "文字写的是另一级政府的口径",
     "如市级部门的文字写“纳入省财政预算管理”：多半是照抄了上级的范本；请改为本级（以部门名称中的省、市、县、区为准）")

PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(?:XX+|xx+)(?![A-Za-z])|ＸＸ+|××+|\*\*+|＊＊+|\{[^{}\s]{1,12}\}|待填写|请填写|请填|请写|"
    r"请输入|待补充|(?<![A-Za-z])(?:TODO|TBD)(?![A-Za-z])|某某|○○+|〇〇+|…+|\.{3,}|。。。")
# Template remnants other than placeholders: a bracketed note to the person filling it in, and
# alternatives left for them to choose from (我局（委）, 本单位（部门）).
INSTRUCTION = re.compile(r"[（(][^（）()\n]{0,30}?(?:请|须|应)(?:写|填|输入|注明|列明|补充|选择|删除|修改|替换)"
                         r"[^（）()\n]*[）)]|[（(](?:此处[^（）()\n]*|选填|必填|可选|示例|举例)[）)]")
INSTITUTION = r"(?:局|委|厅|办|部|院|会|中心|单位|部门)"
ALTERNATIVE = re.compile(rf"(?:我|本){INSTITUTION}(?:[（(]{INSTITUTION}[）)]|[/／]{INSTITUTION})")
# a phrase of 3 to 40 characters typed twice in a row (奖补企业数奖补企业数量); bounded, since an
# unbounded group backtracks over the whole run: 5 s for one 32,000-character cell. Longer
# passages pasted twice are found sentence by sentence (_doubled).
DUPLICATE = re.compile(r"([\u4e00-\u9fff]{3,40})\1")
PASSAGE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;\n]*")
# Cut-off phrases: an auxiliary that needs a two-character verb followed by a single character at
# the end of a clause (按实际需要展), and a count whose noun is missing after its modifiers
# (培育15-20家成长性好、一体化。).
CLAUSE_END = r"(?=[，,。；;！!？?\n]|$)"
AUXILIARY = re.compile(r"(?:需要|予以|给予|加以|进行|积极|逐步|继续|认真|按时|努力|全力|大力|切实|着力)"
                       r"[\u4e00-\u9fff]" + CLAUSE_END)
MODIFIER = r"[\u4e00-\u9fff]{1,6}[好强高优大化快佳广稳全新的]"
HEADLESS = re.compile(r"(?<!\d)\d+(?:[-—~～至]\d+)?(?:家|个|名|所|项|座)(?:" + MODIFIER + "、)+" + MODIFIER + CLAUSE_END)
# 纳入省财政预算管理 in a municipal document: the wording of another level of government
LEVEL_PHRASE = re.compile(r"纳入(省|市|县|区)级?(?:财政)?预算管理")
LEVELS = "省市县区"
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)")
UNTIL = re.compile(r"(截至|截止)(到|于)?\s*$")
# a horizon: 到2022年 / 至2025年 / 在2022年前 names the year a goal is due, not a stale year
HORIZON = re.compile(r"(到|至)\s*$")
# fields that tell a project's history: past years there are its background, not rollover remnants
BACKGROUND = {("项目", "overview"), ("项目", "basis")}
INTENT = re.compile(r"(力争|计划|预计|争取|拟|将|确保|预期)(在|于|到)?\s*$")
OPEN, CLOSE = "〔[【(（《〈", "〕]】)）》〉"
NUMBER = r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
MONEY = re.compile(NUMBER + r"\s*(亿元|万元|元)")
SENTENCE = re.compile(r"[^。；;！!？?\n]+")

# Columns that hold names referring to another sheet (checked where the name is defined) or
# catalogue names: not free text.
NOT_FREE = {("支出明细", "project"), ("支出明细", "func_name"), ("支出明细", "econ_name"),
            ("政府采购", "func_name"),
            ("绩效指标", "project"), ("整体绩效任务", "projects"), ("说明文字", "key")}


def find_placeholder(text: str) -> str | None:
    m = PLACEHOLDER.search(text or "")
    return m.group(0) if m else None


def free_text_cells(budget):
    """(record, field, header, text) for every non-empty free-text cell of the workbook."""
    for spec_name in ("基本信息", "人员车辆资产"):
        rec = budget.info if spec_name == "基本信息" else budget.staff
        for key in SHEET_BY_NAME[spec_name].keys:
            if key.kind in (Kind.TEXT, Kind.LONGTEXT):
                value = getattr(rec, key.field, None)
                if isinstance(value, str) and value.strip():
                    yield rec, key.field, key.key, value
    for sheet, (attr, _cls) in TABLE_MODELS.items():
        cols = [c for c in SHEET_BY_NAME[sheet].columns
                if c.kind in (Kind.TEXT, Kind.LONGTEXT) and not c.enum
                and (sheet, c.field) not in NOT_FREE]
        for rec in getattr(budget, attr):
            for col in cols:
                value = getattr(rec, col.field, None)
                if isinstance(value, str) and value.strip():
                    yield rec, col.field, col.header, value


def _snippet(text: str, start: int, end: int, width: int = 12) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b].replace("\n", " ") + ("…" if b < len(text) else "")


def _years(ctx: Context, rec, fld: str, header: str, text: str, allowed: set[int]) -> None:
    stale, odd = [], []
    history = (rec.sheet, fld) in BACKGROUND
    depths = bracket_depths(text, OPEN, CLOSE)
    for m in YEAR.finditer(text):
        year = int(m.group(1))
        before = text[max(0, m.start() - 6):m.start()]   # what the patterns below look at
        if year < ctx.year and INTENT.search(before[-6:]) and not UNTIL.search(before[-6:]):
            stale.append(m)
            continue
        if (year in allowed or UNTIL.search(before[-6:]) or depths[m.start()]
                or (history and year < ctx.year) or (year > ctx.year and HORIZON.search(before[-2:]))):
            continue
        odd.append(m)
    if stale:
        m = stale[0]
        ctx.add("W-TEXT-006", f"{header}中“{_snippet(text, m.start(), m.end())}”写的是 {m.group(1)} 年，"
                f"而预算年度是 {ctx.year} 年", rec, fld)
    if odd:
        years = "、".join(dict.fromkeys(m.group(1) + "年" for m in odd))
        m = odd[0]
        ctx.add("W-TEXT-002", f"{header}中出现 {years}（如“{_snippet(text, m.start(), m.end())}”），"
                f"预算年度是 {ctx.year} 年", rec, fld)


def _units(ctx: Context, rec, fld: str, header: str, text: str) -> None:
    for s in SENTENCE.finditer(text):
        units = list(dict.fromkeys(m.group(2) for m in MONEY.finditer(s.group(0))))
        if len(units) > 1:
            ctx.add("W-TEXT-004", f"{header}中“{_snippet(s.group(0), 0, 0, 40)}”同时使用"
                    f"{'、'.join(units)}", rec, fld)
            return
    for m in re.finditer(r"(?<![\d.])(\d+\.\d{3,})\s*元", text):
        ctx.add("W-TEXT-005", f"{header}中的“{m.group(0)}”超过两位小数", rec, fld)
        return


def dept_level(name: str) -> str | None:
    """省/市/县/区 of a department from its name: the last of them (郑州市金水区商务局 → 区)."""
    found = [ch for ch in name or "" if ch in LEVELS]
    return found[-1] if found else None


def place_names(name: str) -> list[str]:
    """The places a department's name starts with, longest first (郑州市金水区商务局 → 郑州市金水区,
    金水区, 郑州市): how its own texts may qualify a measure (郑州市进出口额 = 进出口额)."""
    ends = [i + 1 for i, ch in enumerate(name or "") if ch in LEVELS]
    names = {name[a:b] for b in ends for a in [0] + ends if a < b}
    return sorted(names, key=lambda s: (-len(s), s))


def _doubled(text: str) -> tuple[str, int] | None:
    """(what was typed twice, where it starts): a phrase of up to 40 characters, else a sentence
    (or a whole text without one) of more, repeated right after itself. Linear in the text."""
    m = DUPLICATE.search(text)
    if m:
        return m.group(1), m.start()
    previous = None
    for m in PASSAGE.finditer(text):
        if previous is not None and m.group(0) == previous.group(0) and len(previous.group(0).strip()) > 40:
            return previous.group(0), previous.start()
        previous = m
    half, rest = divmod(len(text), 2)
    if not rest and half > 40 and text[:half] == text[half:]:
        return text[:half], 0
    return None


def _remnants(ctx: Context, rec, fld: str, header: str, text: str, level: str | None) -> None:
    """Template remnants besides placeholders: instructions, alternatives, doubled and cut-off
    phrases, another level's wording. One diagnostic per rule and cell (the first instance)."""
    m = INSTRUCTION.search(text) or ALTERNATIVE.search(text)
    if m:
        ctx.add("W-TEXT-007", f"{header}中“{_snippet(text, m.start(), m.end())}”留有模板的"
                f"{'填写说明' if m.group(0)[0] in '（(' else '备选写法'}“{m.group(0)}”", rec, fld)
    found = _doubled(text)
    if found:
        twice, start = found   # quoted in full up to 20 characters: a doubled page must not make a page-long message
        shown = twice if len(twice) <= 20 else f"{twice[:10]}…{twice[-6:]}（{len(twice)} 字）"
        where = _snippet(text, start, start + 2 * len(twice) if len(twice) <= 20 else start, 6)
        ctx.add("W-TEXT-008", f"{header}中“{shown}”连写了两遍（“{where}”）", rec, fld)
    m = AUXILIARY.search(text) or HEADLESS.search(text)
    if m:
        ctx.add("W-TEXT-009", f"{header}中“{_snippet(text, m.start(), m.end(), 10)}”像是没写完", rec, fld)
    m = LEVEL_PHRASE.search(text)
    if m and level and m.group(1) != level:
        ctx.add("W-TEXT-010", f"{header}中“{m.group(0)}”是{m.group(1)}级的口径，而{ctx.budget.info.dept_name}"
                f"是{level}级部门", rec, fld, expected=f"纳入{level}级预算管理", actual=m.group(0))


def check(ctx: Context) -> None:
    b = ctx.budget
    allowed = {ctx.year, ctx.year - 1}
    level = dept_level(b.info.dept_name)
    for rec, fld, header, text in free_text_cells(b):
        text = mask(text)  # names (「上年公务接待费」) are checked by names.py, not read as words here
        if (rec.sheet, fld) != ("上年数", "reason"):  # E-PRIOR-003 speaks for those
            # a 请写 inside a bracketed instruction is W-TEXT-007's, not a second diagnostic
            bare = INSTRUCTION.sub("", text)
            ph = find_placeholder(bare)
            if ph:
                m = PLACEHOLDER.search(bare)
                ctx.add("W-TEXT-001", f"{header}中有占位内容“{ph}”（“{_snippet(bare, m.start(), m.end())}”）",
                        rec, fld)
        _remnants(ctx, rec, fld, header, text, level)
        years = allowed
        if rec.sheet == "项目":
            span = [d.year for d in (rec.start, rec.end) if d]
            if len(span) == 2:
                years = allowed | set(range(span[0], span[1] + 1))
        _years(ctx, rec, fld, header, text, years)
        _units(ctx, rec, fld, header, text)


__all__ = ["check", "find_placeholder", "free_text_cells", "money_str"]
