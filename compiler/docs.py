"""Generate docs/workbook.md (from the schema), docs/rules.md (from the rule registry), the
vocabulary part of docs/profiles.md (from derive/) and docs/figure-names.md (from figures.toml). `python -m compiler.docs` rewrites them; a
test fails when the committed files are stale."""
from __future__ import annotations

import sys
from pathlib import Path

from .diagnostics import RULES
from .workbook.schema import ENUMS, OPEN_ENUMS, SHEETS

DOCS = Path(__file__).resolve().parent.parent / "docs"
KIND_LABEL = {"text": "文本", "longtext": "长文本", "code": "编码（文本）", "money": "金额（元）",
              "int": "非负整数", "number": "正数", "date": "日期", "year": "年份"}


def workbook_md() -> str:
    out = ["# 工作簿格式（由 compiler/workbook/schema.py 生成，请勿手改）", "",
           "第 1 行为表头，数据从第 2 行起；两列“项目 | 内容”的为键值表。", ""]
    for s in SHEETS:
        out += [f"## {s.name}", "", s.purpose, ""]
        if s.is_kv:
            out += ["| 项目 | 类型 | 必填 | 说明 |", "|---|---|---|---|"]
            out += [f"| {k.key} | {KIND_LABEL[k.kind.value]} | {'是' if k.required else ''} | {k.hint} |"
                    for k in s.keys]
        else:
            out += ["| 列 | 类型 | 必填 | 取值 | 说明 |", "|---|---|---|---|---|"]
            for c in s.columns:
                values = ""
                if c.enum:
                    values = ("建议：" if c.enum in OPEN_ENUMS else "") + "、".join(ENUMS[c.enum])
                opt = "（可选列）" if c.optional else ""
                out.append(f"| {c.header} | {KIND_LABEL[c.kind.value]} | {'是' if c.required else ''} "
                           f"| {values} | {c.hint}{opt} |")
        out.append("")
    return "\n".join(out)


def rules_md() -> str:
    out = ["# 检查规则（由 compiler/diagnostics.py 的规则表生成，请勿手改）", "",
           "错误（E-）阻止生成；警告（W-）不阻止，`--strict` 时也按失败处理。"
           "文件无法读取的错误以状态 2 退出，其余错误以状态 1 退出。", ""]
    families: dict[str, list] = {}
    for r in RULES.values():
        families.setdefault(r.family, []).append(r)
    for fam, rules in families.items():
        out += [f"## {fam}", "", "| 代码 | 级别 | 规则 | 提示 |", "|---|---|---|---|"]
        out += [f"| {r.code} | {r.severity.label} | {r.title} | {r.hint} |" for r in rules]
        out.append("")
    return "\n".join(out)


SCOPES = (("department", "部门的数字（在单位预算公开中为该单位的）", "任何文字"),
          ("上年", "上年数（上年数表）", "任何文字"),
          ("unit", "项目所属单位的数字", "项目和其绩效指标的文字"),
          ("project", "项目的金额", "项目和其绩效指标的文字"))
KIND_SHOWN = {"money": "万元，两位小数（如 12.00 万元）", "count": "整数和单位（如 30 人）",
              "year": "年份（如 2021）", "change": "增加/减少……万元，或持平"}


def figure_names_md() -> str:
    """docs/figure-names.md: the names texts may write in 「」, from the standard profile's
    figures.toml (derive/names.py)."""
    from .config import load_config
    figures = load_config(profile="standard").data.get("figures", {})
    out = ["# 文字中的数字名称（由 templates/standard/figures.toml 生成，请勿手改）", "",
           "任何文字单元格（说明文字、项目的各段文字、整体绩效目标和任务、增减原因、名词解释）都可以不写数字，"
           "而在「」中写数字的名称，例如：“三公”经费预算「三公经费」，公务接待费比上年「公务接待费增减」。生成公开文件时"
           "填入该数字（按文件的单位：万元，两位小数，与说明中的数字一致）；`gongkai rollover` 按原样结转文字，"
           "所以下一年的文件写的是下一年的数字。「」用全角直角引号，中文输入法可直接输入，Excel、WPS 中无需转义。",
           "", "名称写错（E-TEXT-012，提示最接近的名称）、写在没有该数字的地方（E-TEXT-013）时检查报错；"
           "「」中不像名称的内容（W-TEXT-014）按原文印出。", "",
           "单位自己的预算公开（`--unit`）中，部门的名称指该单位的数字；上年的名称没有数值（上年数是部门的），"
           "文字中写了的，该单位的文件不生成并说明是哪个单元格。", ""]
    for scope, title, where in SCOPES:
        rows = [(n, e) for n, e in figures.items() if e.get("scope", "department") == scope]
        if not rows:
            continue
        out += [f"## {title}", "", f"可写在：{where}。", "", "| 名称 | 也可写作 | 数字 | 印出为 |", "|---|---|---|---|"]
        out += [f"| 「{n}」 | {'、'.join(f'「{a}」' for a in e.get('aliases', []))} | {e.get('says', '')} "
                f"| {KIND_SHOWN[e.get('kind', 'money')]} |" for n, e in rows]
        out.append("")
    return "\n".join(out)


BEGIN, END = "<!-- 以下由 compiler/docs.py 生成，请勿手改 -->", "<!-- 生成部分结束 -->"


def profiles_vocabulary_md() -> str:
    """The names a profile may use, from the Python that defines them (derive/*)."""
    from . import vocab
    from .derive import dimensions, forms, layouts
    from .derive.declare import LAYOUTS, TABLE_KEYS
    from .derive.measures import FILTER_KEYS, econ_sets, named_measures

    def names(items) -> str:
        return "、".join(f"`{x}`" for x in items)

    out = ["### 版式（layout）", "", names(LAYOUTS), "",
           "### 附表的设置（[[table]]）", "", names(TABLE_KEYS), "",
           "### 维度（rows 的 dimension）", "", "| 维度 | 层级（levels） |", "|---|---|"]
    for name in dimensions.DIMENSIONS:
        dim = dimensions.CODE_DIMENSIONS.get(name)
        out.append(f"| `{name}` | {names(lvl.name for lvl in dim.levels) if dim else '—'} |")
    out += ["", "rows 的设置：" + names(dimensions.ROW_KEYS), "",
            "### 度量的条件（列、固定行、basis、表单字段）", "", names(FILTER_KEYS), "",
            "| 条件 | 可用的值 |", "|---|---|",
            f"| `source` | 资金来源：{names(vocab.SOURCES)}；组：" +
            "；".join(f"`{g}`（{'、'.join(m)}）" for g, m in vocab.SOURCE_GROUPS.items()) + " |",
            f"| `kind` | 支出类型：{names(vocab.EXPENSE_KINDS)}；组：" +
            "；".join(f"`{g}`（{'、'.join(m)}）" for g, m in vocab.EXPENSE_KIND_GROUPS.items()) + " |",
            f"| `econ` | {names(econ_sets())}、`{vocab.OTHER_LABEL}`（四类基本支出以外），或 3 位类、5 位款编码 |",
            f"| `category` | 项目类别：{names(vocab.PROJECT_CATEGORIES)} |",
            f"| `unit_kind` | 单位类型：{names(vocab.UNIT_KINDS)} |",
            "| `any` | 条件表的列表，满足其一即可 |",
            "| `year` | `本年`（默认）、`上年`（只用于有上年数指标的度量，且只用于 rows = \"合计\" 的表） |",
            "", "### 命名的度量（measure）", "", "| 度量 | 条件 | 上年数指标 |", "|---|---|---|"]
    for name, (spec, prior) in named_measures().items():
        cond = "；".join(f"{k} = {v if isinstance(v, str) else '、'.join(v)}"
                        for k, v in spec.items()) or "全部"
        out.append(f"| `{name}` | {cond} | {'、'.join(prior) if prior else '—'} |")
    out += ["", "### 列、行的设置", "", "列：" + names(layouts.COLUMN_KEYS),
            "", "两栏表的行：" + names(layouts.ROW_ITEM_KEYS), "",
            "两栏表的一栏（[table.left] / [table.right]）：" + names(layouts.SIDE_KEYS), "",
            "### 项目绩效目标表的字段（fields）", "", names(forms.PROJECT_FIELDS),
            "，或一个带 key 的度量（项目的支出明细中满足条件的金额）；字符串为分节标题，"
            f"`{forms.INDICATORS}` 为指标块。", ""]
    return "\n".join(out)


def profiles_md(current: str) -> str:
    """docs/profiles.md with its generated part replaced."""
    head = current.split(BEGIN)[0] if BEGIN in current else current.rstrip() + "\n\n"
    tail = current.split(END, 1)[1] if END in current else "\n"
    return f"{head}{BEGIN}\n\n{profiles_vocabulary_md()}\n{END}{tail}"


def generated() -> dict[Path, str]:
    # import the rule families so every rule is registered
    from . import checks  # noqa: F401
    profiles = DOCS / "profiles.md"
    current = profiles.read_text(encoding="utf-8") if profiles.exists() else ""
    return {DOCS / "workbook.md": workbook_md(), DOCS / "rules.md": rules_md(),
            profiles: profiles_md(current), DOCS / "figure-names.md": figure_names_md()}


if __name__ == "__main__":
    for path, text in generated().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
