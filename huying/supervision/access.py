"""Who sees which supervision record: thin lookups over `cases.access`, shared by the API and
the pages so both give the same answer (an invisible slip or interview is a 404; a visible
one on which the action is not the user's is refused by the service with a 403)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from huying.cases import access
from huying.cases.reads import county_by_code
from huying.common.errors import NotFound, PermissionDenied, ValidationFailed
from huying.org.models import OrgUnit, User
from huying.supervision import services as sv
from huying.supervision.models import Interview, Slip


def board_county(user: User, code: str | None = None, *,
                 first_if_several: bool = False) -> OrgUnit:
    """The county whose supervision the user asks for: the one named, else the county they
    have a place in (an administrator without one: the platform's only county). A user
    with no county is refused (403) — never handed somebody else's; one with several names
    it, unless the caller (a page without a county picker) takes the first."""
    if code:
        return county_by_code(code)
    counties = sv.counties_of(user)
    if not counties and access.is_platform_admin(user):
        only = access.county_of(user)
        counties = [only] if only is not None else []
    if not counties:
        raise PermissionDenied(_("You have no place in any county's supervision."))
    if len(counties) != 1 and not first_if_several:
        raise ValidationFailed(_("Name the county."), field="county")
    return counties[0]


def board_scope(user: User, county: OrgUnit) -> list[int] | None:
    """None: the whole county's board; otherwise the user's departments (403 for others)."""
    return sv.viewer_scope(user, county)


def slip_visible(user: User, slip_id: int) -> Slip:
    slip = Slip.objects.select_related("county", "department", "issued_by").filter(
        pk=slip_id).first()
    if slip is None or not access.may_see_department_record(
            user, county=slip.county, department_id=slip.department_id,
            holds_leader_post=sv.holds_leader_post(user, slip.county)):
        raise NotFound(_("Slip %(id)d was not found.") % {"id": slip_id})
    return slip


def interview_visible(user: User, interview_id: int) -> Interview:
    interview = Interview.objects.select_related(
        "case__county", "department", "interviewer", "interviewee").filter(
        pk=interview_id).first()
    if interview is None or not access.may_see_department_record(
            user, county=interview.case.county, department_id=interview.department_id,
            holds_leader_post=sv.holds_leader_post(user, interview.case.county),
            party_ids=(interview.interviewer_id,)):
        raise NotFound(_("Interview %(id)d was not found.") % {"id": interview_id})
    return interview
