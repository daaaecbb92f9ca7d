"""GET /api/v1/cases/{number}/duplicates, POST /api/v1/duplicates/{id}/merge|dismiss."""

from __future__ import annotations

import pytest
from django.test import Client

from huying.cases.models import CaseStatus
from huying.duplicates.models import CandidateStatus, DuplicateCandidate

from .conftest import MONDAY, filed, hours

TEXT = "你好，新华路口的自来水管子爆了，水一直往外冒，人行道都淹了"


@pytest.fixture
def candidate(world, django_capture_on_commit_callbacks) -> DuplicateCandidate:
    filed(world, django_capture_on_commit_callbacks, text=TEXT, matter="M089")
    later = filed(world, django_capture_on_commit_callbacks, text=TEXT, matter="M089",
                  at=MONDAY + hours(1), north_m=30)
    return DuplicateCandidate.objects.get(case=later)


def client_of(world, name: str) -> Client:
    client = Client()
    client.force_login(world.user(name))
    return client


def test_the_candidates_of_a_case(world, candidate):
    response = client_of(world, "supervisor").get(
        f"/api/v1/cases/{candidate.case.number}/duplicates")
    assert response.status_code == 200
    (item,) = response.json()
    assert item["id"] == candidate.pk and item["status"] == "open"
    assert item["master"]["number"] == candidate.master.number
    assert item["master"]["matter"] == "停水及供水管网漏水"
    assert item["reasons"][0] == "相距 30 米"
    assert item["distance_m"] == pytest.approx(30, abs=1)


def test_merge_through_the_api(world, candidate):
    response = client_of(world, "supervisor").post(f"/api/v1/duplicates/{candidate.pk}/merge")
    assert response.status_code == 200, response.content
    assert response.json() | {"id": 0} == {
        "id": 0, "status": "merged", "case_number": candidate.case.number,
        "case_status": CaseStatus.MERGED, "master_number": candidate.master.number}
    again = client_of(world, "supervisor").post(f"/api/v1/duplicates/{candidate.pk}/dismiss")
    assert again.status_code == 409


def test_dismiss_through_the_api(world, candidate):
    response = client_of(world, "supervisor").post(
        f"/api/v1/duplicates/{candidate.pk}/dismiss")
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.DISMISSED


def test_outsiders_get_404_and_the_not_allowed_403(world, candidate):
    outsider = client_of(world, "grid_b")
    assert outsider.get(f"/api/v1/cases/{candidate.case.number}/duplicates").status_code == 404
    assert outsider.post(f"/api/v1/duplicates/{candidate.pk}/merge").status_code == 404
    assert client_of(world, "grid_a").post(
        f"/api/v1/duplicates/{candidate.pk}/merge").status_code == 403
    assert client_of(world, "supervisor").post("/api/v1/duplicates/999999/merge").status_code \
        == 404
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.OPEN
