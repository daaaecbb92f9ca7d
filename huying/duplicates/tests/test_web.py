"""The board's two POSTs (htmx): the partial with the done line or the error."""

from __future__ import annotations

import pytest
from django.test import Client

from huying.duplicates.models import CandidateStatus, DuplicateCandidate

from .conftest import MONDAY, filed, hours

TEXT = "你好，新华路口的自来水管子爆了，水一直往外冒，人行道都淹了"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def candidate(world, django_capture_on_commit_callbacks) -> DuplicateCandidate:
    filed(world, django_capture_on_commit_callbacks, text=TEXT, matter="M089")
    later = filed(world, django_capture_on_commit_callbacks, text=TEXT, matter="M089",
                  at=MONDAY + hours(1))
    return DuplicateCandidate.objects.get(case=later)


def client_of(world, name: str) -> Client:
    client = Client()
    client.force_login(world.user(name))
    return client


def test_merge_answers_the_done_line(world, candidate):
    response = client_of(world, "supervisor").post(
        f"/centre/duplicates/{candidate.pk}/merge", **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert f'id="duplicate-{candidate.pk}"' in text
    assert f"{candidate.case.number} 已合并到 {candidate.master.number}" in text
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.MERGED


def test_dismiss_then_again_is_a_409_with_the_error_in_place(world, candidate):
    client = client_of(world, "supervisor")
    first = client.post(f"/centre/duplicates/{candidate.pk}/dismiss", **HTMX)
    assert first.status_code == 200 and "不是重复件" in first.content.decode()
    again = client.post(f"/centre/duplicates/{candidate.pk}/merge", **HTMX)
    assert again.status_code == 409
    assert "该提示已处理" in again.content.decode()


def test_not_yours_is_403_and_invisible_is_404(world, candidate):
    refused = client_of(world, "grid_a").post(f"/centre/duplicates/{candidate.pk}/merge",
                                              **HTMX)
    assert refused.status_code == 403 and "hy-form-error" in refused.content.decode()
    assert client_of(world, "grid_b").post(
        f"/centre/duplicates/{candidate.pk}/merge", **HTMX).status_code == 404
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.OPEN


def test_without_htmx_the_board_again(world, candidate):
    response = client_of(world, "supervisor").post(f"/centre/duplicates/{candidate.pk}/dismiss")
    assert response.status_code == 302 and response["Location"] == "/centre/triage"
