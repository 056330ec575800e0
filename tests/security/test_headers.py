"""The headers and cookies of real responses, with the settings production runs with: pages,
the sign-in page, error pages, static files served by WhiteNoise, the admin."""

import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.security.conftest import BASE_DIR, PASSWORD

pytestmark = pytest.mark.django_db

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def assert_security_headers(response):
    """Everything a response of the portal must carry, whatever it is."""
    csp = response["Content-Security-Policy"]
    assert "unsafe" not in csp
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives == CSP_DIRECTIVES
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert f"{feature}=()" in permissions
    assert "Server" not in response


def assert_cookie(response, name):
    cookie = response.cookies[name]
    assert name.startswith("__Host-")
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]  # required by the __Host- prefix


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=",
    re.IGNORECASE,
)


def assert_nothing_inline(response):
    """What the CSP would block: inline scripts and styles, event handler attributes. (Scripts
    holding JSON data, type="application/json", are not executed and are allowed.)"""
    html = re.sub(
        r'<script[^>]*type="application/json"[^>]*>.*?</script>', "", response.text, flags=re.S
    )
    assert INLINE.findall(html) == []


def sign_in(client, user):
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    return response


def test_plain_http_is_redirected_to_https(production, client):
    response = client.get("/mentions-legales/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/mentions-legales/"


def test_public_page(production, client):
    response = client.get("/mentions-legales/", secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert_nothing_inline(response)
    assert "no-store" not in response.get("Cache-Control", "")


def test_login_page_sets_a_host_only_secure_csrf_cookie(production, client):
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert_nothing_inline(response)
    assert_cookie(response, "__Host-csrftoken")
    assert "no-store" in response["Cache-Control"]


def test_sign_in_sets_a_host_only_secure_session_cookie(production, client, referent):
    response = sign_in(client, referent)
    assert_security_headers(response)
    assert_cookie(response, "__Host-sessionid")
    assert_cookie(response, "__Host-csrftoken")  # rotated at sign-in


def test_authenticated_pages_are_not_stored(production, client, referent):
    sign_in(client, referent)
    for url in ["/", "/mentions-legales/", "/nexiste-pas/"]:
        response = client.get(url, secure=True)
        assert_security_headers(response)
        assert_nothing_inline(response)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_error_pages(production, client, referent):
    response = client.get("/nexiste-pas/", secure=True)
    assert response.status_code == 404
    assert_security_headers(response)
    assert_nothing_inline(response)
    sign_in(client, referent)
    response = client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 302  # the admin's own sign-in page for non-staff
    response = client.post(reverse("territory_switch"), {"territoire": "x"}, secure=True)
    assert response.status_code == 302


def test_csrf_failure_page_is_ours_and_inline_free(production, client):
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("login"), {"username": "x", "password": "y"}, secure=True)
    assert response.status_code == 403
    assert "Formulaire expiré" in response.text
    assert_security_headers(response)
    assert_nothing_inline(response)


@pytest.mark.parametrize("path", ["css/maillage.css", "bootstrap/js/bootstrap.bundle.min.js"])
def test_static_files_served_by_whitenoise(production, client, referent, path):
    sign_in(client, referent)
    response = client.get(f"/static/{path}", secure=True)
    assert response.status_code == 200
    assert response.streaming  # WhiteNoise's file response, not a view
    assert_security_headers(response)
    # Static files stay cacheable, even for a signed-in user.
    assert "no-store" not in response.get("Cache-Control", "")


def test_admin_pages(production, client, staff):
    response = client.get(reverse("admin:login"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert_nothing_inline(response)
    sign_in(client, staff)
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    urls.append(reverse("admin:portal_user_change", args=[staff.pk]))
    for url in urls:
        response = client.get(url, secure=True)
        assert response.status_code in {200, 403}, url  # 403: a model without an add page
        assert_security_headers(response)
        assert "no-store" in response["Cache-Control"], url
        assert_nothing_inline(response)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_sends_no_server_version(tmp_path):
    """The real server, started as in production, behind a proxy that says HTTPS."""
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/sante/", headers={"X-Forwarded-Proto": "https"}
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    headers = response.headers
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert headers["Server"] == "Maillage"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert headers["Permissions-Policy"]
    assert "no-store" in headers["Cache-Control"]  # /sante/ is never cached
