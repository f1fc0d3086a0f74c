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
import secrets
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from deckgen import lease
from deckgen.errors import DeckgenError

WRITE_HINT = "check the folder exists and is writable"


class FileChanged(Exception):
    """The file is no longer the bytes the caller read: it was not replaced. The caller
    reads it again and starts over (``write_file(..., expected=...)``)."""


# ``expected`` not given: replace whatever is there.
UNCHECKED = object()


def write_atomic(
    path: str | Path,
    data: bytes | Callable[[BinaryIO], None],
    *,
    expected: bytes | object | None = UNCHECKED,
) -> None:
    """Write ``data`` (bytes, or a function that writes to a binary file) to ``path``.

    The content goes to a temporary file in the same folder, is flushed to disk, and
    only then renamed over ``path``; a failure at any point leaves ``path`` as it was.
    A symbolic link is followed: the file it points to is replaced, in its own folder,
    and the link stays a link. A file that exists and is not writable is refused
    (``PermissionError``), as an editor would, instead of being replaced; the new file
    keeps the old one's permissions (and owner, where the process may set it).

    ``expected`` is the bytes the caller read (None: there was no file): right before
    the rename the file is compared with them, and when it changed meanwhile (a person
    saved it) nothing is replaced and ``FileChanged`` is raised.
    """
    path = Path(os.path.realpath(path))
    old = _existing(path)
    if old is not None and not _writable(old, path):
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    remove_stale_temporaries(path)
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
        if expected is UNCHECKED:
            os.replace(tmp_name, path)
        else:
            _replace_checked(tmp_name, path, expected)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _writable(old: os.stat_result, path: Path) -> bool:
    """Whether deckgen may replace the file: the kernel says so, and the file has a
    write bit (root may write anything, but a ``chmod 444`` file is meant to stay)."""
    return os.access(path, os.W_OK) and bool(old.st_mode & 0o222)


def _identity(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _written(st: os.stat_result) -> tuple[int, int]:
    return (st.st_size, st.st_mtime_ns)


def _check_unchanged(path: Path, expected: bytes | None) -> tuple[int | None, bool]:
    """Raise FileChanged unless ``path`` holds exactly ``expected`` (None: no file),
    looked at last thing before the rename. Returns the compared file, open (None when
    there is none), and whether deckgen holds a lease on it (``deckgen.lease``).

    With a lease, no program has the file open for writing, and none can start to
    until it is released. Without one: its bytes, then that it is still the same file
    with the same size and times as the bytes just compared, and a file modified a
    moment ago (an editor may be between truncating it and writing it) is looked at
    again a moment later."""
    for _attempt in range(_BUSY_ATTEMPTS):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except FileNotFoundError:
            if expected is None:
                return None, False
            raise FileChanged(str(path)) from None
        got = lease.UNAVAILABLE
        try:
            before = os.fstat(fd)
            if expected is None or not stat.S_ISREG(before.st_mode):
                raise FileChanged(str(path))
            got = lease.take(fd)
            if got != lease.BUSY:
                if os.pread(fd, len(expected) + 1, 0) != expected:
                    raise FileChanged(str(path))
                if _identity(os.stat(path)) != _identity(before):
                    raise FileChanged(str(path))
        except BaseException:
            if got == lease.HELD:
                lease.release(fd)
            os.close(fd)
            raise
        if got == lease.HELD:
            return fd, True
        if got == lease.UNAVAILABLE and time.time_ns() - before.st_mtime_ns >= SETTLE_SECONDS * 1e9:
            return fd, False
        os.close(fd)  # being saved (open for writing), or saved a moment ago: look again
        time.sleep(SETTLE_SECONDS)
    raise FileChanged(str(path))


def _replace_checked(tmp_name: str, path: Path, expected: bytes | None) -> None:
    """Rename ``tmp_name`` over ``path`` if it still holds ``expected``. A save that
    starts in the instant between the check and the rename (an editor opening the old
    file to write it in place) is put back, and FileChanged raised, so it is not lost."""
    held, leased = _check_unchanged(path, expected)
    if held is None:
        os.replace(tmp_name, path)
        return
    ours = os.open(tmp_name, os.O_RDONLY)
    try:
        if leased:
            _replace_leased(tmp_name, path, held, ours)
        else:
            _replace_watched(tmp_name, path, held, ours)
    finally:
        if leased:
            lease.release(held)
        os.close(ours)
        os.close(held)


def _replace_leased(tmp_name: str, path: Path, held: int, ours: int) -> None:
    """The rename, under a lease on the old file (``held``). The old file keeps a
    second name until the lease is seen unbroken, so that a program that looked the
    path up before the rename and is now waiting to write the old file finds it back at
    its name when the lease is released, instead of writing a file nothing names."""
    backup = _second_name(path)
    os.replace(tmp_name, path)
    # An open() that looked the path up just before the rename reaches the lease
    # within microseconds; this wait makes sure it has.
    time.sleep(LEASE_GRACE_SECONDS)
    if lease.intact(held):
        if backup is not None:
            Path(backup).unlink(missing_ok=True)
        return
    if backup is not None:
        os.replace(backup, path)  # the old file back at its name: the save goes there
        raise FileChanged(str(path))
    lease.release(held)  # no second name (the file system has no hard links)
    _put_back(path, held, ours)


def _second_name(path: Path) -> str | None:
    """A hard link to ``path`` beside it, named like deckgen's temporary files so that
    one a killed run leaves is cleaned up (it has the old file's time, so the next
    write removes it). None where the file system has no hard links."""
    for _attempt in range(10):
        name = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.link(path, name, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError:
            return None
        return name
    return None


def _replace_watched(tmp_name: str, path: Path, held: int, ours: int) -> None:
    """The rename without a lease: when the old file's size or time moved in the
    rename's instant (a save written into it), its new content is written back."""
    # Its content's size and time (the rename itself changes its ctime).
    checked = _written(os.fstat(held))
    os.replace(tmp_name, path)
    if _written(os.fstat(held)) != checked:
        _put_back(path, held, ours)


def _put_back(path: Path, held: int, ours: int) -> None:
    """Write what was saved into the old file (``held``) back over deckgen's (``ours``),
    unless ``path`` changed again meanwhile, and raise FileChanged."""
    saved = os.pread(held, MAX_READ_BYTES, 0)
    if not saved:  # truncated, not yet written: let the save finish
        time.sleep(SETTLE_SECONDS)
        saved = os.pread(held, MAX_READ_BYTES, 0)
    with contextlib.suppress(FileChanged):  # unless it was saved again meanwhile
        write_atomic(path, saved, expected=os.pread(ours, MAX_READ_BYTES, 0))
    raise FileChanged(str(path))


# A temporary file of ours this old was left by a run that was killed.
STALE_SECONDS = 15 * 60


def remove_stale_temporaries(path: Path) -> None:
    """Remove the hidden ``.NAME.*.tmp`` files a killed run left beside ``path``. One
    being written has a recent time (it is written to as it grows), so is left alone."""
    cutoff = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            name = entry.name
            if not (name.startswith(f".{path.name}.") and name.endswith(".tmp")):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                    os.unlink(entry.path)


def remove_stale_folders(parent: str | Path, prefix: str) -> None:
    """Remove the folders ``PREFIX<pid>-*`` in ``parent`` whose process is gone: what a
    killed run left (the folder names the process that made it)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
                continue
            pid = entry.name[len(prefix) :].split("-", 1)[0]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_uid == os.getuid():
                    shutil.rmtree(entry.path, ignore_errors=True)


# deckgen's folders in the system's temporary folder, each ``deckgen-KIND-PID-XXXX``.
TEMPORARY_KINDS = ("clip", "build")


def temporary_folder(kind: str) -> tempfile.TemporaryDirectory:
    """A temporary folder (a context manager, removed on leaving) whose name holds this
    process's id, so that a later run can tell one a killed run left behind."""
    return tempfile.TemporaryDirectory(prefix=f"deckgen-{kind}-{os.getpid()}-")


def remove_killed_runs_folders() -> None:
    """Remove the temporary folders of deckgen runs that were killed (kill -9, power)."""
    for kind in TEMPORARY_KINDS:
        remove_stale_folders(tempfile.gettempdir(), f"deckgen-{kind}-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


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
    expected: bytes | object | None = UNCHECKED,
) -> None:
    """``write_atomic``, with an ``OSError`` turned into one line naming the file.
    With ``expected`` (the bytes read, None for no file), ``FileChanged`` is raised
    instead of replacing a file that changed since."""
    try:
        write_atomic(path, data, expected=expected)
    except OSError as exc:
        raise error.at(f"cannot write {what}: {_reason(exc)}", path, hint=_hint(exc)) from None


# Bigger than any transcript or cards.yaml: what is read beyond this is refused.
MAX_READ_BYTES = 1 << 30
# A file modified this recently may be in the middle of being saved: read again.
SETTLE_SECONDS = 0.02
# How long the check before a rename waits for a save in progress (a file open for
# writing elsewhere) to finish before the caller reads the file again.
_BUSY_ATTEMPTS = 100
LEASE_GRACE_SECONDS = 0.003
_READ_ATTEMPTS = 200
EMPTY_SETTLE_SECONDS = 0.5


def read_file(
    path: str | Path,
    *,
    error: type[DeckgenError] = DeckgenError,
    missing_hint: str | None = None,
    hint: str | None = None,
) -> bytes:
    """The bytes of ``path``, or one located error saying why they cannot be read:
    ``missing_hint`` says what to do when there is no such file, ``hint`` otherwise.

    Only a regular file is read (a device, a FIFO or a socket is refused, never
    waited on), up to ``MAX_READ_BYTES``. A file that changes while it is read (its
    size or times move, or it was modified a moment ago: an editor saving in place)
    is read again, so a half-saved file is never taken for the whole one."""
    try:
        previous = None
        for _attempt in range(_READ_ATTEMPTS):
            data, identity, whole, recent = _read_once(path, error, hint)
            # Modified a moment ago: taken when a second look finds it the same.
            if whole and (not recent or previous == (identity, data)):
                return data
            previous = (identity, data) if whole else None
            time.sleep(SETTLE_SECONDS)
        raise error.at(
            "the file kept changing while deckgen read it", path, hint="run again once it is saved"
        )
    except FileNotFoundError:
        raise error.at("file not found", path, hint=missing_hint) from None
    except IsADirectoryError:
        raise error.at("is a folder, not a file", path, hint=hint) from None
    except OSError as exc:
        raise error.at(f"cannot read: {_reason(exc)}", path, hint=hint) from None


def _read_once(
    path: str | Path, error: type[DeckgenError], hint: str | None
) -> tuple[bytes, tuple[int, ...], bool, bool]:
    """The bytes, the file's identity, whether they are the whole file (nothing moved
    while reading), and whether it was modified a moment ago."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        before = os.fstat(fd)
        if stat.S_ISDIR(before.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(before.st_mode):
            raise error.at(
                "is not a regular file (a device, a pipe or a socket)",
                path,
                hint="save the content to a file and name that",
            )
        if before.st_size > MAX_READ_BYTES:
            raise error.at(
                f"is too big ({before.st_size // (1 << 20)} MB; at most "
                f"{MAX_READ_BYTES // (1 << 20)} MB)",
                path,
                hint=hint,
            )
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_READ_BYTES:
                raise error.at("is too big", path, hint=hint)
        after = os.stat(path)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    whole = _identity(after) == _identity(before) and len(data) == before.st_size
    # An empty file is most likely one an editor has truncated and not yet written.
    settle = EMPTY_SETTLE_SECONDS if not data else SETTLE_SECONDS
    age = time.time_ns() - after.st_mtime_ns
    recent = age < settle * 1e9
    if not data and 0 <= age < settle * 1e9:
        whole = False  # an empty file is taken only once it has stayed empty a while
    return data, _identity(after), whole, recent


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
    where = blame if blame is not None else path
    while True:
        try:
            fd = _try_lock(lock)
        except _NotALock:
            raise error.at(
                "is not a regular file (a link, a folder or a device), so deckgen will not "
                "use it as the lock and changed nothing",
                lock,
                hint="if no deckgen is running, delete it (only the link, not what it points to)",
            ) from None
        except OSError as exc:
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
        try:
            os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        except OSError as exc:
            raise error.at(f"cannot write {what}: {_reason(exc)}", where, hint=_hint(exc)) from None
        yield
    finally:
        # Removed only while it is still the file this process locked.
        with contextlib.suppress(OSError):
            if os.path.samestat(os.fstat(fd), os.lstat(lock)):
                lock.unlink()
        os.close(fd)


class _NotALock(Exception):
    """The lock's path is a link or not a regular file."""


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _try_lock(lock: Path) -> int | None:
    """A descriptor holding ``lock``, or None when another process holds it. A link
    is never followed and a lock path that is not a regular file is refused
    (``_NotALock``), so a planted lock never touches another file."""
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISREG(os.lstat(lock).st_mode):
            raise _NotALock(str(lock))
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the file's existence is the lock
        try:
            return os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return None
    try:
        fd = os.open(lock, os.O_CREAT | os.O_WRONLY | _NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR):
            raise _NotALock(str(lock)) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _NotALock(str(lock))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    # The holder before us may have removed the file between our open and our lock:
    # then we hold a lock on a file nobody else can see, so start again.
    try:
        same = os.path.samestat(os.fstat(fd), os.lstat(lock))
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
    if exc.errno == errno.ENOSPC:
        return "free some space on the disk, then run again"
    return WRITE_HINT


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
