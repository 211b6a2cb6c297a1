"""Template data: the profile (templates/<name>/, compiler/profiles.py) with its chain of
parents and, over it, a user's --templates folder.

``document.toml`` is merged key by key along the chain (root first, the nearer file wins); the
profile's 附表 declarations are checked and compiled against the merged wording here, once.
Derive and render take the loaded Config as an argument; nothing below reads files later."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .profiles import DEFAULT_PROFILE, DOCUMENT_FILE, Profile, ProfileError, load_profile
from .resources import templates_root

DEFAULT_TEMPLATES = templates_root()   # the folder of the profiles (and of diff.html.j2)
CONFIG_FILE = DOCUMENT_FILE
FIGURES_FILE = "figures.toml"   # the figure names texts may write (「三公经费」): derive/names.py


class ConfigError(Exception):
    code = "E-TPL-001"


class OutsideError(ConfigError):
    """A template folder holds a file (a symlink) that resolves outside it (compiler/confined.py)."""
    code = "E-TPL-003"


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@dataclass(frozen=True)
class Config:
    data: dict
    template_dirs: tuple[Path, ...]  # lookup order: --templates, the profile, its parents
    profile: Profile | None = None
    tables: tuple = field(default=())  # the compiled 附表 declarations (derive/declare.py)
    unit: bool = False                 # the template data of one unit's own document

    def for_unit(self) -> "Config":
        """The template data of a unit's own document (单位预算公开): the ``[unit]`` section of
        document.toml laid over the rest (单位 titles, 本单位), and the 附表 declared
        ``scope = "department"`` left out."""
        from dataclasses import replace
        return replace(self, data=_merge(self.data, self.data.get("unit", {})), unit=True,
                       tables=tuple(t for t in self.tables if t.scope != "department"))

    def table(self, number: str) -> dict:
        return self.data.get("tables", {}).get(str(number), {})

    @property
    def skeleton(self) -> list[tuple[str, list[str]]]:
        return [(s["level1"], list(s["level2"])) for s in self.data.get("performance", {}).get("skeleton", [])]

    @property
    def prior_change_threshold(self):
        from decimal import Decimal
        return Decimal(str(self.data.get("checks", {}).get("prior_change_threshold", 0)))


def fill(text: str, **values) -> str:
    """Replace {键} placeholders of template data; unknown keys stay visible (and get checked)."""
    for k, v in values.items():
        text = text.replace("{" + k + "}", str(v))
    return text


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"模板数据文件 {path} 无法读取：{exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"模板数据文件 {path} 无法读取：{exc}") from exc


FIGURE_SCOPES = ("department", "上年", "unit", "project")
FIGURE_KINDS = ("money", "count", "year", "change")
PROJECT_AMOUNTS = ("amount", "total", "prev_amount", "prev_total")


def _check_figures(figures: dict) -> None:
    """Each figure name of figures.toml says where its value comes from (derive/names.py): a
    wrong entry is a message naming it, never a traceback at the first text that uses it."""
    for name, e in figures.items():
        where = f"{FIGURES_FILE}：名称「{name}」"
        value = e.get("value") if isinstance(e, dict) else None
        if not value or not (isinstance(value, str) or (isinstance(value, list)
                                                       and all(isinstance(v, str) for v in value))):
            raise ConfigError(f"{where}缺少 value（数字从哪里来：一个路径或路径的列表）")
        if e.get("scope", "department") not in FIGURE_SCOPES:
            raise ConfigError(f"{where}的 scope 应为 {'、'.join(FIGURE_SCOPES)} 之一")
        if e.get("kind", "money") not in FIGURE_KINDS:
            raise ConfigError(f"{where}的 kind 应为 {'、'.join(FIGURE_KINDS)} 之一")
        if e.get("scope") == "project" and e["value"] not in PROJECT_AMOUNTS:
            raise ConfigError(f"{where}的 value 应为 {'、'.join(PROJECT_AMOUNTS)} 之一")
        if not all(isinstance(a, str) for a in e.get("aliases", [])):
            raise ConfigError(f"{where}的 aliases 应为名称的列表")


def load_config(override: Path | None = None, profile: str | Path | None = None) -> Config:
    """The template data of *profile* (a name or a folder; the default profile when None) with
    the *override* folder (--templates) laid over it. ConfigError for a file that cannot be
    read, ProfileError (file and line) for a profile that names what does not exist."""
    from .confined import OutsideFolder, TooManyFiles, scan
    if override is not None and not override.is_dir():
        raise ConfigError(f"模板文件夹不存在：{override}")
    try:
        if override is not None:
            scan(override)
        return _load(override, load_profile(profile or DEFAULT_PROFILE))   # scans each profile folder
    except (OutsideFolder, TooManyFiles) as exc:
        raise OutsideError(str(exc)) from None


def _load(override: Path | None, prof: Profile) -> Config:
    from .derive.declare import compile_tables
    data: dict = {}
    for folder in reversed(prof.folders):
        if (folder / CONFIG_FILE).exists():
            data = _merge(data, _read(folder / CONFIG_FILE))
        if (folder / FIGURES_FILE).exists():  # the names texts may use (derive/names.py)
            data = _merge(data, {"figures": _read(folder / FIGURES_FILE)})
    dirs = list(prof.folders)
    if override is not None:
        if (override / CONFIG_FILE).exists():
            data = _merge(data, _read(override / CONFIG_FILE))
        if (override / FIGURES_FILE).exists():
            data = _merge(data, {"figures": _read(override / FIGURES_FILE)})
        dirs.insert(0, override)
    _check_figures(data.get("figures", {}))
    return Config(data, tuple(dirs), prof, compile_tables(prof, data))


__all__ = ["Config", "ConfigError", "OutsideError", "ProfileError", "load_config", "fill", "DEFAULT_TEMPLATES"]
