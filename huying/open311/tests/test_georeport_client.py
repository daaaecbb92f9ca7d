"""The public Python client `georeport` (PyPI) against a running server: it lists services,
reads a definition, and reads back a request posted with an API key, in both of the formats
it asks for (`services.json` / `services.xml`, chosen by its `output_format`).

georeport 0.3 does not post requests itself ("does not currently support the creation of new
311 service requests"), so the POST goes through `requests`, georeport's own HTTP library, to
the client's `root_address` with its `api_key`, as the spec's form."""

from __future__ import annotations

import pytest
import requests
from django.utils import timezone
from georeport import GeoReport

from huying.cases.channel_keys import channel_key_issue
from huying.cases.models import Case, Channel
from tests.factories import build_world


@pytest.fixture
def live_world(transactional_db):
    from huying.workdays.services import calendar_seed_from_library

    now = timezone.now()
    calendar_seed_from_library(now=now)
    return build_world(now)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_lists_services_posts_and_reads_back(live_server, live_world,
                                                       output_format):
    world = live_world
    _key, api_key = channel_key_issue(actor=None, user=world.user("supervisor"),
                                      channel_code=Channel.OPEN311,
                                      source_system="georeport", now=timezone.now())
    client = GeoReport(f"{live_server.url}/open311/v2/", jurisdiction=world.county.code,
                       api_key=api_key, output_format=output_format)

    services = client.get_service_list()
    assert len(services) == 92
    lamp = next(s for s in services if s["service_code"] == "M002")
    assert lamp["service_name"] == "路灯不亮"
    definition = client.get_service_definition("M002")
    assert definition["service_code"] == "M002"

    lon, lat = world.point_in(2)
    posted = requests.post(f"{client.root_address}/requests.{output_format}", data={
        "api_key": client.api_key, "jurisdiction_id": client.jurisdiction,
        "service_code": "M002", "lat": lat, "long": lon,
        "description": "石岭镇中心街路灯不亮。", "phone": "13600002222",
        "attribute[address_detail]": "石岭镇中心街12号"}, timeout=30)
    assert posted.status_code == 201, posted.text
    number = Case.objects.get().number
    assert number in posted.text

    request = client.get_service_request(number)
    assert request["service_request_id"] == number
    assert request["service_code"] == "M002" and request["status"] == "open"
    assert request["address"] == "石岭镇中心街12号"
    assert "13600002222" not in str(request)
    listed = client.get_service_requests(service_code="M002", status="open")
    listed = [listed] if isinstance(listed, dict) else listed  # xmltodict: one is a dict
    assert [r["service_request_id"] for r in listed] == [number]
