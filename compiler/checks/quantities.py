"""Numbers typed in texts, read as quantities: "120万元", "0.05亿元", "≤120万元", "6次以上",
"大于1.2万吨", "10-15家", "≥30亿元人民币", "2.5亿美元", "20%以上". Each quantity knows its value
(money in 元, counts with 万/亿 applied), its kind (money, percent, count), its unit (currency or
measure word), the precision it was typed at, its comparator and the words around it (its label).

Not quantities: a number without a unit (list numbering, 1+2+3+N, phone numbers), years, dates
and times (年 月 日 号 are no units here), ordinals (第3次), and numbers inside 《》〈〉〔〕【】[]
(titles and document numbers such as 〔2019〕12号)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
MULTIPLIERS = {"千万": Decimal(10) ** 7, "百万": Decimal(10) ** 6, "万": Decimal(10) ** 4,
               "亿": Decimal(10) ** 8}
CURRENCIES = ("元人民币", "人民币", "元", "美元", "欧元", "港元", "港币", "日元", "英镑")
FOREIGN = {"美元", "欧元", "港元", "港币", "日元", "英镑"}
# measure words, longest first (平方米 before 米, 人次 before 人)
MEASURES = ("平方公里", "平方米", "立方米", "千瓦时", "千瓦", "公里", "人次", "户次", "场次", "批次", "课时",
            "小时", "人", "次", "个", "家", "项", "辆", "台", "套", "期", "批", "场", "册", "条", "吨", "米",
            "名", "所", "座", "件", "份", "篇", "户", "间", "处", "款", "种", "类", "部", "本", "张", "天",
            "亩", "头", "只", "箱", "株", "盏", "块", "位", "支", "届", "轮", "层", "栋")
PERCENT = ("%", "％")
UNITS = "|".join(re.escape(u) for u in (*CURRENCIES, *PERCENT, *MEASURES))
QUANTITY = re.compile(
    rf"(?<![\d.,A-Za-z０-９])(?P<n>{NUMBER})(?:\s*[-—~～至到]\s*(?P<n2>{NUMBER}))?\s*"
    rf"(?P<mult>千万|百万|万|亿)?(?P<approx>[余多])?\s*(?P<unit>{UNITS})?")
PERCENT_WORDS = re.compile(rf"百分之(?P<n>{NUMBER})")

# comparators, as typed before the number (longest first) or after it
BEFORE = (("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("至少", ">="), ("≥", ">="), (">=", ">="),
          ("＞＝", ">="), ("不超过", "<="), ("不高于", "<="), ("不多于", "<="), ("不大于", "<="),
          ("控制在", "<="), ("最多", "<="), ("≤", "<="), ("<=", "<="), ("大于", ">"), ("超过", ">"),
          ("高于", ">"), ("多于", ">"), ("突破", ">"), ("逾", ">"), (">", ">"), ("＞", ">"), ("小于", "<"),
          ("低于", "<"), ("少于", "<"), ("不到", "<"), ("不足", "<"), ("<", "<"), ("＜", "<"),
          ("大约", "~"), ("约", "~"), ("近", "~"), ("达到", "reach"), ("达", "reach"), ("=", "="),
          ("＝", "="))
AFTER = (("及以上", ">="), ("以上", ">="), ("以下", "<="), ("以内", "<="), ("左右", "~"), ("上下", "~"))
SYMBOL = {">": "大于", ">=": "不低于", "<": "小于", "<=": "不超过", "=": "等于", "reach": "达到",
          None: "等于", "~": "约"}
# text between a label and its number that carries no meaning for matching
GLUE = re.compile(r"(?:均|共|合计|总计|计|为|是|到|至|的|实现|完成|达到|达|力争|争取|预计|计划|全年|累计)$")
DELIMITERS = "，,。；;：:\n、（()）“”\"!！?？"
OPENERS, CLOSERS = "《〈〔【[", "》〉〕】]"
TIME_AFTER = re.compile(r"\s*(?:年|月|日|号|时|点|岁|周|季度|个月)")


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str                 # as typed, with its comparator words
    value: Decimal            # money in 元 (or the foreign currency's unit), counts with 万 applied
    high: Decimal | None      # the upper end of a range (15-20家), else None
    kind: str                 # "money" | "percent" | "count"
    unit: str                 # money: "元" or the foreign currency; count: measure word or ""
    scale: Decimal            # the typed unit: 10000 for 万元, 1 for 元
    places: int               # decimals typed
    comparator: str | None    # ">", ">=", "<", "<=", "=", "~", "reach" or None
    approx: bool              # 约、左右、余、多
    before: str               # words before it in its clause (its label)
    after: str                # words after it in its clause

    @property
    def foreign(self) -> bool:
        return self.kind == "money" and self.unit in FOREIGN

    def matches(self, value: Decimal) -> bool:
        """True when *value* reads as this quantity. Amounts typed to the 分 of 万元 (0.01万元,
        100 元) or finer may be rounded half-up (1234.57万元 matches 12,345,673 元; the truncated
        1234.56万元 does not); coarser amounts must be exact (0.05亿元 is not 4,900,000 元).
        Percentages may be rounded at the precision typed; a range (15-20家) holds any value in it."""
        if self.high is not None:
            return self.value <= value <= self.high
        step = Decimal(1).scaleb(-self.places)
        if self.kind == "count" or (self.kind == "money" and step * self.scale > 100):
            return value == self.value
        return (value / self.scale).quantize(step, ROUND_HALF_UP) == (self.value / self.scale).quantize(step)

    def lower_bound(self) -> bool:
        return self.comparator in (">", ">=", "reach")


def bracket_depths(text: str, openers: str = OPENERS, closers: str = CLOSERS) -> list[int]:
    """For every position of *text* (and its end), how many of the brackets *openers*/*closers*
    are open there (a figure inside 《…》 or 〔…〕 is part of a title or a document number, not a
    quantity of the budget). One pass, so asking at every figure of a long text stays linear."""
    depth, out = 0, [0]
    for ch in text:
        if ch in openers:
            depth += 1
        elif ch in closers and depth:
            depth -= 1
        out.append(depth)
    return out


# A clause is looked for this far at most before and after a figure: staff's clauses are short,
# and walking a 32,000-character text without punctuation at every figure would be quadratic.
CLAUSE_MAX = 200


def _clause_before(text: str, pos: int) -> str:
    i, stop = pos, max(0, pos - CLAUSE_MAX)
    while i > stop and text[i - 1] not in DELIMITERS:
        i -= 1
    return text[i:pos]


def _clause_after(text: str, pos: int) -> str:
    i, stop = pos, min(len(text), pos + CLAUSE_MAX)
    while i < stop and text[i] not in DELIMITERS:
        i += 1
    return text[pos:i]


def _comparator_before(before: str) -> tuple[str | None, int]:
    stripped = before.rstrip()
    for word, comp in BEFORE:
        if stripped.endswith(word):
            return comp, len(before) - len(stripped) + len(word)
    return None, 0


def _label(before: str) -> str:
    label = before.strip()
    while True:
        cut = GLUE.sub("", label).rstrip()
        if cut == label:
            return label
        label = cut


def _measure_from_label(label: str) -> str:
    """The measure of a count typed without one (组织培训次数 ≥4 → 次)."""
    for tail, measure in (("次数", "次"), ("人数", "人"), ("个数", "个"), ("家数", "家"), ("项数", "项"),
                          ("期数", "期"), ("场数", "场")):
        if label.endswith(tail):
            return measure
    return ""


MONEY_WORDS = re.compile(r"资金|金额|预算|经费|投入|安排|补贴|补助|奖励|拨付|费|额|产值|效益|收入|支出|成本")


def parse(text: str, bare: bool = False, label: str | None = None) -> list[Quantity]:
    """The quantities of *text*. With bare=True (an indicator's 目标值) a number without a unit
    is a count; *label* (the indicator's name) is then the label of every quantity."""
    out: list[Quantity] = []
    if not text:
        return out
    depths = bracket_depths(text)
    for m in QUANTITY.finditer(text):
        n, n2, mult, unit = m.group("n"), m.group("n2"), m.group("mult"), m.group("unit")
        start, end = m.start(), m.end()
        if not unit and not mult and not bare:
            continue
        if text[max(0, start - 20):start].rstrip().endswith("第") or depths[start]:
            continue  # ordinal, or inside a title or document number
        if not unit and TIME_AFTER.match(text, end):
            continue
        if n2 is None and re.match(r"\s*[-—~～至到]\s*\d", text[end:end + 20]):
            continue  # a range the pattern could not read whole
        before_all = _clause_before(text, start)
        comp, width = _comparator_before(before_all)
        before = before_all[:len(before_all) - width]
        tail = text[end:end + 20]   # the words of AFTER are short
        approx = bool(m.group("approx"))
        for word, c in AFTER:
            if tail.startswith(word):
                comp = comp if comp in (">", ">=", "<", "<=") and c == "~" else c
                end += len(word)
                break
        if comp == "~":
            approx = True
        factor = MULTIPLIERS.get(mult or "", Decimal(1))
        places = len(n.split(".")[1]) if "." in n else 0
        value = Decimal(n.replace(",", "")) * factor
        high = Decimal(n2.replace(",", "")) * factor if n2 else None
        if unit in PERCENT:
            kind, unit_name = "percent", "%"
        elif unit in CURRENCIES:
            kind, unit_name = "money", ("元" if unit in ("元", "元人民币", "人民币") else unit)
        elif unit:
            kind, unit_name = "count", unit
        elif mult and not bare and not MONEY_WORDS.search(before):
            kind, unit_name = "count", ""  # 1000万 beside no money word: a count, not an amount
        elif mult and not bare:
            kind, unit_name = "money", "元"  # "120万": 万元 without 元
        else:
            kind, unit_name = "count", ""
        if kind == "count" and not unit_name and label:
            unit_name = _measure_from_label(label)
        lead = start - width
        out.append(Quantity(
            start=lead, end=end, text=text[lead:end].strip(), value=value, high=high, kind=kind,
            unit=unit_name, scale=factor, places=places, comparator=comp, approx=approx,
            before=_label(before) if label is None else label, after=_clause_after(text, end).strip()))
    for m in PERCENT_WORDS.finditer(text):
        if depths[m.start()]:
            continue
        n = m.group("n")
        before = _clause_before(text, m.start())
        out.append(Quantity(m.start(), m.end(), m.group(0), Decimal(n), None, "percent", "%", Decimal(1),
                            len(n.split(".")[1]) if "." in n else 0, None, False,
                            _label(before) if label is None else label, _clause_after(text, m.end()).strip()))
    return sorted(out, key=lambda q: q.start)


def describe(q: Quantity) -> str:
    """How a quantity is spoken of in a message: the comparator in words and the text."""
    return q.text


__all__ = ["Quantity", "parse", "SYMBOL", "FOREIGN"]
