"""Scratch folders and half-written pages, named after the process that owns them.

A render works in a scratch folder under the system's temporary folder and writes its page to a
hidden ``.NAME-PID-XXXX.html.part`` file beside the destination, renamed over the old page only
when complete. Both names carry the owning process id, so a later run can tell the leftovers of a
killed run (owner gone) from the work of a run still going on in the same folder (owner alive) and
remove only the former. The standard library's ``tempfile`` creates the names; nothing here is more
than that and the clean-up rule.

Example
-------
>>> with scratch_folder("demo") as folder:
...     folder.is_dir()
True
>>> folder.exists()
False
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SCRATCH_NAME = re.compile(r"^statlab-[a-z]+-(?P<pid>\d+)-")
_PART_NAME = re.compile(r"^\..+-(?P<pid>\d+)-[^.]+\.[a-z]+\.part$")


@contextmanager
def scratch_folder(kind: str) -> Iterator[Path]:
    """A new folder ``statlab-KIND-PID-XXXX`` in the temporary folder, removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix=f"statlab-{kind}-{os.getpid()}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def publish(content: bytes, destination: Path) -> None:
    """Write ``content`` to ``destination`` atomically: a ``.part`` file beside it, then a rename.

    >>> folder = Path(tempfile.mkdtemp())
    >>> publish(b"<html></html>", folder / "page.html")
    >>> sorted(p.name for p in folder.iterdir())
    ['page.html']
    """
    handle, partial = tempfile.mkstemp(
        prefix=f".{destination.stem}-{os.getpid()}-",
        suffix=f"{destination.suffix}.part",
        dir=destination.parent,
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(partial, 0o666 & ~_UMASK)
        os.replace(partial, destination)
    finally:
        Path(partial).unlink(missing_ok=True)


def remove_leftovers(out: Path) -> list[Path]:
    """Remove the scratch folders and ``.part`` files (in ``out``) of processes no longer running.

    Returns what was removed.

    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / ".page-999999999-abc.html.part").write_text("killed half-way")
    >>> [p.name for p in remove_leftovers(folder)]
    ['.page-999999999-abc.html.part']
    """
    removed = []
    for path in Path(tempfile.gettempdir()).glob("statlab-*"):
        match = _SCRATCH_NAME.match(path.name)
        if match and path.is_dir() and not _running(int(match["pid"])):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    for path in Path(out).glob(".*.part"):
        match = _PART_NAME.match(path.name)
        if match and not _running(int(match["pid"])):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OverflowError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# read once at import: os.umask can only be read by setting it, which would race with threads
_UMASK = _read_umask()
