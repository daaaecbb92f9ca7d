from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from huying.org import services
from huying.org.models import Role
from huying.org.privacy import mask_id_number, mask_phone, may_see_personal_data
from huying.org.tests.conftest import NOW


def test_phone_numbers_keep_the_first_three_and_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""
    assert mask_phone("12345") == "***45"


def test_id_numbers_keep_the_region_prefix_and_the_last_four():
    assert mask_id_number("371002198001011234") == "3710**********1234"
    assert mask_id_number("37100219800101123X") == "3710**********123X"
    assert mask_id_number("") == ""


def test_only_supervisors_and_admins_see_full_personal_data(make_user, county, centre, grid,
                                                          department):
    supervisor, admin, worker, responder = (make_user() for _ in range(4))
    services.membership_grant(actor=None, user=supervisor, role=Role.SUPERVISOR,
                              department=centre, now=NOW)
    services.membership_grant(actor=None, user=admin, role=Role.ADMIN, unit=county, now=NOW)
    services.membership_grant(actor=None, user=worker, role=Role.GRID_WORKER, unit=grid,
                              now=NOW)
    services.membership_grant(actor=None, user=responder, role=Role.RESPONDER,
                              department=department, now=NOW)
    assert may_see_personal_data(supervisor)
    assert may_see_personal_data(admin)
    assert not may_see_personal_data(worker)
    assert not may_see_personal_data(responder)
    assert not may_see_personal_data(AnonymousUser())
