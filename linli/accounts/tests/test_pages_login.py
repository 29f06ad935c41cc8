from django.urls import reverse

from linli.testing import PASSWORD


def test_login_page_logs_in_and_lands_on_home(client, world):
    response = client.post(reverse("accounts:login"), {"username": "grid_a1", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).context["user"].username == "grid_a1"


def test_wrong_password_shows_the_ordinary_error_not_the_lock(client, world, settings):
    response = client.post(reverse("accounts:login"), {"username": "grid_a1", "password": "wrong"})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["invalid_login"]


def test_five_wrong_passwords_lock_the_account_and_the_message_mentions_the_lock(client, world, settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_LOCK_MINUTES = 15
    settings.LANGUAGE_CODE = "en"
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": "grid_a1", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(url, {"username": "grid_a1", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["invalid_login"]
    assert ("Wrong username or password. After 5 wrong passwords in a row an account is locked for 15 minutes."
            in response.content.decode())


def test_logout_is_a_post_and_returns_to_login(client, world):
    client.post(reverse("accounts:login"), {"username": "grid_a1", "password": PASSWORD})
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
