"""A corpus of departments for tests and benchmarks (issue 11): workbooks at the edges of what
a department publishes, each of which must build to a PDF in which nothing overflows.

Every department is the bundled example's source (inputs/src/*.csv: its texts, 上年数,
indicators and 名词解释, so `gongkai check` has no errors) with its units, projects, 支出明细 and
政府采购 replaced according to a Spec:

* units: 1 or 40; names up to 60 characters
* projects: 0 or 100, spread over the units; names up to 60 characters
* amounts: one scale for all lines — from 0.01 元 to ten digits with 分, the department's
  合计 kept at or below 9,999,999,999.99
* money: the example's 资金来源 or only 政府性基金预算 (fund 科目 with their names entered)
* 政府采购: the example's, or none

Deterministic: the same Spec gives the same workbook (random.Random(seed)).

    .venv/bin/python benchmarks/corpus.py OUT_DIR [--only NAME ...]     # write the workbooks
    .venv/bin/python benchmarks/corpus.py OUT_DIR --build [--only ...]   # and build each PDF

--build checks and prints every department in this process, phase by phase (HTML, WeasyPrint
layout, the layout verification, writing the PDF), and reports pages, overflows and the share
of the verification in the time of the PDF (docs/performance.md).
"""
from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "inputs"))

from build_example import read_source  # noqa: E402

from compiler.vocab import PROJECT_CATEGORIES  # noqa: E402
from compiler.workbook.new import build_workbook, save_atomic  # noqa: E402

CENT = Decimal("0.01")
MAX_TOTAL = Decimal("9999999999.99")
LONG = 60

# 政府性基金 科目 (功能分类 项 and their names; names entered, so a catalogue excerpt that lacks
# them is no obstacle) and the 部门经济分类 they are spent on.
FUND_FUNC = [("2120801", "征地和拆迁补偿支出"), ("2120803", "城市建设支出"),
             ("2121001", "征地和拆迁补偿支出"), ("2121399", "其他城市基础设施配套费安排的支出"),
             ("2296002", "用于社会福利的彩票公益金支出")]
BASIC_ECON = ["30101", "30102", "30103", "30108", "30201", "30211", "30228", "30301"]
PROJECT_ECON = ["30201", "30227", "30299", "31002"]


@dataclass(frozen=True)
class Spec:
    name: str
    units: int = 1
    projects: int = 0
    scale: str = "cents"        # "cent": every line 0.01 元; "cents": 4–7 digits with 分;
                                # "max": ten digits with 分, 合计 just under 9,999,999,999.99;
                                # "even": the same 合计 in equal lines, so that most columns
                                # of 表3 and 表5 hold ten digits
    fund_only: bool = False
    procurement: bool = True
    long_names: bool = False
    seed: int = 1


CORPUS: tuple[Spec, ...] = (
    Spec("one-unit-cents", units=1, projects=0, scale="cents"),
    Spec("one-unit-cent", units=1, projects=0, scale="cent", procurement=False),
    Spec("one-unit-max", units=1, projects=0, scale="max", long_names=True),
    Spec("fund-only", units=1, projects=0, scale="cents", fund_only=True, procurement=False),
    Spec("forty-units-max", units=40, projects=0, scale="max", long_names=True, procurement=False),
    Spec("forty-units-100-projects", units=40, projects=100, scale="cents", long_names=True),
    Spec("every-column-max", units=1, projects=8, scale="even", long_names=True, procurement=False),
    Spec("one-unit-100-projects-max", units=1, projects=100, scale="max", long_names=True,
         fund_only=True, procurement=False),
)
SMALL = ("every-column-max", "fund-only")   # what the tests build to PDF


def spec(name: str) -> Spec:
    return next(s for s in CORPUS if s.name == name)


def _long(base: str, k: int, long: bool) -> str:
    """A name of exactly LONG characters (when *long*), unique by k: CJK with a few digits."""
    if not long:
        return f"{base}{k + 1}"
    stem = f"{base}（第{k + 1}号）"
    filler = "城市基础设施和公共服务综合保障与管理运行维护专项工作经费"
    text = stem + (filler * 3)
    return text[:LONG]


def _amounts(rng: random.Random, n: int, scale: str) -> list[Decimal]:
    """n line amounts at the given scale (see Spec.scale)."""
    if scale == "cent":
        return [CENT] * n
    if scale == "cents":
        return [Decimal(rng.randint(1000, 9_999_999)) + Decimal(rng.randint(1, 99)) / 100 for _ in range(n)]
    # "max": shares of a 合计 of 9,876,543,210.99 (ten digits), each line with 分
    total = Decimal("9876543210.99")
    weights = [rng.randint(1, 1000) if scale == "max" else rng.randint(990, 1000) for _ in range(n)]
    whole = sum(weights)
    out = [(total * w / whole).quantize(CENT, "ROUND_DOWN") for w in weights]
    out[0] += total - sum(out)
    return out


def corpus_data(s: Spec) -> dict:
    """The workbook data (sheet name -> rows) of one corpus department."""
    rng = random.Random(s.seed)
    src = read_source()
    data = {name: list(rows) for name, rows in src.items()}
    proto_unit = src["单位"][0]
    units = [{**proto_unit, "单位编码": f"{31001 + k:06d}",
              "单位名称": _long("郑州市商务局" if k == 0 else "郑州市商务局下属事业单位", k, s.long_names),
              "单位类型": "行政单位" if k == 0 else "事业单位", "级次": "本级" if k == 0 else "下属单位"}
             for k in range(s.units)]
    data["单位"] = units

    proto_project = src["项目"][0]
    projects = [{**proto_project, "项目名称": _long("商务发展专项资金", k, s.long_names),
                 "单位编码": units[k % len(units)]["单位编码"],
                 "项目类别": PROJECT_CATEGORIES[k % len(PROJECT_CATEGORIES)]} for k in range(s.projects)]
    data["项目"] = projects
    first = proto_project["项目名称"]
    proto_indicators = [r for r in src["绩效指标"] if r["项目名称"] == first]
    data["绩效指标"] = [{**r, "项目名称": p["项目名称"]} for p in projects for r in proto_indicators]
    names = [p["项目名称"] for p in projects]
    data["整体绩效任务"] = [{**r, "关联项目": names[i % len(names)] if names else ""}
                      for i, r in enumerate(src["整体绩效任务"])]

    # 支出明细: per unit its basic lines (the first unit's 行政运行, the others' 事业运行), per
    # project one line; amounts at the spec's scale.
    proto_lines = [r for r in src["支出明细"] if r["支出类型"] == "基本支出"]
    admin = [r for r in proto_lines if r["单位编码"] == "031001"]
    lines: list[dict] = []
    for k, unit in enumerate(units):
        for j, econ in enumerate(BASIC_ECON[: 3 if s.units > 1 else len(BASIC_ECON)]):
            func = ("2011301" if k == 0 else "2011350")
            lines.append({**admin[0], "单位编码": unit["单位编码"], "功能科目编码": func,
                          "部门经济分类编码": econ, "支出类型": "基本支出", "项目名称": ""})
    for k, p in enumerate(projects):
        lines.append({**admin[0], "单位编码": p["单位编码"], "功能科目编码": "2011308",
                      "部门经济分类编码": PROJECT_ECON[k % len(PROJECT_ECON)],
                      "支出类型": "项目支出", "项目名称": p["项目名称"]})
    if s.fund_only:
        for i, ln in enumerate(lines):
            code, name = FUND_FUNC[i % len(FUND_FUNC)]
            ln.update({"功能科目编码": code, "功能科目名称": name, "资金来源": "政府性基金预算"})
    else:
        for ln in lines:
            ln.update({"资金来源": "财政拨款"})
    for ln, amount in zip(lines, _amounts(rng, len(lines), s.scale)):
        ln["金额"] = str(amount)
    for p in projects:
        p["项目总金额"] = str(sum(Decimal(ln["金额"]) for ln in lines if ln["项目名称"] == p["项目名称"]))
        p["上年度项目总金额"] = p["上年度金额"] = "0"
    data["支出明细"] = lines

    # every 上年数 with a reason: the amounts change by whole orders of magnitude
    # (收支预算总计 and 国有资本经营预算 too: the standard profile compares all nine)
    prior = list(src["上年数"])
    have = {r["指标"]: r["上年预算数"] for r in prior}
    # the source has no total: last year's total is its 一般公共预算 and 政府性基金预算 together
    total = str(sum(Decimal(have.get(k) or 0) for k in ("一般公共预算", "政府性基金预算")))
    prior += [{"指标": k, "上年预算数": v, "增减原因": ""}
              for k, v in (("收支预算总计", total), ("国有资本经营预算", "0")) if k not in have]
    data["上年数"] = [{**r, "增减原因": r.get("增减原因") or "预算安排调整。"} for r in prior]
    data["政府采购"] = ([{**r, "单位编码": units[0]["单位编码"]} for r in src["政府采购"]]
                    if s.procurement else [])
    return data


def write_department(s: Spec, path: Path) -> Path:
    data = corpus_data(s)
    year = int(dict(data["基本信息"])["预算年度"])
    save_atomic(build_workbook(year=year, data=data), path)
    return path


def build_pdf(path: Path, out: Path, profile: str | None = None) -> dict:
    """Check *path* and print it to out/<stem>.pdf as gongkai build does, timing each phase
    (process CPU seconds); the overflows found by the layout verification are counted (and the
    PDF written anyway, so a failure can be looked at)."""
    import time

    from compiler.pipeline import Options, check, render_job
    from compiler.render.layoutcheck import overflows
    from compiler.render.uasheet import html_class

    clock = time.process_time
    t0 = clock()
    options = Options(profile=profile)
    result = check(path, options)
    if result.exit_status != 0:
        return {"name": path.stem, "error": f"check exit {result.exit_status}"}
    job = render_job(result, options)
    html = job.html
    t1 = clock()
    config = job.config
    document = html_class(html, config.template_dirs)(string=html, base_url=str(config.template_dirs[-1]) + "/")
    rendered = document.render(uncompressed_pdf=False)
    t2 = clock()
    found = overflows(rendered)
    t3 = clock()
    pdf = rendered.write_pdf(uncompressed_pdf=False)
    t4 = clock()
    (out / f"{path.stem}.pdf").write_bytes(pdf)
    return {"name": path.stem, "pages": len(rendered.pages), "overflows": len(found),
            "check_html_s": round(t1 - t0, 2), "layout_s": round(t2 - t1, 2),
            "verify_s": round(t3 - t2, 3), "write_s": round(t4 - t3, 2),
            "verify_share": f"{100 * (t3 - t2) / (t4 - t1):.2f}%"}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--only", nargs="*", help="names of corpus departments (default: all)")
    p.add_argument("--build", action="store_true", help="also build each to PDF, timed")
    p.add_argument("--workbook", type=Path, help="time this workbook instead (e.g. the example)")
    p.add_argument("--profile", help="build with this profile (default: the workbook's)")
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.workbook:
        print(build_pdf(args.workbook, args.out, args.profile))
        return
    for s in CORPUS:
        if not args.only or s.name in args.only:
            path = write_department(s, args.out / f"{s.name}.xlsx")
            print(build_pdf(path, args.out, args.profile) if args.build else path, flush=True)


if __name__ == "__main__":
    main()
