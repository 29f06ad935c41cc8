"""The embedded default keeps ``var/`` at mode 0700 and the SQLite database (and its -wal file)
at 0600: the database holds every resident, the directory the secrets and uploads."""

from __future__ import annotations

import os
import stat
import subprocess  # noqa: S404 - starts Python with the project's settings
import sys

from linli.conf import local_secret, private_dir, private_file


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_private_dir_creates_and_narrows(tmp_path):
    assert _mode(private_dir(tmp_path / "new" / "var")) == 0o700
    wide = tmp_path / "wide"
    wide.mkdir(mode=0o755)
    wide.chmod(0o755)
    private_dir(wide)
    assert _mode(wide) == 0o700


def test_private_file_creates_an_empty_file_and_narrows_an_existing_one(tmp_path):
    created = private_file(tmp_path / "db.sqlite3")
    assert (_mode(created), created.read_bytes()) == (0o600, b"")
    existing = tmp_path / "old.sqlite3"
    existing.write_bytes(b"data")
    existing.chmod(0o644)
    private_file(existing)
    assert (_mode(existing), existing.read_bytes()) == (0o600, b"data")


def test_local_secret_keeps_the_var_directory_private(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    local_secret(var, "secret_key")
    assert (_mode(var), _mode(var / "secret_key")) == (0o700, 0o600)


def test_the_embedded_default_creates_var_and_the_database_privately(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "LINLI_DATA_KEY", "DATABASE_URL", "LINLI_MODE"}}
    env.update({"LINLI_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "linli.settings"})
    code = (
        "import django, os, stat; django.setup(); from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('create table t (x int)'); cursor.execute('insert into t values (1)'); "
        "name = connection.settings_dict['NAME']; "
        "print(oct(stat.S_IMODE(os.stat(name).st_mode)), oct(stat.S_IMODE(os.stat(str(name) + '-wal').st_mode)))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0o600", "0o600"]
    assert _mode(tmp_path / "var") == 0o700
