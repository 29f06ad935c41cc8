import os
import stat
import subprocess
import sys

import pytest

from linli.conf import ImproperlyConfiguredEnv, env_bool, env_int, local_secret

GOOD_SECRET = "Zq8v-3Lk_p0WmT7rYb2NcX5sHf9JdA1gUe6iOo4RtBl-xKw8Cy3Mn"
GOOD_DATA_KEY = "uQ7z_Pe2Lr9Kt4Vy1Bw6Nc3Xs8Dh5Fg0Jm-aIoWb7Ek"


def _start(env_overrides: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "LINLI_DATA_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DEBUG"}}
    env.update({"LINLI_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "linli.settings"})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )


def test_production_refuses_to_start_without_secrets(tmp_path):
    result = _start({"LINLI_MODE": "production"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_short_secrets(tmp_path):
    result = _start({
        "LINLI_MODE": "production", "SECRET_KEY": "short", "LINLI_DATA_KEY": "x" * 50,
        "DATABASE_URL": "sqlite:////tmp/x.sqlite3", "ALLOWED_HOSTS": "linli.example",
    }, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_production_starts_with_real_secrets_and_debug_off(tmp_path):
    result = _start({
        "LINLI_MODE": "production", "SECRET_KEY": GOOD_SECRET, "LINLI_DATA_KEY": GOOD_DATA_KEY,
        "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3", "LINLI_ALLOW_SQLITE": "1", "ALLOWED_HOSTS": "linli.example",
    }, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_embedded_default_generates_private_secrets(tmp_path):
    result = _start({}, tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("secret_key", "data_key"):
        mode = stat.S_IMODE((tmp_path / "var" / name).stat().st_mode)
        assert mode == 0o600


def test_malformed_boolean_fails_loudly(tmp_path):
    result = _start({"DEBUG": "flase"}, tmp_path)
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "12a")
    assert env_bool("X_BOOL") is True
    with pytest.raises(ImproperlyConfiguredEnv, match="X_INT must be an integer"):
        env_int("X_INT", 3)


def test_world_readable_secret_file_is_refused(tmp_path):
    local_secret(tmp_path, "k")
    os.chmod(tmp_path / "k", 0o644)
    with pytest.raises(ImproperlyConfiguredEnv, match="chmod 600"):
        local_secret(tmp_path, "k")
