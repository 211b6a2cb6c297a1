"""A shared template folder can neither run code nor read outside itself (issue 14): --templates
runs in Jinja2's immutable sandbox (E-TPL-002, located, exit 1, no traceback), and templates,
style.css, document.toml, profile.toml and fetched images that resolve outside their folder are
refused (E-TPL-003). Relative URLs resolve in the --templates folder first, so a city's own
logo.png is printed."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compiler.pipeline import Options, check, compile_workbook
from conftest import run_cli

PART3 = '<section class="part" id="part-3">{}</section>'
PAYLOAD = "{{{{ cycler.__init__.__globals__.os.popen('touch {}').read() }}}}"


def folder(tmp_path: Path, **files: str) -> Path:
    tpl = tmp_path / "tpl"
    tpl.mkdir(exist_ok=True)
    for name, text in files.items():
        (tpl / name.replace("__", ".")).write_text(text, encoding="utf-8")
    return tpl


def nothing_written(out: Path) -> bool:
    return not out.exists() or not any(out.iterdir())


# ---------------------------------------------------------------------------------------------
# the sandbox

def test_template_cannot_run_a_shell_command(tmp_path, small):
    marker = tmp_path / "pwned"
    tpl = folder(tmp_path, part3__html__j2=PART3.format("\n" + PAYLOAD.format(marker)))
    out = tmp_path / "out"
    r = run_cli("build", small, "-o", out, "--format", "html", "--templates", tpl)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "E-TPL-002" in r.stderr and "part3.html.j2:2" in r.stderr and "__init__" in r.stderr
    assert "Traceback" not in r.stderr and "内部错误" not in r.stderr
    assert not marker.exists()
    assert nothing_written(out)


@pytest.mark.parametrize("expr", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ budget.__dict__ }}",
    "{% set x = [] %}{{ x.append(1) }}",                       # immutable: no method changes data
    "{{ config.update({'a': 1}) }}",
    "{{ range(10**9) | list | length }}",                      # the sandbox's range limit
    "{{ ('x' * 1000000000) | length }}",                       # bounded: no huge string
    "{{ 2 ** 100000000 }}",                                   # bounded: no huge number
])
def test_sandbox_refuses_what_a_template_must_not_do(tmp_path, small, expr):
    tpl = folder(tmp_path, part3__html__j2=PART3.format(expr))
    result = compile_workbook(small, Options(templates=tpl, formats=("html",), out=tmp_path / "out"))
    assert result.exit_status == 1 and result.error.startswith("E-TPL-002 "), result.error
    assert "part3.html.j2:1" in result.error
    assert nothing_written(tmp_path / "out")


def test_sandbox_still_renders_the_default_templates(tmp_path, small):
    """The shipped templates run unchanged in the sandbox (the example and the standard profile:
    tests/test_render.py, tests/test_profiles.py)."""
    result = compile_workbook(small, Options(formats=("html",), out=tmp_path / "out"))
    assert result.exit_status == 0 and result.error is None, result.error


# ---------------------------------------------------------------------------------------------
# nothing outside the folder

@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-原文", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["style.css", "part3.html.j2", "document.toml", "img/logo.png"])
def test_a_symlink_leading_out_of_the_folder_is_refused(tmp_path, small, secret, name):
    tpl = folder(tmp_path)
    link = tpl / name
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(secret)
    out = tmp_path / "out"
    r = run_cli("build", small, "-o", out, "--format", "html,json", "--templates", tpl)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "E-TPL-003" in r.stdout and name.split("/")[-1] in r.stdout and "secret.txt" in r.stdout
    assert "TOP-SECRET" not in r.stdout + r.stderr and "Traceback" not in r.stderr
    assert nothing_written(out)
    # check says so too (before any build), naming the rule
    r = run_cli("check", small, "--templates", tpl)
    assert r.returncode == 2 and "E-TPL-003" in r.stdout


def test_a_symlinked_folder_leading_out_is_refused(tmp_path, small, secret):
    tpl = folder(tmp_path)
    (tpl / "assets").symlink_to(secret.parent)
    checked = check(small, Options(templates=tpl))
    assert [d.code for d in checked.report.errors] == ["E-TPL-003"] and checked.exit_status == 2


def test_a_profile_folder_with_profile_toml_leading_out_is_refused(tmp_path, small):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "profile.toml").write_text('name = "mine"\nextends = "standard"\n', encoding="utf-8")
    prof = tmp_path / "prof"
    prof.mkdir()
    (prof / "profile.toml").symlink_to(elsewhere / "profile.toml")
    checked = check(small, Options(profile=prof))
    assert [d.code for d in checked.report.errors] == ["E-TPL-003"], checked.report.errors
    assert "profile.toml" in checked.report.errors[0].message
    # the same file copied in is fine
    (prof / "profile.toml").unlink()
    shutil.copy(elsewhere / "profile.toml", prof / "profile.toml")
    checked = check(small, Options(profile=prof))
    assert not checked.report.fatal and "E-TPL-003" not in {d.code for d in checked.report.items}


def test_a_symlink_inside_the_folder_is_fine(tmp_path, small):
    tpl = folder(tmp_path, part3_real__j2=PART3.format("<h2>第三部分 自己的</h2>"))
    (tpl / "part3.html.j2").symlink_to(tpl / "part3_real.j2")
    out = tmp_path / "out"
    result = compile_workbook(small, Options(templates=tpl, formats=("html",), out=out))
    assert result.exit_status == 0, result.error
    assert "第三部分 自己的" in (out / "small.html").read_text("utf-8")


# ---------------------------------------------------------------------------------------------
# relative URLs in the PDF: the --templates folder first

def png() -> bytes:
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(buf, "PNG")
    return buf.getvalue()


def test_a_citys_own_logo_is_printed(tmp_path, small):
    tpl = folder(tmp_path, part3__html__j2=PART3.format('<img src="logo.png" alt="市徽">'))
    (tpl / "logo.png").write_bytes(png())
    out = tmp_path / "out"
    result = compile_workbook(small, Options(templates=tpl, formats=("pdf",), out=out))
    assert result.exit_status == 0, result.error
    pdf = (out / "small.pdf").read_bytes()
    assert b"/Subtype /Image" in pdf


@pytest.mark.parametrize("src", ["../secret.png", "http://example.invalid/logo.png", "/etc/hostname"])
def test_a_url_outside_the_folder_is_refused(tmp_path, small, src):
    (tmp_path / "secret.png").write_bytes(png())
    tpl = folder(tmp_path, part3__html__j2=PART3.format(f'<img src="{src}">'))
    out = tmp_path / "out"
    result = compile_workbook(small, Options(templates=tpl, formats=("pdf",), out=out))
    assert result.exit_status == 1 and "已拒绝" in result.error, result.error
    assert nothing_written(out)
