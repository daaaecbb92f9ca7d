"""One env-driven settings module (healthchecks style).

Every knob an operator may turn is an environment variable; docs/operations.md lists them.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent


def default_var_dir() -> Path:
    """The data directory when HUYING_VAR_DIR is not set: `var/` of the source checkout the
    package runs from, otherwise the user's data directory. Never the working directory: a
    `huying` run from elsewhere must not silently start a new, empty database."""
    checkout = BASE_DIR.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "huying").is_dir():
        return checkout / "var"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "huying"


VAR_DIR = Path(os.environ.get("HUYING_VAR_DIR") or default_var_dir()).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "uploads"
MODEL_DIR = VAR_DIR / "models"

# `huying serve` refuses to start with this key outside the demo profile.
DEVELOPMENT_SECRET_KEY = "huying-insecure-development-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
                 .split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "django_prometheus",
    "huying.common",
    "huying.org",
    "huying.catalog",
    "huying.workdays",
    "huying.cases",
    "huying.supervision",
    "huying.notifications",
    "huying.intake",
    "huying.citizens",
    "huying.gazetteer",
    "huying.sensitive",
    "huying.routing",
    "huying.duplicates",
    "huying.assessment",
    "huying.analytics",
    "huying.demo",
    "huying.open311",
    "huying.web",
]

MIDDLEWARE = [
    # First and last: django-prometheus measures everything between them (/metrics).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "huying.common.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "huying.urls"
WSGI_APPLICATION = "huying.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default, tuned the healthchecks way: WAL, IMMEDIATE write transactions so two
# writers queue on the busy timeout instead of failing on lock upgrade.
SQLITE_PATH = VAR_DIR / "huying.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")


def database_from_url(url: str) -> dict:
    """One database from its URL, tuned as every huying database is: persistent connections
    on PostgreSQL; on SQLite none, WAL, IMMEDIATE write transactions and a busy timeout."""
    database = dj_database_url.parse(url, conn_max_age=60)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return database


DATABASES = {"default": database_from_url(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-huying.sqlite3")}
# A streaming replica of the primary (docs/operations.md "分析查询走只读副本"): the analytics
# reads (big screen, map, figures, the leader's home, reports, `analytics verify`) go there
# inside `huying.common.replica.analytics_reads`; every write and every other read stays on
# `default`. Unset: one database, nothing routed. A replica that does not answer within
# connect_timeout is left alone for a while and the reads fall back to `default`.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
HUYING_REPLICA_READS = bool(DATABASE_REPLICA_URL)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.sqlite3":
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # Tests never create it: it mirrors the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["huying.common.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "huying",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "utc": True,
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}

# The cache is only an accelerator (every entry can be rebuilt): shared by all processes
# through Redis when there is one, else per process.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "huying"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# HTTPS behind nginx (docs/operations.md "生产部署"): nginx ends TLS and says so in
# X-Forwarded-Proto; cookies only over HTTPS; HSTS. nginx redirects http → https itself,
# so Django's redirect is optional, and never for the probes, which come over plain http.
HUYING_HTTPS = env_bool("HUYING_HTTPS", False)
if HUYING_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("HUYING_HSTS_SECONDS", "31536000"))
    SECURE_SSL_REDIRECT = env_bool("HUYING_SSL_REDIRECT", False)
    SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]

# `huying serve` (huying/common/serving.py): where gunicorn listens (host:port or
# unix:/path), its processes, threads and timeouts (seconds); huey consumer processes on
# this node and the worker threads of each.
HUYING_BIND = os.environ.get("HUYING_BIND", "127.0.0.1:8000")
HUYING_WEB_WORKERS = int(os.environ.get("HUYING_WEB_WORKERS", "2"))
HUYING_WEB_THREADS = int(os.environ.get("HUYING_WEB_THREADS", "4"))
HUYING_WEB_TIMEOUT = int(os.environ.get("HUYING_WEB_TIMEOUT", "60"))
HUYING_WEB_GRACEFUL_TIMEOUT = int(os.environ.get("HUYING_WEB_GRACEFUL_TIMEOUT", "30"))
HUYING_HUEY_CONSUMERS = int(os.environ.get("HUYING_HUEY_CONSUMERS", "1"))
HUYING_HUEY_WORKERS = int(os.environ.get("HUYING_HUEY_WORKERS", "2"))

# /metrics (Prometheus) answers loopback, these networks (comma-separated CIDRs), or a
# request with `Authorization: Bearer <HUYING_METRICS_TOKEN>`; anyone else gets 403.
# A wrong network stops the start-up here rather than each scrape later.
HUYING_METRICS_ALLOW = [str(ipaddress.ip_network(n.strip(), strict=False))
                        for n in os.environ.get("HUYING_METRICS_ALLOW", "").split(",")
                        if n.strip()]
HUYING_METRICS_TOKEN = os.environ.get("HUYING_METRICS_TOKEN", "")
# Never build the migration graph for a metric (readiness does that, once).
PROMETHEUS_EXPORT_MIGRATIONS = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
# Each app keeps its own translations in <app>/locale (found by Django automatically).
LOCALE_PATHS: list[Path] = []
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Unit-grid codes: 6-digit county code + 3 town + 3 community + a sequence of this width.
HUYING_GRID_SEQUENCE_WIDTH = int(os.environ.get("HUYING_GRID_SEQUENCE_WIDTH", "3"))
# Working days an initiator has to evaluate a reply before the case closes by itself.
HUYING_EVALUATION_WORKING_DAYS = int(os.environ.get("HUYING_EVALUATION_WORKING_DAYS", "3"))
# Locating by address (huying/gazetteer): below this confidence (0–1) a report's words do
# not locate it; it waits in 待定位 for a person.
HUYING_LOCATE_MIN_CONFIDENCE = float(os.environ.get("HUYING_LOCATE_MIN_CONFIDENCE", "0.6"))
HUYING_UPLOAD_MAX_BYTES = int(os.environ.get("HUYING_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# A 12345 export uploaded for batch import (huying/intake); a month of a county is far less.
HUYING_IMPORT_MAX_BYTES = int(os.environ.get("HUYING_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Maps work offline: their base is the county's own polygons and gazetteer. A tile URL (e.g.
# 天地图 with its key, or the county's own tile server, `…/{z}/{x}/{y}.png`) adds a tile
# layer under the polygons on every map; its attribution is shown in the corner.
HUYING_MAP_TILE_URL = os.environ.get("HUYING_MAP_TILE_URL", "")
# The rollups of a changed case: refreshed by a huey worker just after the commit (the
# request does not wait for them), or inline in the committing process when true.
HUYING_ROLLUPS_INLINE = env_bool("HUYING_ROLLUPS_INLINE", False)
HUYING_MAP_TILE_ATTRIBUTION = os.environ.get("HUYING_MAP_TILE_ATTRIBUTION", "")
# The sign-in page lists the demo users (make demo turns it on; never in production).
HUYING_DEMO_LOGINS = env_bool("HUYING_DEMO_LOGINS", False)
HUYING_WEBHOOK_URL = os.environ.get("HUYING_WEBHOOK_URL", "")
# Signs webhook bodies (X-Huying-Signature); SECRET_KEY when unset.
HUYING_WEBHOOK_SECRET = os.environ.get("HUYING_WEBHOOK_SECRET", "")
# Sends the one-time codes of the citizen's page: a class with send(phone, text)
# (huying/citizens/sms.py). The default writes them to the huying.sms log (demo, development).
HUYING_SMS_BACKEND = os.environ.get("HUYING_SMS_BACKEND", "huying.citizens.sms.LogBackend")
# Duplicate reports (huying/duplicates): candidates within this distance and time window;
# suggested to the supervisor from this score; merged without a person only from the
# automatic score (empty: never). A guesser of matter types for unclassified reports
# (a dotted path to `text -> code or None`; empty: none).
HUYING_DUPLICATE_RADIUS_M = float(os.environ.get("HUYING_DUPLICATE_RADIUS_M", "250"))
HUYING_DUPLICATE_WINDOW_HOURS = float(os.environ.get("HUYING_DUPLICATE_WINDOW_HOURS", "72"))
HUYING_DUPLICATE_SUGGEST_SCORE = float(os.environ.get("HUYING_DUPLICATE_SUGGEST_SCORE", "0.5"))
_auto_merge = os.environ.get("HUYING_DUPLICATE_AUTO_MERGE_SCORE", "").strip()
HUYING_DUPLICATE_AUTO_MERGE_SCORE = float(_auto_merge) if _auto_merge else None
HUYING_DUPLICATE_MATTER_GUESSER = os.environ.get(
    "HUYING_DUPLICATE_MATTER_GUESSER", "huying.routing.selectors.matter_guess")
# Smart dispatch (huying/routing): a new report in the centre's triage queue whose top
# suggestion is at least this confident is registered and dispatched automatically (0–1).
# Unset or empty: never; every case waits for a person.
HUYING_ROUTING_AUTO_DISPATCH_CONFIDENCE = (
    float(os.environ["HUYING_ROUTING_AUTO_DISPATCH_CONFIDENCE"])
    if os.environ.get("HUYING_ROUTING_AUTO_DISPATCH_CONFIDENCE", "").strip() else None)

# LOG_FORMAT=json: one JSON object per line (huying/common/logs.py), and a line per request
# (method, path, status, duration) at INFO; the default plain format keeps the demo quiet.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "[%(asctime)s] %(levelname)s %(name)s: %(message)s"},
                   "json": {"()": "huying.common.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": "json" if LOG_FORMAT == "json" else "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # The logging SMS backend writes at INFO: the demo reads the codes there.
        "huying.sms": {"level": "INFO"},
        "huying.request": {"level": os.environ.get(
            "HUYING_REQUEST_LOG_LEVEL", "INFO" if LOG_FORMAT == "json" else "WARNING")},
        # The consumer (`run_huey`) adds a handler of its own to a "huey" logger that has
        # none, on top of the root's: configured here, its lines are printed once.
        "huey": {"handlers": ["console"], "level": os.environ.get("HUEY_LOG_LEVEL", "INFO"),
                 "propagate": False},
    },
}
