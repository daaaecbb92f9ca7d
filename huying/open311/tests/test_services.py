"""discovery, services and services/{code}: the catalogue in force as GeoReport services."""

from __future__ import annotations

import pytest

from huying.catalog.selectors import matter_types_in_force
from huying.open311.tests.conftest import BASE, READ_AT, errors_of, xml_of
from huying.org import services as org
from huying.org.models import Level


def test_discovery_names_the_endpoint_and_its_formats(client, db):
    body = client.get(f"{BASE}/discovery.json").json()
    assert body["changeset"] and body["contact"] and "api_key" in body["key_service"]
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]

    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml", "application/json"]
    assert root.findtext("endpoints/endpoint/type") == "production"


def test_services_are_the_matter_types_in_force(client, world, frozen):
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    services = response.json()
    matters = list(matter_types_in_force(county=world.county, on=READ_AT.date()))
    assert [s["service_code"] for s in services] == [m.code for m in matters]
    lamp = next(s for s in services if s["service_code"] == "M002")
    assert lamp["service_name"] == "路灯不亮"
    assert lamp["type"] == "realtime" and lamp["metadata"] is True
    assert "路灯坏了" in lamp["keywords"].split(",")
    assert lamp["group"] == next(m for m in matters if m.code == "M002").domain.name
    assert lamp["description"].startswith("5个工作日内")


def test_services_in_xml_carry_the_spec_fields(client, world, frozen):
    root = xml_of(client.get(f"{BASE}/services.xml", {"jurisdiction_id": world.county.code}))
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == 92
    for field in ("service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group"):
        assert services[0].find(field) is not None, field
    assert services[0].findtext("metadata") == "true"
    assert services[0].findtext("type") == "realtime"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_jurisdiction_is_404(client, world, fmt):
    response = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "999999"})
    assert response.status_code == 404
    assert errors_of(response, fmt)[0]["code"] == 404
    assert "999999" in errors_of(response, fmt)[0]["description"]


def test_with_two_counties_the_jurisdiction_must_be_named(client, world, now):
    org.unit_create(actor=None, parent=None, level=Level.COUNTY, name="另一县", code="371100",
                    now=now)
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 400
    description = response.json()[0]["description"]
    assert "371099" in description and "371100" in description
    assert client.get(f"{BASE}/services.json",
                      {"jurisdiction_id": "371099"}).status_code == 200


def test_the_definition_of_a_service_lists_its_attributes(client, world, frozen):
    lamp = client.get(f"{BASE}/services/M002.json").json()
    assert lamp["service_code"] == "M002"
    address, urgency = lamp["attributes"]
    assert (address["code"], address["datatype"], address["required"]) == (
        "address_detail", "string", True)
    assert address["variable"] is True and address["order"] == 1
    assert (urgency["code"], urgency["datatype"], urgency["required"]) == (
        "urgency", "singlevaluelist", False)
    assert [v["key"] for v in urgency["values"]] == ["normal", "urgent"]
    assert all(v["name"] for v in urgency["values"])


def test_an_urgent_matter_type_does_not_ask_for_urgency(client, world, frozen):
    # M001 窨井盖缺失破损 is urgent by the catalogue: asking again would change nothing.
    root = xml_of(client.get(f"{BASE}/services/M001.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "M001"
    codes = [a.findtext("code") for a in root.findall("attributes/attribute")]
    assert codes == ["address_detail"]
    attribute = root.find("attributes/attribute")
    for field in ("variable", "code", "datatype", "required", "datatype_description",
                  "order", "description"):
        assert attribute.find(field) is not None, field
    assert attribute.findtext("required") == "true"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_404(client, world, frozen, fmt):
    response = client.get(f"{BASE}/services/M999.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt) == [{"code": 404, "description": errors_of(
        response, fmt)[0]["description"]}]
    assert "M999" in errors_of(response, fmt)[0]["description"]


def test_an_unknown_format_is_not_an_endpoint(client, world):
    assert client.get(f"{BASE}/services.html").status_code == 404
