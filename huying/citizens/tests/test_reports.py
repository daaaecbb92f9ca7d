"""The citizen's report, its tracking link and the citizen's rating."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huying.cases import services as cs
from huying.cases.models import Case, CaseStatus, Channel, Evaluation
from huying.citizens import selectors, services
from huying.citizens.models import CitizenRating, CitizenReport
from huying.citizens.tests.conftest import PHONE, close_case, png
from huying.common.errors import TransitionNotAllowed, ValidationFailed


def photo(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(), content_type="image/png")


def file_report(world, now, **extra):
    lon, lat = world.point_in(0)
    values = {"phone": PHONE, "county": world.county, "now": now, "longitude": lon,
              "latitude": lat, "description": "菜市场东门的路灯已经三天不亮了。晚上很黑。"}
    return services.citizen_report_file(**(values | extra))


def test_a_report_is_a_web_case_reported_by_the_system_with_the_citizen_as_reporter(
        world, now):
    report, token = file_report(world, now, name="李四", uploads=[photo(), photo("b.png")])
    case = report.case
    assert case.channel == Channel.WEB and case.reported_by is None
    assert (case.reporter_phone, case.reporter_name) == (PHONE, "李四")
    assert case.title == "菜市场东门的路灯已经三天不亮了"  # derived from the description
    assert case.status == CaseStatus.REPORTED and case.grid == world.grids[0]
    assert case.attachments.count() == 2
    assert len(token) >= 22 and report.token_hash == services.token_hash(token)
    assert token not in report.token_hash
    assert selectors.citizen_report_by_token(token) == report


def test_an_address_alone_is_enough_but_no_place_at_all_is_refused(world, now):
    report, _token = file_report(world, now, longitude=None, latitude=None, address="新华路12号")
    assert report.case.unit is None and report.case.address == "新华路12号"
    with pytest.raises(ValidationFailed) as error:
        file_report(world, now, longitude=None, latitude=None)
    assert error.value.details["field"] == "location"


def test_refusals_write_nothing(world, now):
    before = Case.objects.count()
    with pytest.raises(ValidationFailed):  # outside the county
        file_report(world, now, longitude=100.0, latitude=30.0)
    with pytest.raises(ValidationFailed, match="最多"):
        file_report(world, now, uploads=[photo(), photo(), photo(), photo()])
    fake = SimpleUploadedFile("a.png", b"%PDF-1.4 not a photo", content_type="image/png")
    with pytest.raises(ValidationFailed, match="不是照片"):
        file_report(world, now, uploads=[fake])
    with pytest.raises(ValidationFailed):
        file_report(world, now, description="  ")
    with pytest.raises(ValidationFailed):
        file_report(world, now, phone="12345")
    assert Case.objects.count() == before and not CitizenReport.objects.exists()


def test_the_same_form_sent_again_finds_the_same_case_with_a_new_link(world, now):
    first, token1 = file_report(world, now, key="form-1")
    again, token2 = file_report(world, now, key="form-1")
    assert again.pk == first.pk and Case.objects.count() == 1
    assert token1 != token2
    assert selectors.citizen_report_by_token(token1) is None
    assert selectors.citizen_report_by_token(token2) == first


def test_wrong_or_malformed_tokens_find_nothing(world, now):
    _report, token = file_report(world, now)
    for wrong in ("", "short", token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x",
                  "../" + token, "x" * 200):
        assert selectors.citizen_report_by_token(wrong) is None


def test_a_new_link_replaces_the_old_one(world, now):
    report, token = file_report(world, now)
    fresh = services.citizen_link_issue(report=report, phone=PHONE, now=now)
    assert selectors.citizen_report_by_token(token) is None
    assert selectors.citizen_report_by_token(fresh) == report
    with pytest.raises(ValidationFailed):
        services.citizen_link_issue(report=report, phone="13900000000", now=now)


def test_the_citizen_view_follows_the_status_groups_and_shows_the_public_answer(world, now):
    report, _token = file_report(world, now)
    view = selectors.citizen_case(report)
    assert [s.done for s in view.steps] == [True, False, False, False, False]
    assert not view.results and not view.may_rate
    close_case(world, report.case, at=now)
    report.refresh_from_db()
    view = selectors.citizen_case(report)
    assert all(s.done for s in view.steps) and view.steps[-1].current
    assert view.results == ["已更换灯泡，路灯恢复照明。"]
    assert view.may_rate
    actions = [m.action for m in view.milestones]
    assert actions[0] == "report" and "close" in actions


def test_rating_once_only_when_finished_and_apart_from_the_evaluation(world, now):
    report, _token = file_report(world, now)
    with pytest.raises(TransitionNotAllowed, match="办结后"):
        services.citizen_rating_add(report=report, rating="satisfied", comment="", now=now)
    case = close_case(world, report.case, at=now, rating="basically_satisfied")
    evaluation = Evaluation.objects.get(case=case)
    later = now + timedelta(hours=1)
    rating = services.citizen_rating_add(report=report, rating="unsatisfied",
                                         comment="灯修好了，但等了太久。", now=later)
    assert (rating.case, rating.cycle, rating.rating) == (case, case.cycle, "unsatisfied")
    with pytest.raises(TransitionNotAllowed, match="已经评价过"):
        services.citizen_rating_add(report=report, rating="satisfied", comment="", now=later)
    # the town's evaluation and the case stay as they were
    evaluation.refresh_from_db()
    case.refresh_from_db()
    assert evaluation.rating == "basically_satisfied" and case.status == CaseStatus.CLOSED
    assert Evaluation.objects.filter(case=case).count() == 1
    assert CitizenRating.objects.count() == 1


def test_a_rating_is_checked(world, now):
    report, _token = file_report(world, now)
    close_case(world, report.case, at=now)
    with pytest.raises(ValidationFailed):
        services.citizen_rating_add(report=report, rating="very_satisfied", comment="", now=now)
    with pytest.raises(ValidationFailed):
        services.citizen_rating_add(report=report, rating="satisfied", comment="好" * 501,
                                    now=now)
    assert not CitizenRating.objects.exists()


def test_a_merged_report_follows_and_rates_the_case_that_carries_on(world, now):
    report, _token = file_report(world, now)
    master = cs.case_report(actor=world.user("initiator_a"), county=world.county,
                            channel=Channel.TOWN, title="路灯不亮", description="同一处路灯。",
                            longitude=world.point_in(0)[0], latitude=world.point_in(0)[1],
                            now=now)
    cs.case_merge(case=report.case, into=master, actor=world.user("supervisor"), now=now)
    view = selectors.citizen_case(CitizenReport.objects.get(pk=report.pk))
    assert view.followed_number == master.number and not view.rejected
    master = close_case(world, master, at=now)
    report.refresh_from_db()
    view = selectors.citizen_case(report)
    assert view.status == CaseStatus.CLOSED and view.may_rate
    assert view.number == report.case.number  # the citizen's own number stays in front
    rating = services.citizen_rating_add(report=report, rating="satisfied", comment="", now=now)
    assert rating.case == master


def test_a_rejected_report_shows_no_steps_and_cannot_be_rated(world, now):
    report, _token = file_report(world, now)
    cs.case_reject(case=report.case, actor=world.user("supervisor"), reason="不属于受理范围",
                   now=now)
    report.refresh_from_db()
    view = selectors.citizen_case(report)
    assert view.rejected and not any(s.done for s in view.steps) and not view.may_rate
