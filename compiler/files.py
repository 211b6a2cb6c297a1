"""Writing outputs: every file gongkai writes goes through here.

* A file, or a set of files and folders (one build), is written to temporary names beside its
  targets (``.gongkai-<pid>-…``) and renamed into place only once every one of them is complete;
  if anything fails, none of the new set remains and the old files are as they were.
* One build at a time per output folder: an exclusive lock (``flock`` on the folder itself, so
  no lock file is left behind) serialises two builds replacing the same files or data folder.
* Temporary names left by a build that was killed (SIGKILL, power cut) are removed by the next
  build into that folder: when their process is gone, or after STALE_SECONDS in any case.
* Environment problems (no permission, disk full, an output path that is a file, an output that
  would replace an input) are an OutputError: a Chinese message naming the path, exit status 2,
  never "内部错误".
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Union

PREFIX = ".gongkai-"
STALE_SECONDS = 3600          # a temp name this old is removed even if its pid is alive (reused)
_TEMP = re.compile(r"^\.gongkai-(\d+)-")

Content = Union[bytes, Mapping[str, bytes]]   # a file's bytes, or a folder: file name -> bytes


class OutputError(Exception):
    """An output cannot be written; the message is for the user (Chinese, names the path)."""


# ---------------------------------------------------------------------------------------------
# messages

def describe(exc: OSError, path: Path | str | None = None, verb: str = "写入") -> str:
    """A Chinese sentence for an OSError while writing (or *verb*-ing) *path*."""
    where = path if path is not None else (exc.filename or "")
    code = exc.errno
    head = f"无法{verb}“{where}”" if where else f"无法{verb}文件"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{head}：没有权限（或为只读位置）。请换一个输出位置，或检查文件夹权限。"
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"{head}：磁盘空间不足。请清理磁盘后重试；已有的输出文件未改动。"
    if code in (errno.ENOTDIR, errno.EEXIST):
        return f"{head}：该路径（或其上级）是一个文件，不是文件夹。请换一个输出位置。"
    if code == errno.EISDIR:
        return f"{head}：这是一个文件夹，不是文件。请换一个文件名。"
    if code == errno.ENAMETOOLONG:
        return f"{head}：文件名太长。"
    return f"{head}：{exc.strerror or exc}"


@contextlib.contextmanager
def explained(path: Path | str | None = None) -> Iterator[None]:
    """OSError inside becomes OutputError with a Chinese message naming *path*."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(describe(exc, path)) from None


def refuse_file(out: Path) -> None:
    """OutputError when *out* (or a folder above it) exists as a file, so it cannot be a
    folder (`build -o FILE`)."""
    for p in (out, *out.parents):
        if p.exists():
            if not p.is_dir():
                raise OutputError(f"输出位置“{out}”"
                                  + ("" if p == out else f"的上级“{p}”")
                                  + "是一个文件，不是文件夹。请用 -o 指定一个文件夹。")
            return


def output_folder(out: Path) -> Path:
    """*out* as an existing folder (created if need be); OutputError when it cannot be one."""
    refuse_file(out)
    with explained(out):
        out.mkdir(parents=True, exist_ok=True)
    return out


# ---------------------------------------------------------------------------------------------
# inputs are never outputs

def same_file(a: Path, b: Path) -> bool:
    """Whether *a* and *b* are one file (also through symlinks and hard links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.abspath(a) == os.path.abspath(b)


def refuse_inputs(out: Path, inputs: Iterable[Path], what: str = "输出文件") -> None:
    """OutputError when *out* is one of *inputs* (a workbook is only ever read)."""
    for src in inputs:
        if same_file(out, Path(src)):
            raise OutputError(f"{what}“{out}”就是输入的工作簿“{src}”，不能覆盖（输入只读）。"
                              "请换一个文件名。")


# ---------------------------------------------------------------------------------------------
# temporary names, and what a killed build left

def _temp_name(suffix: str = "") -> str:
    return f"{PREFIX}{os.getpid()}-{os.urandom(6).hex()}{suffix}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # someone else's process
        return True
    return True


def sweep_stale(folder: Path, now: float | None = None) -> int:
    """Remove temporary names a killed build left in *folder*; how many. Called under the
    folder's lock, so a running build's own names (its pid alive, recent) are kept."""
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        m = _TEMP.match(entry.name)
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if m and _alive(int(m.group(1))) and age < STALE_SECONDS:
            continue
        if not m and age < STALE_SECONDS:   # an older gongkai's name (no pid): by age only
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed += 1
        except OSError:
            pass
    return removed


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on *folder* (waits for another gongkai writing there)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; builds into one folder are not serialised
        yield
        return
    with explained(folder):
        fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # releases the lock


# ---------------------------------------------------------------------------------------------
# writing

def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_temp(folder: Path, content: Content, suffix: str, mask: int) -> Path:
    """*content* under a new temporary name in *folder*; the name."""
    if isinstance(content, (bytes, bytearray)):
        fd, name = tempfile.mkstemp(prefix=_temp_name() + "-", suffix=suffix, dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            os.chmod(name, 0o666 & ~mask)   # mkstemp makes 0600; outputs are ordinary files
        except BaseException:
            os.unlink(name)
            raise
        return Path(name)
    tmp = Path(tempfile.mkdtemp(prefix=_temp_name() + "-", suffix=".tmp", dir=folder))
    try:
        for name in sorted(content):
            target = tmp / name
            with open(target, "wb") as fh:
                fh.write(content[name])
            os.chmod(target, 0o666 & ~mask)
        os.chmod(tmp, 0o777 & ~mask)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def write_set(outputs: Mapping[Path, Content]) -> list[Path]:
    """Write every output (a file's bytes, or a folder's files) all or nothing.

    Every output is written under a temporary name beside its target first (a full disk or a
    missing permission fails here, and nothing changes); then each existing target is moved
    aside and the new one renamed in; if a rename fails, the ones already in are taken out and
    the old ones put back. The folders are locked for the whole set, and what a killed build
    left there is removed first. OutputError on any OSError."""
    targets = [Path(p) for p in outputs]
    folders = sorted({p.parent for p in targets})
    for folder in folders:
        output_folder(folder)
    mask = _umask()
    with contextlib.ExitStack() as stack:
        for folder in folders:   # sorted: two builds lock shared folders in the same order
            stack.enter_context(locked(folder))
            sweep_stale(folder)
        temps: dict[Path, Path] = {}
        try:
            for target, content in outputs.items():
                target = Path(target)
                with explained(target):
                    temps[target] = _write_temp(target.parent, content, target.suffix, mask)
            _swap_in(temps)
        except BaseException:
            for tmp in temps.values():
                _remove(tmp)
            raise
    return targets


def _swap_in(temps: dict[Path, Path]) -> None:
    """Rename each temp onto its target; all or nothing."""
    aside: dict[Path, Path] = {}
    placed: list[Path] = []
    try:
        for target, tmp in temps.items():
            with explained(target):
                if os.path.lexists(target):
                    if target.is_dir() and not target.is_symlink():
                        if not tmp.is_dir():
                            raise OutputError(f"无法写入“{target}”：这是一个文件夹，不是文件。")
                        old = target.parent / _temp_name(".old")
                        os.rename(target, old)
                        aside[target] = old
                    elif tmp.is_dir():
                        raise OutputError(f"无法写入“{target}”：这是一个文件，不是文件夹。")
                    else:   # a file is replaced in one step; keep a hard link to put it back
                        old = target.parent / _temp_name(".old")
                        with contextlib.suppress(OSError):
                            os.link(target, old)
                            aside[target] = old
                os.replace(tmp, target)
                placed.append(target)
    except BaseException:
        for target in placed:
            _remove(target)
        for target, old in aside.items():
            with contextlib.suppress(OSError):
                os.replace(old, target)
        raise
    for old in aside.values():
        _remove(old)


def write_atomic(path: Path, data: bytes) -> None:
    """One file, all or nothing (write_set of one)."""
    write_set({Path(path): data})


def write_folder_atomic(path: Path, files: Mapping[str, bytes]) -> None:
    """One folder of files, all or nothing (write_set of one)."""
    write_set({Path(path): files})


def write_tree(path: Path, fill) -> Path:
    """A folder with sub-folders (a site), all or nothing: *fill(tmp)* writes it into a
    temporary folder beside *path*, which is then renamed into place (an old *path* moved
    aside and removed once the new one is in). OutputError on any OSError."""
    folder = output_folder(path.parent)
    mask = _umask()
    with locked(folder):
        sweep_stale(folder)
        with explained(path):
            tmp = Path(tempfile.mkdtemp(prefix=_temp_name() + "-", suffix=".tmp", dir=folder))
        try:
            os.chmod(tmp, 0o777 & ~mask)
            with explained(path):
                fill(tmp)
            _swap_in({path: tmp})
        except BaseException:
            _remove(tmp)
            raise
    return path
