"""Template folders are shared between departments, so what a folder holds is confined to it:
every file gongkai reads from a profile or a --templates folder (templates, style.css,
document.toml, profile.toml, images) must resolve — after symlinks — inside that folder, and
the templates run in Jinja2's immutable sandbox (compiler/render/html.py).

OutsideFolder is the one error for a file that escapes (E-TPL-003); the folders are scanned
when the template data is loaded (so `check` reports it), and the template loader and the PDF's
URL fetcher check again when they open a file."""
from __future__ import annotations

import os
from pathlib import Path

from jinja2 import FileSystemLoader, TemplateNotFound
from jinja2.loaders import split_template_path

SCAN_LIMIT = 5000   # entries of a template folder looked at; a folder with more is refused


class OutsideFolder(Exception):
    """A file of a template folder that resolves outside it; the message is for the user."""

    def __init__(self, path: Path, folder: Path, target: Path | None = None):
        self.path, self.folder = path, folder
        shown = f"（指向 {target}）" if target is not None and target != path else ""
        super().__init__(f"模板文件 {path}{shown} 在模板文件夹 {folder} 以外，已拒绝读取")


class TooManyFiles(Exception):
    def __init__(self, folder: Path):
        super().__init__(f"模板文件夹 {folder} 中的文件超过 {SCAN_LIMIT} 个，不像模板文件夹，已拒绝")


def is_inside(path: Path, folder: Path) -> bool:
    """Whether *path*, symlinks resolved, is *folder* or under it."""
    real, root = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    return real == root or root in real.parents


def inside(path: Path, folder: Path) -> Path:
    """*path* when it resolves inside *folder*; OutsideFolder otherwise."""
    if not is_inside(path, folder):
        raise OutsideFolder(path, folder, Path(os.path.realpath(path)))
    return path


def scan(folder: Path) -> None:
    """Refuse a folder holding a symlink that points outside it (walked without following
    links, at most SCAN_LIMIT entries)."""
    seen = 0
    for top, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            seen += 1
            if seen > SCAN_LIMIT:
                raise TooManyFiles(folder)
            path = Path(top, name)
            if path.is_symlink():
                inside(path, folder)


class ConfinedLoader(FileSystemLoader):
    """A FileSystemLoader for one folder that opens a template only when its real path is
    inside the folder (a symlinked part1.html.j2 or style.css cannot read /etc/passwd)."""

    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.folder = Path(folder)

    def get_source(self, environment, template):
        path = self.folder.joinpath(*split_template_path(template))
        if not path.is_file():
            raise TemplateNotFound(template)
        inside(path, self.folder)
        mtime = path.stat().st_mtime
        source = path.read_text(encoding=self.encoding)
        return source, str(path), lambda: path.stat().st_mtime == mtime if path.exists() else False
