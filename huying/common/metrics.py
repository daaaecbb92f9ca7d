"""`/metrics` for Prometheus: django-prometheus's request metrics plus a few domain gauges,
for the monitoring network only.

Who may read it: a request straight from loopback or from a network in
`HUYING_METRICS_ALLOW`, or one with `Authorization: Bearer <HUYING_METRICS_TOKEN>`. A request
that came through a proxy (it carries X-Forwarded-For) is never let in by its address: behind
nginx every request comes from loopback, the public ones too.

Several gunicorn workers each count their own requests; `huying serve` gives them a shared
`PROMETHEUS_MULTIPROC_DIR`, and then the figures of every worker are read from there.

Domain gauges are read when scraped, each by one cheap query. Apps above `common` add theirs
with `gauge_provide` in their `ready()` (common imports no app above it).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import prometheus_client
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


@dataclass(frozen=True)
class Gauge:
    name: str
    documentation: str
    label: str | None
    read: Callable[[], float | Mapping[str, float]]


_gauges: dict[str, Gauge] = {}


def gauge_provide(name: str, documentation: str,
                  read: Callable[[], float | Mapping[str, float]],
                  *, label: str | None = None) -> None:
    """Add a gauge read at each scrape: `read()` answers a number, or numbers by `label`."""
    _gauges[name] = Gauge(name, documentation, label, read)


class DomainCollector:
    def collect(self) -> Iterator[GaugeMetricFamily]:
        for gauge in _gauges.values():
            try:
                value = gauge.read()
            except Exception:  # a gauge that cannot be read must not take the scrape down
                logger.exception("metric %s could not be read", gauge.name)
                continue
            if gauge.label is None:
                yield GaugeMetricFamily(gauge.name, gauge.documentation, value=float(value))
                continue
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=[gauge.label])
            for key, number in sorted(value.items()):
                family.add_metric([str(key)], float(number))
            yield family


def _huey_pending() -> float:
    from huey.contrib.djhuey import HUEY

    return HUEY.pending_count()


def _huey_scheduled() -> float:
    from huey.contrib.djhuey import HUEY

    return HUEY.scheduled_count()


gauge_provide("huying_huey_pending_tasks", "Tasks waiting in the huey queue.", _huey_pending)
gauge_provide("huying_huey_scheduled_tasks", "Tasks scheduled for later in huey.",
              _huey_scheduled)


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.HUYING_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(
            header.removeprefix("Bearer ").strip().encode(), token.encode()):
        return True
    if "X-Forwarded-For" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    networks = [*LOOPBACK, *(ipaddress.ip_network(n, strict=False)
                             for n in settings.HUYING_METRICS_ALLOW)]
    return any(address in network for network in networks)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format, or 403 for anyone outside the monitoring network."""
    if not metrics_allowed(request):
        return JsonResponse({"code": "forbidden", "message": _(
            "Metrics are only served to the monitoring network or with its token.")},
            status=403)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = prometheus_client.REGISTRY
    domain = prometheus_client.CollectorRegistry()
    domain.register(DomainCollector())
    body = prometheus_client.generate_latest(requests) + prometheus_client.generate_latest(domain)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
