"""Gunicorn configuration, read from the environment (see README)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Idle keep-alive connections are kept longer than a proxy keeps its own to us (nginx's upstream
# `keepalive_timeout`, 60 s in docs/deployment.md): otherwise the proxy may send a request on a
# connection gunicorn has just closed, gets a reset, and counts the instance as failed.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The same logger with the secret tokens of URLs (calendar feeds, password reset) redacted.
logger_class = "portal.logs.GunicornLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "portal.wsgi:application"

# No server software or version in responses: gunicorn's Server header says "Maillage".
import gunicorn.http.wsgi  # noqa: E402

gunicorn.http.wsgi.SERVER = "Maillage"
