"""Where gongkai's own data lives: the template folders (profiles), the bundled example and the
code catalogues. Every other module asks here instead of walking up from its own __file__.

In an installed wheel these are package data inside ``compiler/`` (pyproject maps the top-level
``templates/`` to ``compiler/templates`` and the example to ``compiler/example``); in a source
checkout (editable install, tests) they are the top-level folders beside the package."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("compiler")))


def _data(packaged: str, checkout: str) -> Path:
    inside = PACKAGE / packaged
    return inside if inside.is_dir() else PACKAGE.parent / checkout


def templates_root() -> Path:
    """The folder of the default templates."""
    return _data("templates", "templates")


def example_workbook() -> Path:
    """The bundled example workbook."""
    return _data("example", "inputs") / "zhengzhou-commerce-2020.xlsx"


def catalogs_root() -> Path:
    """The built-in code catalogues, one folder per year."""
    return PACKAGE / "catalogs"
