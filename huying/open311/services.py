"""The one write of the Open311 server: a client's POST requests, filed as a case of its
key's Open311 channel.

**No idempotency.** GeoReport v2 gives a request no client id, so every POST is a new case
(no IntakeRecord: there is no external id to key it by). A client that retries after a lost
answer files a duplicate, which the command centre merges (合并) like any repeated report.
The answer's `token` is the handle a client keeps instead: `tokens/{token}` maps it to the
request's id."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.cases import flows
from huying.cases.models import ChannelKey, ChannelKind
from huying.common.errors import PermissionDenied
from huying.open311.attributes import attributes_parse
from huying.open311.inputs import RequestForm
from huying.open311.models import Submission
from huying.open311.selectors import service_get
from huying.org.auth import token_lookup
from huying.org.models import OrgUnit, User

TOKEN_BYTES = 32  # 43 URL-safe characters: unguessable, and within Submission.token


def channel_key_for(api_key: str, *, now: datetime) -> ChannelKey:
    """The live key an `api_key` is, bound to an active Open311 channel; PermissionDenied
    (403) for a missing, unknown, revoked or otherwise bound key."""
    token = token_lookup(api_key, now=now) if api_key else None
    if token is None:
        raise PermissionDenied(_("api_key is missing or not valid."), code="api_key")
    key = (ChannelKey.objects.filter(token=token).select_related("channel", "token__user")
           .first())
    if key is None or key.channel.kind != ChannelKind.OPEN311:
        raise PermissionDenied(_("This api_key is not a key of the Open311 channel."),
                               code="api_key")
    if not key.channel.active:
        raise PermissionDenied(_("The Open311 channel is switched off."), code="api_key")
    return key


@transaction.atomic
def open311_request_submit(*, actor: User, key: ChannelKey, county: OrgUnit,
                           form: RequestForm, now: datetime) -> Submission:
    """File a POSTed request: report it through the key's channel as the key's user and,
    when it gives coordinates, register it under its service's matter type at once. A
    request with only an address waits for the centre to locate and classify it."""
    if actor.pk != key.token.user_id:
        raise PermissionDenied(_("This api_key belongs to another user."), code="api_key")
    matter = service_get(county, form.service_code, on=timezone.localdate(now))
    values = attributes_parse(matter, form.attributes)
    address = " ".join(part for part in dict.fromkeys((form.address_string,
                                                       values.address_detail)) if part)
    located = form.longitude is not None
    case, _created = flows.case_report_filed(
        actor=actor, county=county, now=now,
        matter_code=matter.code if located else None, channel=key.channel.code,
        title=matter.name, description=form.description, reporter_name=form.reporter_name,
        reporter_phone=form.reporter_phone, address=address, longitude=form.longitude,
        latitude=form.latitude, urgent=values.urgent, source_system=key.source_system)
    return Submission.objects.create(
        case=case, token=secrets.token_urlsafe(TOKEN_BYTES), source_system=key.source_system,
        service_code=matter.code, service_name=matter.name, media_url=form.media_url,
        submitted_at=now)
