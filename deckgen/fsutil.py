"""Reading and writing the person's files: atomic writes, UTF-8 text, one-line errors.

Every ``OSError`` on a file the person named (cards.yaml, its state file, a source,
the deck, the preview) becomes a ``DeckgenError`` naming the file and what to do, so
the command line prints one line instead of a traceback. ``write_atomic`` itself
raises the ``OSError``, for callers (the cache) that shrug it off.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from deckgen.errors import DeckgenError

WRITE_HINT = "check the folder exists and is writable"


def write_atomic(path: str | Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write ``data`` (bytes, or a function that writes to a binary file) to ``path``.

    The content goes to a temporary file in the same folder, is flushed to disk, and
    only then renamed over ``path``; a failure at any point leaves ``path`` as it was.
    A symbolic link is followed: the file it points to is replaced, in its own folder,
    and the link stays a link. A file that exists and is not writable is refused
    (``PermissionError``), as an editor would, instead of being replaced; the new file
    keeps the old one's permissions (and owner, where the process may set it).
    """
    path = Path(os.path.realpath(path))
    old = _existing(path)
    if old is not None and not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            if isinstance(data, bytes):
                tmp.write(data)
            else:
                data(tmp)
            tmp.flush()
            os.fsync(tmp.fileno())
        if old is not None:
            os.chmod(tmp_name, old.st_mode & 0o7777)
            if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):
                    os.chown(tmp_name, old.st_uid, old.st_gid)
        else:
            os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _existing(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def write_file(
    path: str | Path,
    data: bytes | Callable[[BinaryIO], None],
    *,
    what: str = "the file",
    error: type[DeckgenError] = DeckgenError,
) -> None:
    """``write_atomic``, with an ``OSError`` turned into one line naming the file."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise error.at(f"cannot write {what}: {_reason(exc)}", path, hint=_hint(exc)) from None


def read_file(
    path: str | Path,
    *,
    error: type[DeckgenError] = DeckgenError,
    missing_hint: str | None = None,
    hint: str | None = None,
) -> bytes:
    """The bytes of ``path``, or one located error saying why they cannot be read:
    ``missing_hint`` says what to do when there is no such file, ``hint`` otherwise."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise error.at("file not found", path, hint=missing_hint) from None
    except IsADirectoryError:
        raise error.at("is a folder, not a file", path, hint=hint) from None
    except OSError as exc:
        raise error.at(f"cannot read: {_reason(exc)}", path, hint=hint) from None


def decode_utf8(
    data: bytes, path: str | Path, *, error: type[DeckgenError] = DeckgenError, hint: str
) -> str:
    """UTF-8 text, with or without a byte order mark; an error names the first bad line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error.at("not UTF-8 text", path, line, hint=hint) from None


LOCK_WAIT_SECONDS = 30.0


def lock_path_for(path: str | Path) -> Path:
    """``cards.yaml`` → ``cards.yaml.lock``, beside the real file when ``path`` is a link."""
    target = Path(os.path.realpath(path))
    return target.with_name(target.name + ".lock")


@contextmanager
def locked(
    path: str | Path,
    *,
    what: str = "the file",
    error: type[DeckgenError] = DeckgenError,
    wait: float | None = None,
    blame: str | Path | None = None,
) -> Iterator[None]:
    """Hold the lock of ``path`` (git-style: a ``.lock`` file beside it) while changing it.

    A second writer waits up to ``wait`` seconds (default ``$DECKGEN_LOCK_WAIT`` or 30)
    for the first to finish, then fails with one line naming the lock. The lock file is
    removed on release; one left by a process that was killed is taken over, since the
    kernel's lock on it (flock) died with that process. When the lock cannot be made,
    the error says ``what`` cannot be written, at ``blame`` (default ``path``).
    """
    lock = lock_path_for(path)
    if wait is None:
        wait = _lock_wait()
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = _try_lock(lock)
        except OSError as exc:
            where = blame if blame is not None else path
            raise error.at(f"cannot write {what}: {_reason(exc)}", where, hint=WRITE_HINT) from None
        if fd is not None:
            break
        if time.monotonic() >= deadline:
            raise error.at(
                f"another deckgen is changing {Path(path).name}, so this run changed nothing",
                lock,
                hint="run again when it is done; if no deckgen is running, delete this lock file",
            )
        time.sleep(0.05)
    try:
        os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        yield
    finally:
        lock.unlink(missing_ok=True)
        os.close(fd)


def _try_lock(lock: Path) -> int | None:
    """A descriptor holding ``lock``, or None when another process holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the file's existence is the lock
        try:
            return os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return None
    fd = os.open(lock, os.O_CREAT | os.O_WRONLY, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    # The holder before us may have removed the file between our open and our lock:
    # then we hold a lock on a file nobody else can see, so start again.
    try:
        same = os.path.samestat(os.fstat(fd), os.stat(lock))
    except FileNotFoundError:
        same = False
    if not same:
        os.close(fd)
        return _try_lock(lock)
    os.ftruncate(fd, 0)
    return fd


def _lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get("DECKGEN_LOCK_WAIT", LOCK_WAIT_SECONDS)))
    except ValueError:
        return LOCK_WAIT_SECONDS


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _hint(exc: OSError) -> str:
    if isinstance(exc, PermissionError) and exc.strerror == "the file is read-only":
        return "make it writable (chmod u+w) if deckgen should change it"
    return WRITE_HINT


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
