"""Build inputs/zhengzhou-commerce-2020.xlsx from the readable source in inputs/src/.

One CSV per sheet (UTF-8, header row = the sheet's headers; key–value sheets: 项目,内容).
The workbook is written by the same writer as `gongkai new`, so it follows the contract.
Run:  .venv/bin/python inputs/build_example.py
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from compiler.workbook.new import build_workbook, save_atomic  # noqa: E402
from compiler.workbook.schema import SHEETS  # noqa: E402

OUT = HERE / "zhengzhou-commerce-2020.xlsx"


def read_source(src: Path = HERE / "src") -> dict:
    data: dict = {}
    for spec in SHEETS:
        path = src / f"{spec.name}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if spec.is_kv:
            data[spec.name] = [(r["项目"], r["内容"]) for r in rows]
        else:
            unknown = set(rows[0]) - set(spec.headers) if rows else set()
            if unknown:
                raise SystemExit(f"{path.name}: unknown columns {sorted(unknown)}")
            data[spec.name] = rows
    return data


def main() -> None:
    data = read_source()
    year = int(dict(data["基本信息"])["预算年度"])
    save_atomic(build_workbook(year=year, data=data), OUT)
    print(f"wrote {OUT.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
