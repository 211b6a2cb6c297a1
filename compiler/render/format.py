"""Formatting in one place: 元 with thousands separators, 万元 with two decimals rounded half-up
(四舍五入, never truncated) — or, for a part printed beside its total, apportioned by largest
remainder so the printed parts add up to the printed total (apportion, Amount) — percentages,
and 增加/减少/持平 phrases. Templates use these as filters; nothing else formats money."""
from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

WAN = Decimal(10000)
CENT = Decimal("0.01")


def _dec(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if value is None:
        return Decimal(0)
    if isinstance(value, float):  # money never arrives as float; refuse to guess
        raise TypeError("money must be Decimal, not float")
    return Decimal(value)


def yuan(value, blank_zero: bool = False) -> str:
    """1234567 -> '1,234,567'; 12.5 -> '12.50'; 0 -> '0' (or '' in tables)."""
    if value is None:
        return ""
    d = _dec(value)
    if d == 0 and blank_zero:
        return ""
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.quantize(CENT, ROUND_HALF_UP):,}"


class Amount(Decimal):
    """An amount in 元 that carries its printed 万元 value: a part whose cents were apportioned
    so that the parts printed beside their total add up to it (derive/parts.py). Arithmetic on
    it gives plain Decimals; only to_wan reads ``printed``."""
    __slots__ = ("printed",)

    def __new__(cls, value, printed: Decimal):
        obj = super().__new__(cls, value)
        obj.printed = printed
        return obj

    def __reduce__(self):
        return (Amount, (str(self), self.printed))


def to_wan(value) -> Decimal:
    """元 -> 万元, two decimals: half-up, or the apportioned value an Amount carries. The only
    place this rounding happens."""
    if isinstance(value, Amount):
        return value.printed
    return (_dec(value) / WAN).quantize(CENT, ROUND_HALF_UP)


def apportion(printed_total: Decimal, parts: list) -> list[Decimal] | None:
    """The 万元 values of *parts* (元) that add up to *printed_total* (万元) — largest remainder
    (Hamilton): every part rounded down to the 分 of 万元, then the cents still missing go to the
    largest remainders (ties: first listed). Each printed part is within 0.01 万元 of its exact
    value; a part of 0 stays 0. None when the parts cannot reach the total that way (they do
    not add up to it in 元)."""
    exact = [_dec(p) / WAN / CENT for p in parts]          # in cents of 万元
    floors = [int(e.to_integral_value(ROUND_FLOOR)) for e in exact]
    left = int((_dec(printed_total) / CENT).to_integral_value()) - sum(floors)
    rems = [e - f for e, f in zip(exact, floors)]
    if left < 0 or left > sum(1 for r in rems if r):
        return None
    order = sorted(range(len(parts)), key=lambda i: (-rems[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [(Decimal(n) * CENT).quantize(CENT) for n in floors]


def wan(value) -> str:
    """1234567 -> '123.46' (万元, no separators, as the narrative prints them)."""
    return f"{to_wan(value)}"


def pct(value) -> str:
    """A percentage already rounded by derive (Decimal with 2 places) -> '6.88%'."""
    return f"{_dec(value).quantize(CENT, ROUND_HALF_UP)}%"


def change(current, previous, unit: str = "万元") -> str:
    """'增加 1234.56 万元' / '减少 12.00 万元' / '持平'."""
    diff = _dec(current) - _dec(previous)
    if diff == 0:
        return "持平"
    amount = wan(abs(diff)) if unit == "万元" else yuan(abs(diff))
    return f"{'增加' if diff > 0 else '减少'} {amount} {unit}"


def largest_remainder(parts: dict, total=None, places: int = 2) -> dict:
    """Shares in percent that add to exactly 100 (Hamilton's method): round every share down,
    then give the remaining hundredths to the largest remainders (ties: first listed)."""
    values = {k: _dec(v) for k, v in parts.items()}
    whole = _dec(total) if total is not None else sum(values.values(), Decimal(0))
    if whole == 0:
        return {k: Decimal(0).quantize(Decimal(1).scaleb(-places)) for k in values}
    unit = Decimal(1).scaleb(-places)
    scale = Decimal(100) / unit  # number of units in 100%
    raw = {k: v * scale / whole for k, v in values.items()}
    floors = {k: int(r) for k, r in raw.items()}
    left = int(scale) - sum(floors.values())
    order = sorted(values, key=lambda k: (-(raw[k] - floors[k]), list(values).index(k)))
    for k in order[:max(left, 0)]:
        floors[k] += 1
    return {k: (Decimal(n) * unit).quantize(unit) for k, n in floors.items()}


def cell_text(value, kind: str | None = None, blank_zero: bool = False) -> str:
    """How a Table IR cell reads, in every back end: amounts in 元 with separators, quantities
    as plain numbers, text as is."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if kind == "number" else yuan(value, blank_zero=blank_zero)
    return str(value)


def clause(text) -> str:
    """A typed phrase made ready to sit inside a generated sentence: surrounding space and the
    closing punctuation staff often type (。；，) removed, so "…用车。" never prints "…用车。。"."""
    return str(text or "").strip().rstrip("。；;，,.、 　").strip()


FILTERS = {"yuan": yuan, "wan": wan, "pct": pct, "change": change, "clause": clause}
