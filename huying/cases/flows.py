"""Actions of several steps that must succeed or fail together: a field report with its
classification and photos, a reply with its evidence. Each is one transaction, so a refused
step (a file that is not what it claims, a matter not on the list) leaves nothing behind, and
an API client gets the same atomicity as the page."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huying.cases import services
from huying.cases.attachments import attachment_add
from huying.cases.models import Assignment, Case, CaseStatus
from huying.cases.scope import places_of
from huying.common.errors import PermissionDenied, ValidationFailed
from huying.org.models import GRID_ROLES, OrgUnit, User


def upload_sha256(upload: Any) -> str:
    """The content hash of an uploaded file, read in chunks and rewound for its writer."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def sole_grid_of(actor: User | None) -> OrgUnit | None:
    """A grid worker's one grid: where a report without a location most surely lies."""
    if actor is None:
        return None
    grids = {p.unit.pk: p.unit for p in places_of(actor)
             if p.unit is not None and p.department_id is None and p.role in GRID_ROLES}
    return next(iter(grids.values())) if len(grids) == 1 else None


@transaction.atomic
def case_report_filed(*, actor: User | None, county: OrgUnit, now: datetime,
                      matter_code: str | None = None, uploads: Sequence[Any] = (),
                      **report: Any) -> tuple[Case, bool]:
    """Report a case and, when the reporter classifies it, register it and attach its
    photos. Returns the case and whether it is new: the same (channel, source system,
    external reference) sent again answers the case it made the first time, untouched."""
    if report.get("unit") is None and report.get("longitude") is None:
        report["unit"] = sole_grid_of(actor)
    classification = {"matter": matter_code or None,
                      "photos": [upload_sha256(upload) for upload in uploads]}
    unplaced = report.get("unit") is None and report.get("longitude") is None
    try:
        case, created = services.case_intake(actor=actor, county=county, now=now,
                                             classification=classification, **report)
    except PermissionDenied:
        if matter_code and unplaced:
            # Who may report depends on where: without a place, say what is missing.
            raise ValidationFailed(_("Mark the location: use GPS or tap the map."),
                                   field="location") from None
        raise
    if not created or case.status != CaseStatus.REPORTED:
        return case, False
    if matter_code and case.unit_id is None:
        # Registering needs a place, and neither a point, the reporter's grid nor the
        # report's words (located by the gazetteer inside the report) gave one: the whole
        # report rolls back.
        raise ValidationFailed(_("Mark the location: use GPS or tap the map."),
                               field="location")
    if matter_code:
        case = services.case_register(case=case, actor=actor, matter_code=matter_code, now=now)
    for upload in uploads:
        attachment_add(case=case, actor=actor, upload=upload, now=now)
    return case, True


@transaction.atomic
def assignment_reply_with_evidence(*, assignment: Assignment, actor: User, result: str,
                                   now: datetime, uploads: Sequence[Any] = (),
                                   expected_version: int | None = None) -> Assignment:
    """Reply, then attach the evidence: a refused reply or a refused file leaves neither."""
    assignment = services.assignment_reply(assignment=assignment, actor=actor, result=result,
                                           now=now, expected_version=expected_version)
    for upload in uploads:
        attachment_add(case=assignment.case, actor=actor, upload=upload, now=now,
                       assignment=assignment)
    return assignment
