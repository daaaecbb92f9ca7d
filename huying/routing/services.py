"""The writes of smart dispatch: a new case's suggestions, the automatic dispatch of a
confident one, retraining on demand.

Automatic dispatch (`case_dispatch_automatically`) happens only when
`HUYING_ROUTING_AUTO_DISPATCH_CONFIDENCE` is set, and only for a case that

- waits in the centre's triage queue as a new report (status reported, level county: a
  report a grid worker or town filed stays with them),
- is located (the case has a unit) and is not stability-sensitive (涉稳: a person decides),
- has a fresh suggestion (not stale) whose top matter is at least that confident,
- is of a matter the lists let the county take (on the call-matter list, not a town duty),
  whose lead department serves the case's area.

It registers and dispatches through the case services as the system (actor None) to the
matter's lead and co-departments, one transaction for both; both events carry
`{"automatic": true, "confidence": …, "model_version": …}`, so the case record says so.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases.models import Case, CaseLevel, CaseStatus
from huying.cases.selectors import department_takes_work
from huying.cases.services import case_dispatch, case_register
from huying.catalog import rules
from huying.catalog.selectors import matter_type_in_force
from huying.common.errors import NotOnList, PermissionDenied
from huying.org.models import User
from huying.org.selectors import is_admin
from huying.routing.corpus import case_text
from huying.routing.models import CaseSuggestion
from huying.routing.selectors import suggestions_for_text
from huying.routing.store import Model
from huying.routing.training import Progress, model_train


def auto_dispatch_threshold() -> float | None:
    """The setting, or None when automatic dispatch is off (unset, or not in (0, 1])."""
    value = getattr(settings, "HUYING_ROUTING_AUTO_DISPATCH_CONFIDENCE", None)
    if value is None:
        return None
    value = float(value)
    return value if 0 < value <= 1 else None


def case_suggestion_record(*, case: Case, now: datetime) -> CaseSuggestion | None:
    """Store the model's top matter types for `case` (None without a model)."""
    found = suggestions_for_text(text=case_text(case.title, case.description),
                                 county=case.county, on=timezone.localdate(now))
    if found is None:
        return None
    suggestion, _created = CaseSuggestion.objects.update_or_create(
        case=case, defaults={
            "suggestions": [{"code": s.code, "confidence": s.confidence} for s in found.items],
            "model_version": found.model_version[:64], "stale": found.stale,
            "created_at": now})
    return suggestion


def case_dispatch_automatically(*, case_id: int, now: datetime) -> Case | None:
    """Register and dispatch the case as the system when every condition of the module
    docstring holds; returns the dispatched case, or None (the case waits for a person)."""
    threshold = auto_dispatch_threshold()
    if threshold is None:
        return None
    case = Case.objects.select_related("county").filter(pk=case_id).first()
    if (case is None or case.status != CaseStatus.REPORTED or case.level != CaseLevel.COUNTY
            or case.unit_id is None or case.sensitive):
        return None
    suggestion = CaseSuggestion.objects.filter(case=case).first()
    if suggestion is None or suggestion.stale or not suggestion.suggestions:
        return None
    top = suggestion.suggestions[0]
    if top["confidence"] < threshold:
        return None
    day = timezone.localdate(now)
    matter = matter_type_in_force(county=case.county, code=top["code"], on=day)
    if matter is None:
        return None
    try:
        rules.ensure_may_call(county=case.county, matter_code=matter.code, on=day)
    except NotOnList:
        return None
    lead = matter.lead_department
    if not department_takes_work(lead, case):
        return None
    co = [d for d in matter.co_departments.order_by("code")
          if d.pk != lead.pk and department_takes_work(d, case)]
    provenance = {"automatic": True, "confidence": top["confidence"],
                  "model_version": suggestion.model_version}
    with transaction.atomic():
        case = case_register(case=case, actor=None, matter_code=matter.code, now=now,
                             provenance=provenance)
        case_dispatch(case=case, actor=None, lead=lead, co=co, now=now, provenance=provenance)
    case.refresh_from_db()
    return case


def model_retrain(*, actor: User | None, now: datetime,
                  progress: Progress | None = None) -> Model:
    """Train a new model now: the system (commands, the nightly job) or an administrator."""
    if actor is not None and not is_admin(actor):
        raise PermissionDenied(_("Only an administrator may retrain the routing model."))
    return model_train(now=now, progress=progress)
