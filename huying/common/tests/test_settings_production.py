"""The production settings as an operator sets them: environment variables read by a fresh
process (settings are read once, at start), and the JSON log lines that process writes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Variables that a developer's or CI's environment may set and that would change the answer.
CLEARED = {"DATABASE_URL", "REDIS_URL", "DEBUG", "HUYING_HTTPS", "HUYING_SSL_REDIRECT",
           "HUYING_HSTS_SECONDS", "LOG_FORMAT", "LOG_LEVEL", "HUYING_METRICS_ALLOW",
           "HUYING_REQUEST_LOG_LEVEL"}

# Reading the settings needs no app loading (django.setup), which would take seconds.
READ_SETTINGS = """
import json
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in [
    "DEBUG", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "CACHES",
    "HUYING_METRICS_ALLOW"]}))
"""


def run(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environment |= {"HUYING_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT),
                    "DJANGO_SETTINGS_MODULE": "huying.settings", **env}
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True,
                          text=True, timeout=120)


def settings_with(tmp_path: Path, **env: str) -> dict:
    done = run(READ_SETTINGS, tmp_path, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_defaults_are_debug_off_plain_http_and_a_per_process_cache(tmp_path):
    values = settings_with(tmp_path)
    assert values["DEBUG"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SESSION_COOKIE_SECURE"] is False and values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["CACHES"]["default"]["BACKEND"] == \
        "django.core.cache.backends.locmem.LocMemCache"


def test_https_behind_nginx_trusts_its_header_and_secures_the_cookies(tmp_path):
    values = settings_with(tmp_path, HUYING_HTTPS="1")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_SSL_REDIRECT"] is False


def test_the_redirect_is_optional_and_spares_the_probes(tmp_path):
    values = settings_with(tmp_path, HUYING_HTTPS="1", HUYING_SSL_REDIRECT="1",
                           HUYING_HSTS_SECONDS="600")
    assert values["SECURE_SSL_REDIRECT"] is True and values["SECURE_HSTS_SECONDS"] == 600
    exempt = [re.compile(p) for p in values["SECURE_REDIRECT_EXEMPT"]]
    for path in ("healthz", "readyz", "metrics"):
        assert any(p.search(path) for p in exempt)
    assert not any(p.search("accounts/login/") for p in exempt)


def test_redis_url_gives_a_shared_redis_cache(tmp_path):
    values = settings_with(tmp_path, REDIS_URL="redis://cache.internal:6379/2")
    assert values["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2", "KEY_PREFIX": "huying"}


def test_the_metrics_networks_are_checked_at_start(tmp_path):
    values = settings_with(tmp_path, HUYING_METRICS_ALLOW="10.0.0.0/8, 192.168.1.7")
    assert values["HUYING_METRICS_ALLOW"] == ["10.0.0.0/8", "192.168.1.7/32"]
    done = run(READ_SETTINGS, tmp_path, HUYING_METRICS_ALLOW="10.0.0.0/33")
    assert done.returncode != 0 and "10.0.0.0/33" in done.stderr


REQUEST_AND_LOG = """
import logging, django
django.setup()
from django.test import Client
Client().get("/healthz?phone=13800000000")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("huying.example").exception("sweep failed for %s", "县指挥中心")
"""


def test_json_logs_are_one_object_per_line_with_the_request_fields(tmp_path):
    done = run(REQUEST_AND_LOG, tmp_path, LOG_FORMAT="json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    request = next(line for line in lines if line["logger"] == "huying.request")
    assert request["method"] == "GET" and request["path"] == "/healthz"
    assert request["status"] == 200 and isinstance(request["duration_ms"], float)
    assert request["level"] == "INFO" and request["time"].endswith("+00:00")
    assert "13800000000" not in json.dumps(request)  # the query string is not logged
    failure = next(line for line in lines if line["logger"] == "huying.example")
    assert failure["message"] == "sweep failed for 县指挥中心" and failure["level"] == "ERROR"
    assert "ZeroDivisionError" in failure["exc_info"]


def test_the_plain_format_stays_quiet_about_requests(tmp_path):
    done = run(REQUEST_AND_LOG, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "huying.request" not in done.stderr
    assert "ERROR huying.example: sweep failed for 县指挥中心" in done.stderr


ENV_READ = re.compile(r'(?:environ(?:\.get)?[(\[]|env_bool\()"([A-Z_]+)"')


def test_every_environment_variable_of_the_settings_is_in_the_operators_table():
    read = set(ENV_READ.findall((ROOT / "huying" / "settings.py").read_text(encoding="utf-8")))
    documented = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert len(read) > 30
    assert sorted(v for v in read if f"`{v}`" not in documented) == []
