"""The page and the API are two doors to one action: walking the registry, each action is
taken once through each door on twin cases, with the same input, and must record the same
events; the same outsider is refused with the same status at both; the same bad input is
refused at both, naming the same field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huying.cases import services as cs
from huying.cases.actions.base import REGISTRY, Target
from huying.cases.models import Assignment, AssignmentRole, Case, CaseEvent, Channel
from huying.web.tests.conftest import HTMX, dispatched, in_triage, report
from tests.factories import World

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
       b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

Setup = Callable[[World, datetime], tuple[Case, Assignment | None, dict[str, Any]]]


def reported(world: World, now: datetime) -> Case:
    lon, lat = world.point_in(0)
    return cs.case_report(actor=world.user("initiator_a"), county=world.county,
                          channel=Channel.TOWN, title="井盖缺失", description="人行道井盖缺失。",
                          longitude=lon, latitude=lat, now=now)


def lead_of(case: Case) -> Assignment:
    return case.assignments.get(cycle=case.cycle, role=AssignmentRole.LEAD)


def on_case(make: Callable[[World, datetime], Case]) -> Setup:
    return lambda world, now: (make(world, now), None, {})


def local(world: World, now: datetime, by: str = "initiator_a") -> Case:
    case = report(world, now, by=by)
    return cs.case_handle_locally(case=case, actor=world.user(by), now=now)


def awaiting(world: World, now: datetime) -> Case:
    return cs.case_call(case=report(world, now), actor=world.user("initiator_a"),
                        reason="需县级部门处理", now=now)


def suspended(world: World, now: datetime) -> Case:
    return cs.case_suspend(case=dispatched(world, now), actor=world.user("supervisor"),
                           reason="待上级批复", now=now)


def signed(world: World, now: datetime) -> Assignment:
    lead = lead_of(dispatched(world, now))
    return cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=now)


def replied(world: World, now: datetime) -> Case:
    lead = signed(world, now)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"), result="已修复",
                        now=now)
    return Case.objects.get(pk=lead.case_id)


def on_lead(make: Callable[[World, datetime], Assignment]) -> Setup:
    def setup(world: World, now: datetime):
        assignment = make(world, now)
        return Case.objects.get(pk=assignment.case_id), assignment, {}
    return setup


def return_requested(world: World, now: datetime) -> Assignment:
    lead = lead_of(dispatched(world, now))
    return cs.assignment_request_return(assignment=lead, actor=world.user("responder_d05"),
                                        reason="非本部门职责", now=now)


def extension_pending(world: World, now: datetime) -> Assignment:
    lead = signed(world, now)
    cs.assignment_request_extension(assignment=lead, actor=world.user("responder_d05"),
                                    extra_days=2, reason="需采购材料", now=now)
    return Assignment.objects.get(pk=lead.pk)


def duplicate_pair(world: World, now: datetime):
    target = report(world, now)
    return report(world, now), None, {"into": target.number}


@dataclass(frozen=True)
class Scenario:
    setup: Setup
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    with_file: bool = False


SCENARIOS: dict[str, Scenario] = {
    "register": Scenario(on_case(reported), "initiator_a", {"matter": "M002"}),
    "reject": Scenario(on_case(reported), "initiator_a", {"reason": "重复上报"}),
    "merge": Scenario(duplicate_pair, "initiator_a"),
    "handle_locally": Scenario(on_case(report), "initiator_a"),
    "resolve_locally": Scenario(on_case(local), "initiator_a", {"result": "已清理"}),
    "escalate": Scenario(on_case(lambda w, n: local(w, n, by="grid_a")), "grid_a",
                         {"reason": "网格无法处置"}),
    "call": Scenario(on_case(report), "initiator_a", {"reason": "需县级部门处理"}),
    "call_approve": Scenario(on_case(awaiting), "reviewer_a", {"comment": "同意"}),
    "call_deny": Scenario(on_case(awaiting), "reviewer_a", {"reason": "镇街可以自办"}),
    "triage": Scenario(on_case(in_triage), "supervisor", {"matter": "M002", "urgent": True}),
    "send_back": Scenario(on_case(in_triage), "supervisor", {"reason": "属镇街职责"}),
    "dispatch": Scenario(on_case(in_triage), "supervisor",
                         {"lead": "D05", "co": ["D25"], "instructions": "尽快处置"}),
    "suspend": Scenario(on_case(dispatched), "supervisor", {"reason": "待上级批复"}),
    "resume": Scenario(on_case(suspended), "supervisor"),
    "evaluate": Scenario(on_case(replied), "initiator_a",
                         {"stars": 4, "rating": "satisfied", "comment": "及时"}),
    "rally": Scenario(on_case(report), "initiator_a", {"need": "清理积雪", "points": 5}),
    "attach": Scenario(on_case(report), "initiator_a", with_file=True),
    "sign": Scenario(on_lead(lambda w, n: lead_of(dispatched(w, n))), "responder_d05"),
    "progress": Scenario(on_lead(signed), "responder_d05", {"note": "已到现场"}),
    "reply": Scenario(on_lead(signed), "responder_d05", {"result": "已修复"}, with_file=True),
    "request_return": Scenario(on_lead(lambda w, n: lead_of(dispatched(w, n))),
                               "responder_d05", {"reason": "非本部门职责"}),
    "decide_return": Scenario(on_lead(return_requested), "supervisor",
                              {"approve": False, "note": "属本部门职责"}),
    "request_extension": Scenario(on_lead(signed), "responder_d05",
                                  {"extra_days": 2, "reason": "需采购材料"}),
    "decide_extension": Scenario(on_lead(extension_pending), "supervisor", {"approve": True}),
}
# Seen only from a county-wide seat without any grant, and not seen at all from another town.
VISIBLE_BUT_FORBIDDEN = "leader"
INVISIBLE = "initiator_b"


def test_every_page_action_has_a_parity_scenario():
    page_actions = {name for name, action in REGISTRY.items() if action.page}
    assert page_actions == set(SCENARIOS)
    # The others are taken through their own pages (the report form, the volunteer page).
    assert {name for name, a in REGISTRY.items() if not a.page} == {"report", "claim",
                                                                    "complete"}


def api_url(name: str, case: Case, assignment: Assignment | None) -> str:
    action = REGISTRY[name]
    if action.target == Target.ASSIGNMENT:
        return f"/api/v1/assignments/{assignment.pk}/{action.path_segment}"
    return f"/api/v1/cases/{case.number}/{action.path_segment}"


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("现场.png", PNG, content_type="image/png")


def via_api(client, name: str, case: Case, assignment: Assignment | None,
            data: dict[str, Any], with_file: bool):
    url = api_url(name, case, assignment)
    if with_file:
        form = {k: v for k, v in data.items() if v is not None}
        return client.post(url, {**form, REGISTRY[name].files: upload()})
    return client.post(url, data, content_type="application/json")


def via_page(client, name: str, case: Case, assignment: Assignment | None,
             data: dict[str, Any], with_file: bool):
    form: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            form[key] = "on" if value else "false"
        elif value is not None:
            form[key] = value
    if assignment is not None:
        form["assignment"] = str(assignment.pk)
    if with_file:
        form[REGISTRY[name].files] = upload()
    return client.post(reverse("web:case-act", args=[case.number, name]), form, **HTMX)


# Payload entries that name rows or cases, which differ between the twins by nature.
ROW_KEYS = {"assignment", "attachment", "request", "rally", "returned", "into"}


def recorded(case: Case, after: int) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [(e.action, e.from_status, e.to_status,
             {k: ("<row>" if k in ROW_KEYS else v) for k, v in e.payload.items()})
            for e in CaseEvent.objects.filter(case=case, seq__gt=after).order_by("seq")]


def last_seq(case: Case) -> int:
    return CaseEvent.objects.filter(case=case).order_by("-seq").values_list("seq", flat=True)[0]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_page_and_api_record_the_same_events(name, world, now, client_as):
    scenario = SCENARIOS[name]
    results = []
    for door in (via_api, via_page):
        case, assignment, extra = scenario.setup(world, now)
        before = last_seq(case)
        response = door(client_as(scenario.actor), name, case, assignment,
                        {**scenario.data, **extra}, scenario.with_file)
        assert response.status_code in (200, 201), (door.__name__, response.content[:500])
        case.refresh_from_db()
        results.append((recorded(case, before), case.status))
    assert results[0] == results[1]
    assert results[0][0], "the action recorded nothing"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("outsider", [VISIBLE_BUT_FORBIDDEN, INVISIBLE])
def test_page_and_api_refuse_the_same_outsider_alike(name, outsider, world, now, client_as):
    scenario = SCENARIOS[name]
    statuses = []
    for door in (via_api, via_page):
        case, assignment, extra = scenario.setup(world, now)
        before = last_seq(case)
        response = door(client_as(outsider), name, case, assignment,
                        {**scenario.data, **extra}, scenario.with_file)
        statuses.append(response.status_code)
        assert last_seq(case) == before, "a refused action changed the record"
    assert statuses[0] == statuses[1]
    assert statuses[0] == (403 if outsider == VISIBLE_BUT_FORBIDDEN else 404)


def required_fields(name: str) -> list[str]:
    return [n for n, info in REGISTRY[name].input.model_fields.items() if info.is_required()]


@pytest.mark.parametrize("name", sorted(n for n in SCENARIOS if required_fields(n)))
def test_page_and_api_refuse_the_same_missing_field(name, world, now, client_as):
    scenario = SCENARIOS[name]
    missing = required_fields(name)[0]
    data = {k: v for k, v in scenario.data.items() if k != missing}
    fields = []
    for door in (via_api, via_page):
        case, assignment, extra = scenario.setup(world, now)
        extra = {k: v for k, v in extra.items() if k != missing}
        response = door(client_as(scenario.actor), name, case, assignment, {**data, **extra},
                        scenario.with_file)
        assert response.status_code == 422, (door.__name__, response.content[:300])
        if door is via_api:
            fields.append(response.json()["details"]["field"])
        else:
            fields.append(response.context["form"].error_field)
    assert fields == [missing, missing]
