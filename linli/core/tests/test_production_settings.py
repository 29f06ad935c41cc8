"""DEBUG is off unless asked for; production mode refuses unsafe settings, secures itself behind TLS
and passes ``check --deploy`` without a warning."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from linli.core.tests.test_settings import GOOD_DATA_KEY, GOOD_SECRET

_CLEARED = {"SECRET_KEY", "LINLI_DATA_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DEBUG", "LINLI_MODE", "LINLI_TLS",
            "LINLI_ALLOW_SQLITE", "LINLI_PROXY_HOPS", "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set it for their live server
PRODUCTION = {
    "LINLI_MODE": "production", "SECRET_KEY": GOOD_SECRET, "LINLI_DATA_KEY": GOOD_DATA_KEY,
    "DATABASE_URL": "postgres://linli@127.0.0.1:5432/linli", "ALLOWED_HOSTS": "linli.example.gov.cn",
}
PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
)


def _run(args: list[str], overrides: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update({"LINLI_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "linli.settings", **overrides})
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def test_embedded_mode_runs_without_debug_unless_asked(tmp_path):
    assert _run(["-c", PRINT], {}, tmp_path).stdout.split()[:2] == ["False", "False"]
    assert _run(["-c", PRINT], {"DEBUG": "1"}, tmp_path).stdout.split()[0] == "True"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must name the site's host names in production mode, not '*'"),
    ({"ALLOWED_HOSTS": "linli.example.gov.cn,*"}, "not '*'"),
    ({"DATABASE_URL": "sqlite:////tmp/linli.sqlite3"}, "set LINLI_ALLOW_SQLITE=1 to run on SQLite anyway"),
    ({"SECRET_KEY": "ab" * 30}, "SECRET_KEY is trivially repetitive (fewer than 10 different characters)"),
    ({"LINLI_DATA_KEY": "0123456" * 7}, "LINLI_DATA_KEY is trivially repetitive"),
    ({"SECRET_KEY": GOOD_SECRET[:49]}, "SECRET_KEY must be at least 50 characters"),
    ({"SECRET_KEY": "django-insecure-" + GOOD_SECRET}, "SECRET_KEY is Django's insecure development key"),
])
def test_production_refuses_unsafe_settings(tmp_path, overrides, message):
    result = _run(["-c", PRINT], {**PRODUCTION, **overrides}, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_may_run_on_sqlite_when_told_so(tmp_path):
    result = _run(["-c", PRINT], {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3",
                                  "LINLI_ALLOW_SQLITE": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr


def test_production_is_secured_for_tls_behind_the_proxy_and_can_be_told_otherwise(tmp_path):
    result = _run(["-c", PRINT], PRODUCTION, tmp_path)
    assert result.stdout.strip() == "False True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    plain = _run(["-c", PRINT], {**PRODUCTION, "LINLI_TLS": "0"}, tmp_path)
    assert plain.stdout.strip() == "False False 0 False False ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_check_deploy_has_no_warnings_in_production_mode(tmp_path):
    result = _run(["-m", "linli", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_static_files_are_served_by_the_app_with_debug_off(client, settings):
    assert settings.DEBUG is False
    for path, kind in (("/static/linli/css/linli.css", "text/css"), ("/static/linli/js/linli.js", "text/javascript"),
                       ("/static/linli/vendor/htmx-2.0.11.min.js", "text/javascript")):
        response = client.get(path)
        assert (response.status_code, response["Content-Type"].split(";")[0]) == (200, kind)
