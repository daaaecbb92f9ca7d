"""`/metrics`: Prometheus text for the monitoring network or its token, 403 for anyone else."""

from __future__ import annotations

import pytest

from huying.common import metrics

pytestmark = pytest.mark.django_db


def scrape(client, address: str = "127.0.0.1", **headers):
    return client.get("/metrics", REMOTE_ADDR=address, headers=headers)


def test_loopback_reads_the_request_metrics_and_the_queue_gauges(client):
    client.get("/healthz")
    response = scrape(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert 'django_http_responses_total_by_status_view_method_total{method="GET",status="200",' \
           'view="healthz"}' in body
    assert "huying_huey_pending_tasks " in body and "huying_huey_scheduled_tasks " in body


@pytest.mark.parametrize("address", ["10.1.2.3", "203.0.113.9", "::ffff:8.8.8.8", "nonsense"])
def test_anyone_else_is_refused_in_chinese(client, address):
    response = scrape(client, address)
    assert response.status_code == 403
    assert response.json() == {"code": "forbidden",
                               "message": "监控指标只对监控网络或持有监控令牌的请求开放。"}


def test_a_proxied_request_is_not_let_in_by_the_proxys_loopback_address(client):
    """Behind nginx every request comes from 127.0.0.1, the public's too."""
    assert scrape(client, "127.0.0.1", X_Forwarded_For="198.51.100.7").status_code == 403


def test_the_allowed_networks_are_let_in(client, settings):
    settings.HUYING_METRICS_ALLOW = ["10.0.0.0/8", "2001:db8::/32"]
    assert scrape(client, "10.20.30.40").status_code == 200
    assert scrape(client, "2001:db8::5").status_code == 200
    assert scrape(client, "11.0.0.1").status_code == 403


def test_the_token_lets_in_from_anywhere_and_a_wrong_one_does_not(client, settings):
    settings.HUYING_METRICS_TOKEN = "s3cret-scrape"
    assert scrape(client, "203.0.113.9", Authorization="Bearer s3cret-scrape",
                  X_Forwarded_For="203.0.113.9").status_code == 200
    assert scrape(client, "203.0.113.9", Authorization="Bearer wrong").status_code == 403
    assert scrape(client, "203.0.113.9", Authorization="s3cret-scrape").status_code == 403


def test_no_token_configured_means_no_token_is_accepted(client, settings):
    settings.HUYING_METRICS_TOKEN = ""
    assert scrape(client, "203.0.113.9", Authorization="Bearer ").status_code == 403


def test_a_gauge_that_fails_is_left_out_and_the_scrape_still_answers(client, monkeypatch):
    def broken() -> float:
        raise RuntimeError("queue unreachable")

    monkeypatch.setitem(metrics._gauges, "huying_broken", metrics.Gauge(
        "huying_broken", "Fails.", None, broken))
    monkeypatch.setitem(metrics._gauges, "huying_by_kind", metrics.Gauge(
        "huying_by_kind", "By kind.", "kind", lambda: {"b": 2, "a": 1}))
    body = scrape(client).content.decode()
    assert "huying_broken" not in body
    assert 'huying_by_kind{kind="a"} 1.0\nhuying_by_kind{kind="b"} 2.0' in body
    assert "huying_huey_pending_tasks " in body
