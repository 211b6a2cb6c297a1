"""Bidirectional control characters in workbook text (issue 14): invisible, they make
"机关\u202egpj.exe" show as "机关exe.jpg". Each cell holding one gets W-CELL-006, and no output
carries them."""
from __future__ import annotations

import copy
import re
import zipfile

from compiler.pipeline import check_workbook
from conftest import SMALL, build, write_small

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
TRICK = "机关\u202egpj.exe"


def test_bidi_controls_are_warned_at_their_cell_and_removed_everywhere(tmp_path):
    data = copy.deepcopy(SMALL)
    data["单位"][1]["单位名称"] = "测试市测试中心\u2067（\u2069\u200f"
    data["内设机构"][0]["机构名称"] = TRICK
    data["项目"][0]["项目概况"] = "开展\u202a测试\u202c。\u061c"
    data["基本信息"] = [(k, "我\u200e局" if k == "部门简称" else v) for k, v in data["基本信息"]]
    path = write_small(tmp_path / "bidi.xlsx", data)
    checked = check_workbook(path)
    assert checked.exit_status == 0, checked.report.errors
    warned = {d.location: d.actual for d in checked.report.warnings if d.code == "W-CELL-006"}
    assert warned == {"单位!B3": "U+200F、U+2067、U+2069", "内设机构!B2": "U+202E",
                      "项目!M2": "U+061C、U+202A、U+202C", "基本信息!B3": "U+200E"}, warned
    b = checked.budget
    assert b.orgs[0].name == "机关gpj.exe" and b.info.dept_short == "我局"

    out = tmp_path / "out"
    written = build(path, out, ["html", "json", "xlsx", "data"])
    assert written
    for p in out.rglob("*"):
        if p.suffix in (".html", ".json", ".csv"):
            text = p.read_text("utf-8-sig")
            assert not BIDI.search(text), p.name
            if p.suffix == ".html":
                assert "机关gpj.exe" in text
        elif p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as zf:
                for n in zf.namelist():
                    assert not BIDI.search(zf.read(n).decode("utf-8", "replace")), n
