import pytest

from linli.testing import build_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at production strength costs ~0.3 s a user; personas need a dozen per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    # Background tasks run in the test's own thread when enqueued (after commit); the tests of the
    # database queue itself choose the database backend explicitly.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as a persona and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
