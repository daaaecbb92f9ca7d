"""The three slips: prompt, supervision and warning — and their Word documents."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import docx
import pytest

from huying.assessment.selectors import RankRow
from huying.cases import services as cs
from huying.cases.domain_events import CaseEvaluated
from huying.cases.tests.conftest import report
from huying.common.bus import publish
from huying.common.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from huying.notifications.models import Notification
from huying.supervision import slips as sl
from huying.supervision.documents import slip_document
from huying.supervision.models import Slip, SlipKind, SlipStatus
from huying.supervision.sweep import sweep_run
from huying.supervision.tests.conftest import GREEN, RED, TZ, YELLOW, dispatch
from tests.factories import figures_refresh


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


# ---------------------------------------------------------------------------------------
# prompt slip


def test_prompt_slip_digests_hot_difficult_and_sensitive_matters(world, now):
    hot = [report(world, matter=GREEN, now=now - timedelta(hours=h)) for h in (1, 20, 40)]
    sensitive = report(world, matter=YELLOW, now=now - timedelta(hours=3), sensitive=True)
    overdue, _ = dispatch(world, matter=RED, now=now - timedelta(days=2))
    sweep_run(now=now)
    slip = sl.slip_issue_prompt(county=world.county, day=now.date(), now=now)
    assert slip.kind == SlipKind.PROMPT
    assert str(slip.number) == "提示〔2026〕1号"
    cases = set(slip.cases.values_list("pk", flat=True))
    assert {overdue.pk, sensitive.pk} | {c.pk for c in hot} <= cases
    body = str(slip.body)
    assert "3" in body and overdue.number in body and sensitive.number in body
    told = set(Notification.objects.filter(kind="slip").values_list("user__username",
                                                                    flat=True))
    assert {"leader", "party_leader", "gov_leader"} <= told
    # once per county and day
    assert sl.slip_issue_prompt(county=world.county, day=now.date(), now=now) == slip
    assert Slip.objects.count() == 1


def test_two_reports_are_not_yet_hot(world, now):
    for h in (1, 2):
        report(world, matter=GREEN, now=now - timedelta(hours=h))
    digest = sl.prompt_digest(county=world.county, now=now)
    assert digest.hot == [] and digest.empty


# ---------------------------------------------------------------------------------------
# supervision slip


def test_a_supervisor_issues_a_supervision_slip_and_the_department_replies(world, now):
    case, _ = dispatch(world, matter=YELLOW, now=now)
    slip = sl.slip_issue_supervision(actor=world.user("supervisor"), department=world.dept("D05"),
                                     cases=[case], reason="答复内容空洞，未说明处置结果", now=now)
    assert str(slip.number) == "督办〔2026〕1号"
    # five working days: the end of Monday 9 March
    assert slip.deadline == at(2026, 3, 9, 17, 30)
    assert slip.issued_by == world.user("supervisor")
    assert Notification.objects.filter(user=world.user("head_d05"), kind="slip").exists()
    second = sl.slip_issue_supervision(actor=world.user("supervisor"),
                                       department=world.dept("D05"), cases=[case],
                                       reason="再次督办", now=now)
    assert str(second.number) == "督办〔2026〕2号"

    with pytest.raises(PermissionDenied):
        sl.slip_reply(actor=world.user("responder_d01"), slip=slip, reply="x", now=now)
    replied = sl.slip_reply(actor=world.user("responder_d05"), slip=slip,
                            reply="已重新核实并补充说明处置结果", now=now + timedelta(days=1))
    assert replied.status == SlipStatus.REPLIED
    with pytest.raises(TransitionNotAllowed):
        sl.slip_reply(actor=world.user("head_d05"), slip=slip, reply="again", now=now)
    with pytest.raises(PermissionDenied):
        sl.slip_close(actor=world.user("head_d05"), slip=slip, now=now)
    closed = sl.slip_close(actor=world.user("supervisor"), slip=slip, now=now + timedelta(days=2))
    assert closed.status == SlipStatus.CLOSED


def test_only_supervisors_issue_supervision_slips(world, now):
    case, _ = dispatch(world, matter=YELLOW, now=now)
    with pytest.raises(PermissionDenied):
        sl.slip_issue_supervision(actor=world.user("responder_d05"),
                                  department=world.dept("D05"), cases=[case], reason="x",
                                  now=now)
    with pytest.raises(ValidationFailed):
        sl.slip_issue_supervision(actor=world.user("supervisor"), department=world.dept("D05"),
                                  cases=[case], reason="x", now=now, deadline=now)


def evaluate(world, case, assignment, now, rating):
    cs.assignment_sign(assignment=assignment, actor=world.user("responder_d05"), now=now)
    cs.assignment_reply(assignment=assignment, actor=world.user("responder_d05"),
                        result="已处理", now=now)
    case.refresh_from_db()
    evaluation = cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=2,
                                  rating=rating, comment="问题仍然存在", now=now)
    case.refresh_from_db()
    publish(CaseEvaluated(case=case, evaluation=evaluation, at=now))  # again: no effect
    return evaluation


def test_basically_satisfied_brings_an_automatic_supervision_slip(world, now):
    case, (lead,) = dispatch(world, matter=GREEN, now=now)
    evaluation = evaluate(world, case, lead, now + timedelta(hours=1), "basically_satisfied")
    slip = Slip.objects.get()
    assert slip.kind == SlipKind.SUPERVISION and slip.issued_by is None
    assert slip.department == world.dept("D05")
    assert slip.source_key == f"evaluation:{evaluation.pk}"
    assert list(slip.cases.all()) == [case]
    assert "基本满意" in str(slip.body)


def test_failed_rework_brings_a_second_slip(world, now):
    case, (lead,) = dispatch(world, matter=GREEN, now=now)
    evaluate(world, case, lead, now + timedelta(hours=1), "unsatisfied")
    rework = case.assignments.get(cycle=2)
    evaluate(world, case, rework, now + timedelta(hours=3), "unsatisfied")
    first, second = Slip.objects.order_by("pk")
    assert "重办" in str(first.body) and "不合格" not in str(first.body)
    assert "重办不合格" in str(second.body)
    assert str(second.number) == "督办〔2026〕2号"


def test_a_satisfied_evaluation_brings_no_slip(world, now):
    case, (lead,) = dispatch(world, matter=GREEN, now=now)
    evaluate(world, case, lead, now + timedelta(hours=1), "satisfied")
    assert not Slip.objects.exists()


# ---------------------------------------------------------------------------------------
# warning slip


def rows(*codes_and_scores) -> list[RankRow]:
    from huying.assessment.selectors import assign_ranks
    from huying.org.models import Department

    result = [RankRow(subject_id=Department.objects.get(code=code).pk, code=code, name=code,
                      score=Decimal(score)) for code, score in codes_and_scores]
    return assign_ranks(result)


@pytest.fixture
def rankings(monkeypatch):
    """Month (first day) → ranking rows; stands in for the towns' evaluation ranking."""
    table: dict[date, list[RankRow]] = {}

    def fake(*, county, kind, period_start, period_end, scheme=None, by="score", town=None):
        assert kind == "department" and by == "town_evaluation"
        return table.get(period_start.date(), [])

    monkeypatch.setattr("huying.assessment.selectors.ranking_for_period", fake)
    return table


def test_warning_slip_needs_two_consecutive_months_in_the_bottom_three(world, now, rankings):
    rankings[date(2026, 1, 1)] = rows(("D01", 98), ("D07", 95), ("D05", 60), ("D25", 55),
                                      ("D26", 50))
    rankings[date(2026, 2, 1)] = rows(("D01", 97), ("D25", 96), ("D05", 70), ("D07", 65),
                                      ("D26", 40))
    slips = sl.slips_issue_warning_monthly(county=world.county, month=date(2026, 2, 14),
                                           now=at(2026, 3, 1, 9, 0))
    # D05 and D26 were in the bottom 3 both months; D25 and D07 only in one.
    assert sorted(s.department.code for s in slips) == ["D05", "D26"]
    slip = next(s for s in slips if s.department.code == "D05")
    assert slip.kind == SlipKind.WARNING and str(slip.number).startswith("警示〔2026〕")
    assert str(slip.copied_to) == "中共示范市委员会、示范市人民政府、示范市纪委监委"
    assert Notification.objects.filter(user=world.user("head_d05"), kind="slip").exists()
    # idempotent per month
    again = sl.slips_issue_warning_monthly(county=world.county, month=date(2026, 2, 1),
                                           now=at(2026, 3, 1, 10, 0))
    assert {s.pk for s in again} == {s.pk for s in slips}
    assert Slip.objects.count() == 2


def test_bottom_three_in_one_month_only_brings_no_warning_slip(world, now, rankings):
    rankings[date(2026, 1, 1)] = rows(("D01", 60), ("D07", 55), ("D05", 50), ("D25", 99),
                                      ("D26", 98), ("D11", 97))
    rankings[date(2026, 2, 1)] = rows(("D01", 99), ("D07", 98), ("D05", 97), ("D25", 50),
                                      ("D26", 40), ("D11", 30))
    assert sl.slips_issue_warning_monthly(county=world.county, month=date(2026, 2, 1),
                                          now=at(2026, 3, 1, 9, 0)) == []
    assert not Slip.objects.exists()


def test_warning_slip_from_real_town_evaluations(world):
    """End to end through the assessment's ranking: five departments, two months."""
    def month_of(start: datetime, good: set[str], bad: set[str]) -> None:
        for k, code in enumerate(sorted(good | bad)):
            moment = start + timedelta(minutes=10 * k)
            case, (lead,) = dispatch(world, matter=GREEN, now=moment, lead=code)
            responder = world.user(f"responder_{code.lower()}")
            cs.assignment_sign(assignment=lead, actor=responder, now=moment)
            cs.assignment_reply(assignment=lead, actor=responder, result="已处理", now=moment)
            case.refresh_from_db()
            rating = "very_satisfied" if code in good else "basically_satisfied"
            cs.case_evaluate(case=case, actor=world.user("initiator_a"), stars=3,
                             rating=rating, comment="", now=moment + timedelta(hours=1))

    month_of(at(2026, 1, 5, 9, 0), good={"D01", "D07"}, bad={"D05", "D25", "D26"})
    month_of(at(2026, 2, 2, 9, 0), good={"D01", "D25"}, bad={"D05", "D07", "D26"})
    figures_refresh(at(2026, 3, 1, 8, 0))
    slips = sl.slips_issue_warning_monthly(county=world.county, month=date(2026, 2, 1),
                                           now=at(2026, 3, 1, 9, 0))
    assert sorted(s.department.code for s in slips) == ["D05", "D26"]


# ---------------------------------------------------------------------------------------
# documents


def text_of(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_a_supervision_slip_opens_in_word_with_title_number_and_cases(world, now):
    case, _ = dispatch(world, matter=YELLOW, now=now)
    slip = sl.slip_issue_supervision(actor=world.user("supervisor"), department=world.dept("D05"),
                                     cases=[case], reason="答复质量不高", now=now)
    document = docx.Document(io.BytesIO(slip_document(slip)))
    text = text_of(document)
    header = document.paragraphs[0]
    assert header.text == "示范市社会综合治理联动指挥中心"
    assert header.runs[0].font.color.rgb == docx.shared.RGBColor(0xC0, 0x00, 0x00)
    assert "督办单" in text and str(slip.number) in text and case.number in text
    assert "答复质量不高" in text and "整改期限" in text and "2026年3月2日" in text


@pytest.mark.parametrize(("kind", "title"), [("prompt", "提示单"), ("warning", "警示单")])
def test_prompt_and_warning_slips_open_in_word(world, now, rankings, kind, title):
    if kind == "prompt":
        slip = sl.slip_issue_prompt(county=world.county, day=now.date(), now=now)
    else:
        for month in (date(2026, 1, 1), date(2026, 2, 1)):
            rankings[month] = rows(("D01", 90), ("D05", 10), ("D07", 20), ("D25", 30))
        slip = sl.slips_issue_warning_monthly(county=world.county, month=date(2026, 2, 1),
                                              now=now)[0]
    text = text_of(docx.Document(io.BytesIO(slip_document(slip))))
    assert title in text and str(slip.number) in text
    if kind == "warning":
        assert "抄送" in text and "纪委" in text


def test_huying_slips_command(world, now, rankings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("slips", "prompt", "--date", "2026-03-02", "--county", world.county.code,
                 stdout=out)
    assert "提示〔2026〕1号" in out.getvalue()
    for month in (date(2026, 1, 1), date(2026, 2, 1)):
        rankings[month] = rows(("D01", 90), ("D05", 10), ("D07", 20), ("D25", 30))
    out = StringIO()
    call_command("slips", "warning", "--date", "2026-02-01", stdout=out)
    assert out.getvalue().count("警示〔2026〕") == 3
