"""A synthetic workbook N times the bundled example, for benchmarks.

The example's readable source (inputs/src/*.csv) is replicated N times: copy k gets new unit
codes (031001 → 031101, 031201, …), new unit and project names (suffix “（第k组）”), and its
支出明细, 绩效指标 and 政府采购 rows point at the copied units and projects. 上年数 and the
staff counts are multiplied by N so the narrative stays plausible. The workbook is written by
the same writer as `gongkai new` (compiler.workbook.new), so `gongkai check` gives 0 errors.

    .venv/bin/python benchmarks/synthetic.py OUT.xlsx [--times 10]
"""
from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "inputs"))

from build_example import read_source

from compiler.workbook.new import build_workbook, save_atomic


def _unit(code: str, k: int) -> str:
    return code if k == 0 else f"{int(code) + 100 * k:0{len(code)}d}"


def _name(name: str, k: int) -> str:
    return name if k == 0 else f"{name}（第{k + 1}组）"


def _scaled(value, times: int):
    if value in (None, ""):
        return value
    return str(Decimal(str(value)) * times)


def synthetic_data(times: int = 10) -> dict:
    src = read_source()
    data = {name: rows for name, rows in src.items()}
    copies = range(times)
    data["单位"] = [{**r, "单位编码": _unit(r["单位编码"], k), "单位名称": _name(r["单位名称"], k),
                   "级次": r["级次"] if k == 0 else "下属单位"}
                  for k in copies for r in src["单位"]]
    data["项目"] = [{**r, "项目名称": _name(r["项目名称"], k), "单位编码": _unit(r["单位编码"], k)}
                  for k in copies for r in src["项目"]]
    data["支出明细"] = [{**r, "单位编码": _unit(r["单位编码"], k),
                     "项目名称": _name(r["项目名称"], k) if r.get("项目名称") else r.get("项目名称")}
                    for k in copies for r in src["支出明细"]]
    data["绩效指标"] = [{**r, "项目名称": _name(r["项目名称"], k)} for k in copies for r in src["绩效指标"]]
    data["政府采购"] = [{**r, "单位编码": _unit(r["单位编码"], k)} for k in copies for r in src["政府采购"]]
    data["上年数"] = [{**r, "上年预算数": _scaled(r["上年预算数"], times)} for r in src["上年数"]]
    data["人员车辆资产"] = [(key, _scaled(value, times) if str(value).isdigit() else value)
                        for key, value in src["人员车辆资产"]]
    return data


def write_synthetic(path: Path, times: int = 10) -> Path:
    data = synthetic_data(times)
    year = int(dict(data["基本信息"])["预算年度"])
    save_atomic(build_workbook(year=year, data=data), path)
    return path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--times", type=int, default=10)
    args = p.parse_args()
    write_synthetic(args.out, args.times)
    print(f"wrote {args.out} ({args.times}× the example)")


if __name__ == "__main__":
    main()
