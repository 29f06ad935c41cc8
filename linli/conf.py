"""Typed settings helpers that read the environment and fail loudly.

Every setting Linli takes from the outside world goes through one of these helpers, so a typo in a
deployment (``DEBUG=flase``) stops the process at start-up with a message naming the variable,
instead of running with a silently wrong value.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


class ImproperlyConfiguredEnv(RuntimeError):
    """Raised at start-up when an environment variable is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfiguredEnv(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfiguredEnv(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name} must be an integer; got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def private_dir(path: Path) -> Path:
    """Create the directory ``path`` with mode 0700, or narrow an existing one of ours to 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) & 0o077 and path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Create an empty ``path`` with mode 0600, or narrow an existing one of ours to 0600.

    Used for the SQLite database before SQLite opens it: an empty file is an empty database, and
    SQLite gives its ``-wal`` and ``-shm`` files the database file's mode."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if stat.S_IMODE(path.stat().st_mode) & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o600)
    except FileNotFoundError:  # the directory does not exist yet: SQLite will say so
        pass
    return path


def local_secret(var_dir: Path, filename: str, *, nbytes: int = 48) -> str:
    """Return a secret kept in ``var_dir/filename``, creating it (mode 0600) on first use; ``var_dir``
    itself is kept at mode 0700 (it also holds the SQLite database and uploads).

    Only the embedded default uses this; production mode requires the secret in the environment.
    """
    private_dir(var_dir)
    path = var_dir / filename
    if not path.exists():
        token = secrets.token_urlsafe(nbytes)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(token)
        return token
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ImproperlyConfiguredEnv(
            f"{path} is readable by other users (mode {mode:o}); run: chmod 600 {path}"
        )
    return path.read_text().strip()


_RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rates(name: str, text: str) -> tuple[tuple[int, int], ...]:
    """``"10/h,30/d"`` → ``((10, 3600), (30, 86400))``: at most N requests per window.

    A window is a unit (``s``, ``m``, ``h``, ``d``) with an optional count (``5/15m``); ``off``
    disables the limit.
    """
    text = text.strip().lower()
    if text == "off":
        return ()
    rates = []
    for part in text.split(","):
        try:
            count, window = part.strip().split("/")
            unit = window[-1]
            size = int(window[:-1] or 1)
            rates.append((int(count), size * _RATE_UNITS[unit]))
        except (ValueError, KeyError, IndexError):
            raise ImproperlyConfiguredEnv(
                f"{name} must look like '10/h,30/d' (a count per s, m, h or d, e.g. 5/15m) or 'off'; got {text!r}"
            ) from None
        if rates[-1][0] < 1 or rates[-1][1] < 1:
            raise ImproperlyConfiguredEnv(f"{name}: counts and windows must be positive; got {text!r}")
    return tuple(rates)


def env_rates(name: str, default: str) -> tuple[tuple[int, int], ...]:
    return parse_rates(name, env_str(name, default))


#: A production key needs at least this many different characters ('aaaa…' or '1212…' is refused).
MIN_KEY_DISTINCT_CHARACTERS = 10


def weak_key(value: str, *, min_length: int) -> str | None:
    """Why ``value`` is not a usable production secret, or ``None`` when it is."""
    if len(value) < min_length:
        return f"must be at least {min_length} characters"
    if len(set(value)) < MIN_KEY_DISTINCT_CHARACTERS:
        return f"is trivially repetitive (fewer than {MIN_KEY_DISTINCT_CHARACTERS} different characters)"
    if value.startswith("django-insecure"):
        return "is Django's insecure development key"
    return None
