"""Linux file leases: the kernel's word that no other program opens a file for writing.

A rename cannot be conditional: between deckgen's last look at cards.yaml and the rename
of its new version over it, an editor may open the old file and save into it, and that
save would go to a file no name points to any more. A read lease closes that gap where
the kernel offers one (Linux, on a file the process owns or as root): it cannot be
taken while any program has the file open for writing (an editor in the middle of a
save), and a program that opens the file for writing or truncates it while deckgen holds
the lease is held in its ``open`` until deckgen lets go, and deckgen can see that it
tried. Samba uses the same leases for the same reason. Elsewhere (macOS, a network
file system, a file another user owns) ``take`` says so and the caller does what it
can without one.
"""

from __future__ import annotations

import contextlib
import errno

try:
    import fcntl
    import signal

    _SETLEASE = fcntl.F_SETLEASE
    _GETLEASE = fcntl.F_GETLEASE
    # The kernel tells the lease holder of a break with a signal, SIGIO unless told
    # otherwise, and SIGIO's default action ends the process: SIGURG's is to ignore
    # it. deckgen asks the kernel whether the lease was broken instead.
    _SETSIG = getattr(fcntl, "F_SETSIG", 10)
    _QUIET_SIGNAL = int(signal.SIGURG)
except (ImportError, AttributeError):  # not Linux
    fcntl = None  # type: ignore[assignment]

# What ``take`` found.
HELD = "held"
BUSY = "busy"  # another program has the file open for writing now
UNAVAILABLE = "unavailable"  # no leases here: not Linux, not the owner, not supported


def take(fd: int) -> str:
    """Take a read lease on ``fd`` (opened read-only): HELD, BUSY or UNAVAILABLE."""
    if fcntl is None:
        return UNAVAILABLE
    try:
        fcntl.fcntl(fd, _SETSIG, _QUIET_SIGNAL)
        fcntl.fcntl(fd, _SETLEASE, fcntl.F_RDLCK)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EBUSY):
            return BUSY
        return UNAVAILABLE  # EACCES (not the owner), EINVAL (file system), ENOLCK...
    return HELD


def intact(fd: int) -> bool:
    """Whether the lease on ``fd`` still stands: no program has opened the file for
    writing or truncated it since it was taken."""
    try:
        return fcntl.fcntl(fd, _GETLEASE) == fcntl.F_RDLCK
    except OSError:
        return False


def release(fd: int) -> None:
    """Let go of the lease: a program waiting to open the file goes on."""
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, _SETLEASE, fcntl.F_UNLCK)
