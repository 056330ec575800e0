"""Maillage settings: one module, configured by environment variables (see README)."""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def envint(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envlist(name, default=""):
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "dev-only-insecure-key-maillage-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "partners",
    "companies",
    "referents",
    "roadmaps",
    "api",  # the read API (/api/v1/): the top of the layering, nothing imports it
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # /sitemap.xml (api/sitemaps.py)
    "django.forms",  # the widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "simple_history",
    "csp",
    "portal.apps.AxesConfig",  # django-axes, with a French name in the admin
]

MIDDLEWARE = [
    # The security headers come before WhiteNoise, so that static files carry them too.
    "django.middleware.security.SecurityMiddleware",
    "portal.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.security.RejectNullBytesMiddleware",
    "portal.security.StripControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.security.SessionSecurityMiddleware",
    "portal.audit.AuditMiddleware",
    "portal.middleware.CurrentTerritoryMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lock-out into the "compte bloqué" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
            # French dates (« 1er juillet ») and valid <time datetime> values in every template.
            "builtins": ["portal.templatetags.french"],
        },
    },
]

# Widgets render with the templates above: ours (templates/includes/_checkbox_list.html) too.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite file by default, PostgreSQL (production) through DATABASE_URL.
# A PostgreSQL server that does not answer gives the 503 page after this many seconds (connecting,
# or waiting for a connection of the pool), instead of holding the request.
DB_CONNECT_TIMEOUT = envint("DB_CONNECT_TIMEOUT", 2)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Concurrent writers wait for the lock instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif envbool("DB_POOL", True):
    # (Added to the options of DATABASE_URL's query string, such as sslmode, not replacing them.)
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": envint("DB_POOL_MIN_SIZE", 2),
        "max_size": envint("DB_POOL_MAX_SIZE", 10),
        # How long a request waits for a connection before the 503 page.
        "timeout": envint("DB_POOL_TIMEOUT", DB_CONNECT_TIMEOUT),
    }
    # Django then gives the pool `check=ConnectionPool.check_connection`: each connection is
    # tested as it leaves the pool, so that after a PostgreSQL restart dead connections are
    # replaced instead of failing one request each (bench/load/restart_pg.sh).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"]["CONN_MAX_AGE"] = envint("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # libpq gives up connecting after this many seconds (a host that drops packets, a server
    # that accepts and never answers): without it a request waits for the system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}

# Rendered pages (portal/cache.py). Without REDIS_URL (below) each process keeps its own copies in
# memory: the content version read from the database on every request says whether a copy is
# still current, so no shared cache is needed for correctness, only for a better hit rate.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 600)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "maillage",
        "TIMEOUT": PAGE_CACHE_SECONDS or None,
        "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", 500)},
    },
    # PDFs (guide du référent, dashboard): up to a few MB each, so fewer of them.
    "documents": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "maillage-documents",
        "TIMEOUT": PAGE_CACHE_SECONDS or None,
        "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_DOCUMENTS", 50)},
    },
    # Request counters (portal/throttle.py): apart, so that pages never evict them.
    "throttle": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "maillage-throttle",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}

# A shared cache for every process of every server: REDIS_URL (redis://host:6379/0) puts the
# caches above, and a copy of the sessions, in Redis (docs/deployment.md, « Plusieurs serveurs »).
# Each cache has its own key prefix; a Redis that does not answer is an empty cache
# (portal/cache_backends.py): pages are rendered again, sessions read from the database.
REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_caches(url):
    """The caches in the Redis server at `url`, each under its own key prefix."""

    def redis_cache(prefix, **params):
        return {
            "BACKEND": "portal.cache_backends.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            **params,
        }

    return {
        "default": redis_cache("maillage:pages", TIMEOUT=PAGE_CACHE_SECONDS or None),
        "documents": redis_cache("maillage:documents", TIMEOUT=PAGE_CACHE_SECONDS or None),
        "throttle": redis_cache("maillage:throttle"),
        # Sessions: written to the database and kept in Redis for reading (`cached_db`), under
        # their own prefix so that clearing the pages never drops them; a Redis restart or
        # eviction loses no session (read again from the database).
        "sessions": redis_cache("maillage:sessions", CLEAR_AFTER_OUTAGE=True),
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"

# Password reset e-mails: at most so many per address and per client address in a period;
# beyond, the page says the same as ever but nothing is sent (portal.views.PasswordResetView).
PASSWORD_RESET_LIMIT_PER_ADDRESS = envint("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_CLIENT = envint("PASSWORD_RESET_LIMIT_PER_CLIENT", 10)
PASSWORD_RESET_LIMIT_PERIOD = envint("PASSWORD_RESET_LIMIT_MINUTES", 60) * 60
# Registrations to public events (referents/views/events.py): at most so many sent forms per
# client address an hour; beyond, a French page with status 429.
EVENT_REGISTRATION_LIMIT_PER_CLIENT = envint("EVENT_REGISTRATION_LIMIT_PER_CLIENT", 10)
EVENT_REGISTRATION_LIMIT_PERIOD = 3600
# Invitations (portal/invitations.py, docs/accounts.md): a link lasts INVITATION_DAYS days; a
# coordinator sends at most so many invitations an hour; the link's page answers at most so many
# requests an hour per client address (beyond, 429); ended invitations are purged after
# INVITATION_RETENTION_DAYS days (manage.py purge_invitations).
INVITATION_DAYS = 7
INVITATION_LIMIT_PER_USER = envint("INVITATION_LIMIT_PER_USER", 30)
INVITATION_ACCEPT_LIMIT_PER_CLIENT = envint("INVITATION_ACCEPT_LIMIT_PER_CLIENT", 20)
INVITATION_RETENTION_DAYS = 30
# The mairies' renewal links (referents/renewals.py): requests per client address and hour.
RENEWAL_LIMIT_PER_CLIENT = envint("RENEWAL_LIMIT_PER_CLIENT", 60)
RENEWAL_LIMIT_PERIOD = 3600
# The read API (api/http.py): at most so many requests a minute per client address; beyond, 429.
API_RATE_LIMIT = envint("API_RATE_LIMIT", 120)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing with Argon2 on every test sign-in would dominate the suite's time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

# django-axes first: it refuses sign-ins while a username and address pair is locked out.
AUTHENTICATION_BACKENDS = [
    "portal.security.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Internationalisation: a French interface, strings ready for translation.
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static files, served by whitenoise with compressed, hashed names in production.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
WHITENOISE_USE_FINDERS = DEBUG or TESTING

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production (DEBUG off) is HTTPS-only behind a reverse proxy that sets
# X-Forwarded-Proto; tests and development keep plain HTTP.
SECURE_PRODUCTION = not DEBUG and not TESTING
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", SECURE_PRODUCTION)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if SECURE_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = SECURE_PRODUCTION
CSRF_COOKIE_SECURE = SECURE_PRODUCTION
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if SECURE_PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
# Signed-in sessions end after this many seconds without a request (portal.security).
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 3600)
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "portal.security.csrf_failure"
# Headers set by portal.security.SecurityHeadersMiddleware. Only features Chromium knows are
# listed: an unknown one is reported as an error in the browser console.
PERMISSIONS_POLICY_DENY = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Number of reverse proxies (nginx) in front of gunicorn that append the client's address to
# X-Forwarded-For; 0 when gunicorn faces clients directly (portal.security.client_ip).
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 1 if SECURE_PRODUCTION else 0)

# Content Security Policy (django-csp): nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Sign-in throttling (django-axes): 5 failures for one username from one address lock that pair
# out for 15 minutes; a successful sign-in resets the count. Attempts are kept in the database
# (shared by every gunicorn worker); successful sign-ins go to the audit log, not to a table.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_USERNAME_CALLABLE = "portal.security.sign_in_username"
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    # Calendar feed and password reset tokens never reach a log line (portal/logs.py).
    "filters": {"redact_secrets": {"()": "portal.logs.RedactSecrets"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO", "propagate": True},
        "django.request": {"filters": ["redact_secrets"], "propagate": True},
        # runserver's request lines: to stdout like the rest (Django's own handler is replaced).
        "django.server": {
            "handlers": ["stdout"],
            "filters": ["redact_secrets"],
            "level": "INFO",
            "propagate": False,
        },
        "weasyprint": {"level": "WARNING", "propagate": True},
        "fontTools": {"level": "WARNING", "propagate": True},
        # Sign-ins and permission changes (portal.audit), whatever LOG_LEVEL says.
        "maillage.audit": {"level": "INFO", "propagate": True},
        # django-axes logs every sign-in at INFO: the audit log says it once; keep its warnings.
        "axes": {"level": "WARNING", "propagate": True},
    },
}

# Who publishes the portal: shown on the legal pages (mentions légales, données personnelles).
MAILLAGE = {
    "SITE_NAME": os.environ.get("SITE_NAME", "Maillage"),
    "PUBLISHER": os.environ.get("PUBLISHER", "Communauté d'agglomération du Grand Angoulême"),
    "PUBLISHER_ADDRESS": os.environ.get(
        "PUBLISHER_ADDRESS", "25 boulevard Besson Bey, 16023 Angoulême Cedex"
    ),
    "PUBLICATION_DIRECTOR": os.environ.get(
        "PUBLICATION_DIRECTOR", "le président de la communauté d'agglomération"
    ),
    "HOST": os.environ.get("HOSTING_PROVIDER", "à renseigner par l'exploitant (HOSTING_PROVIDER)"),
    "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "contact@maillage.example.org"),
    "DPO_EMAIL": os.environ.get("DPO_EMAIL", "dpo@maillage.example.org"),
}

# Demo loaders, called in order by `manage.py load_demo` (each app extends the demo).
DEMO_LOADERS = [
    "portal.demo.load",
    "partners.demo.load",
    "companies.demo.load",
    "companies.followup.demo.load",  # after the demo establishments (companies.demo)
    "roadmaps.demo.load",
    "referents.demo.load",
    "roadmaps.demo.load_computed_indicators",  # from the data of all the loaders above
    "roadmaps.demo_signals.load",  # last: the signals the portal raises read every app's demo
]

# Panels provided by the apps above the page's own app (portal/panels.py): a member's home page
# (« mes rappels », the signaux faibles to triage), a company's need (the roadmap action it
# relates to), an establishment's page (« Signaler »).
HOME_PANELS = ["companies.followup.panels.my_reminders", "roadmaps.panels.signals_to_triage"]
NEED_PANELS = ["roadmaps.panels.need_action"]
ESTABLISHMENT_PANELS = ["roadmaps.panels.report_establishment"]

# The metrics a roadmap indicator may be computed from, each month (roadmaps/metrics.py): the
# order of the form's choices. Referents provides its own: roadmaps never imports it.
INDICATOR_METRICS = [
    "referents.indicators.referent_coverage",
    "referents.indicators.meetings_held",
    "referents.indicators.meeting_attendance",
    "referents.indicators.orientation_interviews",
    "referents.indicators.unmet_orientation_needs",
    "roadmaps.metrics.establishments_met",
    "roadmaps.metrics.needs_detected",
    "roadmaps.metrics.needs_achieved",
    "roadmaps.metrics.partners_up_to_date",
]

# Detectors of the signals the portal raises each month (`manage.py raise_signals`,
# roadmaps/detectors.py): `detector(territory, month)`, each in the app whose data it reads.
SIGNAL_DETECTORS = [
    "referents.detectors.unmet_orientation_needs",
    "roadmaps.detectors.recruitment_piling_up",
    "referents.detectors.communes_without_referent",
    "roadmaps.detectors.unverified_partners",
]

# data·inclusion: the `source` of the records this portal produces (exports; docs/partners.md).
DATA_INCLUSION_SOURCE = os.environ.get("DATA_INCLUSION_SOURCE", "maillage")
