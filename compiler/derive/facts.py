"""Every number the narrative quotes, derived from the lines with the definitions of
figures.py. Templates print these; they never do arithmetic of their own. Shares of a whole
always add to exactly 100.00%, and parts printed in 万元 to their printed total (largest
remainder; parts.py)."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..config import Config, fill
from ..model import Budget
from ..render.format import largest_remainder
from .. import vocab
from ..vocab import GENERAL_BUDGET_SOURCES
from . import figures as fg
from .parts import settle
from .figures import ZERO, total


# 基本支出 group -> its key in [labels] (None: basic spending outside the four groups)
BASIC_LABEL_KEYS = {"wages": "basic_wages", "household": "basic_household",
                    "goods": "basic_goods_services", "capital": "basic_capital", None: "basic_other"}


def _shares(parts: list[dict], whole: Decimal) -> list[dict]:
    pct = largest_remainder({i: p["amount"] for i, p in enumerate(parts)}, whole)
    return [dict(p, share=pct[i]) for i, p in enumerate(parts)]


def _date_cn(d) -> str | None:
    return f"{d.year} 年 {d.month} 月 {d.day} 日" if d else None


def derive_facts(budget: Budget, catalog, config: Config, tables: list) -> dict:
    info, lines = budget.info, budget.lines
    gpb = fg.general(lines)
    basic = [ln for ln in lines if ln.is_basic]
    project = [ln for ln in lines if not ln.is_basic]

    income = {src: total(ln for ln in lines if ln.source == src) for src in vocab.SOURCES}
    income_general = sum((income[s] for s in GENERAL_BUDGET_SOURCES), ZERO)
    by_group = {g: sum((income[s] for s in members), ZERO) for g, members in vocab.SOURCE_GROUPS.items()}
    by_kind = {k: total(ln for ln in lines if ln.kind == k) for k in vocab.EXPENSE_KINDS}

    project_cat = {p.name: p.category for p in budget.projects}
    other = vocab.PROJECT_CATEGORIES[-1]  # a non-basic line without a known project: 其他项目
    groups = {key: total(ln for ln in basic if fg.basic_group(ln.econ) == key)
              for key, _, _ in fg.BASIC_GROUPS}
    # basic lines outside the four groups (e.g. 399 其他支出): shown, so parts add up to the whole
    groups["other"] = total(ln for ln in basic if fg.basic_group(ln.econ) is None)
    by_category = {c: total(ln for ln in project if project_cat.get(ln.project or "", other) == c)
                   for c in fg.PROJECT_CATEGORIES}

    # 按功能科目分类 (类), with shares
    by_class: dict[str, Decimal] = defaultdict(Decimal)
    for ln in lines:
        by_class[ln.func[:3]] += ln.amount
    functions = _shares([{"code": c, "name": catalog.func_name(c) or c, "amount": a}
                         for c, a in sorted(by_class.items())], total(lines))

    # 一般公共预算支出 by use, with shares (basic groups, then project categories)
    gpb_basic = [ln for ln in gpb if ln.is_basic]
    # printed with the labels the 附表 use (one wording per item, document.toml [labels])
    labels = config.data.get("labels", {})
    gpb_parts = [{"name": labels.get(BASIC_LABEL_KEYS[key], label),
                  "amount": total(ln for ln in gpb_basic if fg.basic_group(ln.econ) == key)}
                 for key, label, _ in (*fg.BASIC_GROUPS, (None, fg.OTHER_LABEL, ()))]
    gpb_parts += [{"name": c, "amount": total(ln for ln in gpb if not ln.is_basic
                                              and project_cat.get(ln.project or "", other) == c)}
                  for c in fg.PROJECT_CATEGORIES]
    gpb_parts = _shares([p for p in gpb_parts if p["amount"]], total(gpb))
    gpb_by_class: dict[str, Decimal] = defaultdict(Decimal)
    for ln in gpb:
        gpb_by_class[ln.func[:3]] += ln.amount
    gpb_functions = _shares([{"code": c, "name": catalog.func_name(c) or c, "amount": a}
                             for c, a in sorted(gpb_by_class.items())], total(gpb))

    # 上年数: current figure, previous figure, change, reason
    prior = {}
    for p in budget.prior:
        current = fg.prior_item_amount(budget, p.item)
        prior[p.item] = {"current": current, "prior": p.amount, "diff": current - p.amount,
                         "reason": p.reason or ""}

    three = fg.three_public(budget)
    running = fg.running_lines(budget)
    running_items: dict[str, Decimal] = defaultdict(Decimal)
    for ln in running:
        running_items[ln.econ] += ln.amount
    running_list = [{"code": c, "name": catalog.econ_name(c) or ln_name(budget, c), "amount": a}
                    for c, a in sorted(running_items.items(), key=lambda kv: (-kv[1], kv[0]))]

    proc_by_cat: dict[str, Decimal] = {c: ZERO for c in vocab.PROCUREMENT_CATEGORIES}
    for row in budget.procurement:
        cat = row.category or catalog.procurement_category(row.catalog)
        if cat in proc_by_cat:
            proc_by_cat[cat] += row.amount

    fiscal = {s: total(ln for ln in lines if ln.source == s) for s in vocab.FISCAL_SOURCES}

    # 空表: which 附表 have nothing, and the sentence that explains it
    texts = {t.key: (t.text or "") for t in budget.texts}
    empties = []
    for t in tables:
        if getattr(t, "empty", False):
            name = t.title.replace(info.dept_name, "", 1)
            subject = config.table(t.number).get("empty_subject") or \
                name.replace("支出情况表", "").replace("预算表", "预算")
            default = fill(config.data.get("empty_reason", "空表的主要原因是{部门简称}无{内容}。"),
                           部门简称=info.dept_short, 内容=subject)
            empties.append({"id": t.id, "number": t.number, "name": name,
                            "reason": texts.get(f"空表说明:{name}", default)})

    owner = next((u.name for u in budget.units if u.code == budget.scope), info.dept_name) \
        if budget.scope else info.dept_name
    staff = budget.staff
    sub_units = [u for u in budget.units if u.level == "下属单位"]
    facts = {
        # the publisher: the department, or the unit in its own document (单位预算公开)
        "dept": {"name": owner, "short": info.dept_short, "year": info.year,
                 "prev_year": info.prev_year, "asset_date": _date_cn(info.asset_date)},
        "scope": ({"unit": budget.scope, "name": owner, "department": info.dept_name}
                  if budget.scope else None),
        "units": [{"code": u.code, "name": u.name, "kind": u.kind, "funding": u.funding or "",
                   "level": u.level or ""} for u in budget.units],
        "sub_units": [{"name": u.name, "kind": u.kind, "funding": u.funding or ""} for u in sub_units],
        "staff": {"total": staff.staff_total, "admin": staff.staff_admin, "inst": staff.staff_inst,
                  "worker": staff.staff_worker, "active": staff.staff_active,
                  "retired": staff.staff_retired},
        "cars": {"total": staff.car_total, "general": staff.car_general, "enforce": staff.car_enforce,
                 "special": staff.car_special, "other": staff.car_other, "other_note": staff.car_other_note,
                 "equip_general": staff.equip_general, "equip_special": staff.equip_special},
        "income": {"total": total(lines), "general": income_general, "by_source": income,
                   "by_group": by_group},
        "expense": {"total": total(lines), "basic": total(basic), "project": total(project),
                    "by_kind": by_kind,
                    **{f"basic_{k}": v for k, v in groups.items()},
                    "project_by_category": [{"name": c, "amount": a} for c, a in by_category.items()]},
        "functions": functions,
        "gpb": {"total": total(gpb), "basic": total(gpb_basic), "parts": gpb_parts,
                "functions": gpb_functions,
                "personnel": total(ln for ln in gpb_basic if ln.econ[:3] in fg.PERSONNEL),
                "public": total(ln for ln in gpb_basic if ln.econ[:3] in fg.PUBLIC),
                # neither (399 其他支出): printed too, so 人员经费 + 公用经费 + this = 基本支出
                "basic_other": total(ln for ln in gpb_basic
                                     if ln.econ[:3] not in (*fg.PERSONNEL, *fg.PUBLIC))},
        "fiscal": {"total": sum(fiscal.values(), ZERO), "general": fiscal["财政拨款"],
                   "gov_fund": fiscal["政府性基金预算"], "soe": fiscal["国有资本经营预算"]},
        "gov_fund": {"total": total(ln for ln in lines if ln.source == "政府性基金预算")},
        "three": {**three, "total": sum(three.values(), ZERO),
                  "car": three["car_buy"] + three["car_run"]},
        "running": {"total": total(running), "items": running_list,
                    "units": [u.name for u in budget.units if u.is_admin]},
        "procurement": {"total": total(budget.procurement), "count": len(budget.procurement),
                        "by_category": proc_by_cat},
        "prior": prior,
        "empty_tables": empties,
        "texts": texts,
    }
    # parts printed beside their total add up as printed ([[sums]] of the template data)
    return settle(facts, config.data.get("sums", []))


def ln_name(budget: Budget, code: str) -> str:
    """Name of an economic code the catalogue lacks: the one typed on the lines."""
    return next((ln.econ_name for ln in budget.lines if ln.econ == code and ln.econ_name), code)


def main_projects_table(budget: Budget, config: Config):
    """第二部分 二(三) 主要项目: projects by unit with their derived amounts (元); wording from
    [labels.main_projects] of the template data."""
    from .measures import project_amounts
    from .table import Cell, Column, Row, Table
    lab = config.data.get("labels", {}).get("main_projects", {})
    totals, general, fund = (project_amounts(budget), project_amounts(budget, vocab.FISCAL_SOURCES[0]),
                             project_amounts(budget, vocab.FISCAL_SOURCES[1]))
    amounts = {name: {"total": totals[name], "general": general.get(name, ZERO),
                      "fund": fund.get(name, ZERO)} for name in totals}
    year = fill(lab["year"], 预算年度=budget.info.year)
    cols = (Column("unit_code", lab["unit_code"], "code", 1.2), Column("name", lab["name"], "text", 4),
            Column("total", (year, lab["total"]), "money", 1.6),
            Column("general", (year, lab["general"]), "money", 1.6),
            Column("fund", (year, lab["fund"]), "money", 1.6))

    def money(a):
        return (Cell(a["total"]), Cell(a["general"]), Cell(a["fund"]))

    grand: dict[str, Decimal] = defaultdict(Decimal)
    body = []
    for unit in budget.units:
        projects = [p for p in budget.projects if p.unit == unit.code and p.name in amounts]
        if not projects:
            continue
        sub: dict[str, Decimal] = defaultdict(Decimal)
        for p in projects:
            for k, v in amounts[p.name].items():
                sub[k] += v
                grand[k] += v
        body.append(Row("unit", (Cell(unit.code), Cell(unit.name), *money(sub)), key=unit.code))
        body += [Row("item", (Cell(None), Cell(p.name), *money(amounts[p.name])), indent=1,
                     key=f"{unit.code}/{p.name}") for p in projects]
    rows = (Row("total", (Cell(None), Cell(lab["grand_total"], align="center"), *money(grand)),
                key="total"), *body)
    return Table(id="main-projects", number="", title=lab["title"], columns=cols, rows=rows)
