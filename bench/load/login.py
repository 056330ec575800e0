"""Sign in through the real sign-in form and print the session cookie (`name=value`).

    python bench/load/login.py http://127.0.0.1:8431 charge-1 PASSWORD

Production settings serve HTTPS only behind a proxy: every request says
`X-Forwarded-Proto: https`, as nginx would, and the CSRF check sees a same-origin form.
"""

import http.client
import re
import sys
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

LOGIN_PATH = "/comptes/connexion/"


def request(base, method, path, headers=None, body=None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Host": parts.netloc, "X-Forwarded-Proto": "https", **(headers or {})}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response, response.read().decode("utf-8", "replace")


def cookies_of(response):
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(base, username, password):
    response, html = request(base, "GET", LOGIN_PATH)
    if response.status != 200:
        sys.exit(f"GET {LOGIN_PATH}: {response.status}")
    cookies = cookies_of(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    origin = "https://" + urlsplit(base).netloc
    response, _ = request(
        base,
        "POST",
        LOGIN_PATH,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Origin": origin,
            "Referer": origin + LOGIN_PATH,
        },
        body=urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password}),
    )
    session = {k: v for k, v in cookies_of(response).items() if "session" in k}
    if response.status != 302 or not session:
        sys.exit(f"sign-in refused: {response.status}")
    return "; ".join(f"{k}={v}" for k, v in session.items())


if __name__ == "__main__":
    print(sign_in(*sys.argv[1:4]))
