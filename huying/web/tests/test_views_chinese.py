"""Every page reads Chinese: render each page as the users who see it and fail on any run of
Latin letters in its visible text (or in placeholders, titles and ARIA labels) that is not a
case number, a code, a username or a known abbreviation."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from huying.cases import services as cs
from huying.web.tests.conftest import dispatched, in_triage, report

SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
COMMENT = re.compile(r"<!--.*?-->", re.S)
TAG = re.compile(r"<[^>]+>")
ATTRIBUTE = re.compile(r'\s(?:placeholder|title|aria-label)="([^"]*)"')
ALLOWED = re.compile(
    r"HY-\d{8}-\d{6}"  # case numbers
    r"|(?<![A-Za-z])[A-Z]\d{2,}(?![A-Za-z])"  # matter and department codes (M002, D05)
    # Abbreviations Chinese writes in Latin letters: GPS, a phone "App", 北斗 AIS, and the
    # name of the Open311 standard (a channel is called by it).
    r"|(?<![A-Za-z])(?:GPS|App|AIS|Open311)(?![A-Za-z])"
)
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


def english_in(page: str, usernames: set[str]) -> list[str]:
    texts = [TAG.sub(" ", COMMENT.sub(" ", SCRIPT.sub(" ", page)))]
    texts += ATTRIBUTE.findall(page)
    found = []
    for text in texts:
        text = ALLOWED.sub(" ", html.unescape(text))
        found += [w for w in LATIN.findall(text) if w not in usernames]
    return found


@pytest.fixture
def pages(world, now):
    """(username or None, url) for every page, with data that makes each show its parts."""
    triage = in_triage(world, now)
    sent = dispatched(world, now)
    replied = dispatched(world, now)
    lead = replied.assignments.get(role="lead")
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已修复",
                        now=now)
    local = report(world, now, by="grid_a", channel="grid")
    from huying.notifications.services import notify

    notify(users=[world.user("initiator_a")], kind="new_work", title="新事项", body="请处理",
           now=now, case=local)
    urls = [(None, "/accounts/login/")]
    tabs = {"grid_a": ["local", "mine"], "initiator_a": ["local", "to_evaluate", "initiated"],
            "reviewer_a": ["to_approve"], "supervisor": ["to_triage", "decisions", "all"],
            "responder_d05": ["to_sign", "to_handle"], "leader": ["all"]}
    for username, keys in tabs.items():
        urls += [(username, f"/?tab={key}") for key in keys]
        urls.append((username, "/?tab=all&q=nothing-like-this&status=closed"))
        urls.append((username, "/notifications"))
    urls += [("supervisor", f"/cases/{triage.number}"), ("supervisor", f"/cases/{sent.number}"),
             ("responder_d05", f"/cases/{sent.number}"),
             ("initiator_a", f"/cases/{replied.number}"),
             ("grid_a", f"/cases/{local.number}"), ("grid_a", "/report"),
             ("initiator_a", "/report"), ("supervisor", "/report"),
             ("leader", f"/cases/{triage.number}")]
    return urls


def test_every_page_is_chinese(world, pages):
    usernames = set(world.users)
    failures = {}
    for username, url in pages:
        client = Client()
        if username:
            client.force_login(world.user(username))
        response = client.get(url)
        assert response.status_code == 200, (username, url, response.status_code)
        words = english_in(response.content.decode(), usernames)
        if words:
            failures[f"{username} {url}"] = sorted(set(words))
    assert not failures, f"untranslated English on pages: {failures}"


def test_the_checker_catches_english():
    assert english_in("<p>Dispatch</p><p>HY-20260302-000001 M002</p>", set()) == ["Dispatch"]
    assert english_in('<input placeholder="Search">', set()) == ["Search"]
    assert english_in("<script>var x = 1;</script><p>派单</p>", set()) == []
