"""Every write of the citizen's page: one-time codes, the report, its tracking link, the
citizen's rating.

The citizen has no account, so these services take the confirmed phone where the staff
services take an `actor`; the case itself is reported by the platform (`actor=None`, which
the `report` and `attach` transitions allow the system). A code request or a wrong code
is counted in the database, so the limits hold across worker processes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from huying.cases import flows
from huying.cases.attachments import GIF, JPEG, PNG, WEBP, clean_name, extension_of, sniff
from huying.cases.domain_events import CaseChanged
from huying.cases.models import Case, CaseStatus, Channel
from huying.cases.states import DONE_CASE
from huying.citizens.models import CitizenRating, CitizenRatingChoice, CitizenReport, PhoneCode
from huying.citizens.sms import SmsNotSent, sms_backend
from huying.common import bus
from huying.common.errors import DomainError, TransitionNotAllowed, ValidationFailed
from huying.org.models import OrgUnit

# Mainland mobile numbers: 11 digits, 1 then 3–9.
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=5)
CODE_TRIES = 5
# (window in seconds, codes allowed in it) per phone and per client address. The address
# limit is looser: a whole village may sit behind one mobile network address.
PHONE_LIMITS = ((60, 1), (3600, 5))
ADDRESS_LIMITS = ((60, 5), (3600, 30))
PHOTOS_MAX = 3
PHOTO_KINDS = (JPEG, PNG, GIF, WEBP)
DESCRIPTION_MAX = 2000
COMMENT_MAX = 500
TITLE_LENGTH = 30
TOKEN_BYTES = 24  # token_urlsafe(24): 32 characters, 192 bits
MERGE_HOPS = 10


class RateLimited(DomainError):
    """Too many codes asked for (429)."""

    status = 429
    code = "rate_limited"


class SmsFailed(DomainError):
    status = 503
    code = "sms_failed"


def phone_normalize(phone: str) -> str:
    """The 11 digits of a mainland mobile number; spaces, dashes and +86 are allowed in."""
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits:
        raise ValidationFailed(_("Enter your mobile phone number."), field="phone")
    if not MOBILE.match(digits):
        raise ValidationFailed(_("%(phone)s is not a mainland mobile number (11 digits "
                                 "starting with 1).") % {"phone": phone.strip()[:20]},
                               field="phone")
    return digits


def code_hash(phone: str, code: str) -> str:
    # Keyed with SECRET_KEY: six digits are too few for a plain hash to hide them.
    return salted_hmac("huying.citizens.code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def wait_text(seconds: float) -> str:
    seconds = max(1, int(seconds + 0.999))
    if seconds < 60:
        return _("%(n)d seconds") % {"n": seconds}
    return _("%(n)d minutes") % {"n": (seconds + 59) // 60}


def _check_limits(rows: Sequence[datetime], limits: tuple[tuple[int, int], ...],
                  now: datetime, message: str) -> None:
    """`rows`: the send times of the codes in the longest window, oldest first."""
    for window, allowed in limits:
        inside = [at for at in rows if at > now - timedelta(seconds=window)]
        if len(inside) >= allowed:
            free_at = inside[len(inside) - allowed] + timedelta(seconds=window)
            wait = (free_at - now).total_seconds()
            raise RateLimited(message % {"wait": wait_text(wait)}, retry_after=int(wait) + 1)


@transaction.atomic
def phone_code_request(*, phone: str, client_ip: str, now: datetime) -> PhoneCode:
    """Send a new six-digit code to the phone; an earlier code of the phone stops counting.

    The message leaves inside the transaction: a gateway that refuses it rolls the code
    back, so an undelivered code neither works nor counts against the limits."""
    phone = phone_normalize(phone)
    longest = max(w for w, _n in PHONE_LIMITS + ADDRESS_LIMITS)
    since = now - timedelta(seconds=longest)
    by_phone = list(PhoneCode.objects.filter(phone=phone, created_at__gt=since)
                    .order_by("created_at").values_list("created_at", flat=True))
    _check_limits(by_phone, PHONE_LIMITS, now,
                  _("A code was sent to this number a short while ago. Please wait %(wait)s "
                    "before asking for another."))
    client_ip = (client_ip or "")[:45]
    if client_ip:
        by_address = list(PhoneCode.objects.filter(client_ip=client_ip, created_at__gt=since)
                          .order_by("created_at").values_list("created_at", flat=True))
        _check_limits(by_address, ADDRESS_LIMITS, now,
                      _("Too many codes were asked for from your network. Please wait "
                        "%(wait)s and try again."))
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    row = PhoneCode.objects.create(phone=phone, code_hash=code_hash(phone, code),
                                   client_ip=client_ip, created_at=now,
                                   expires_at=now + CODE_LIFETIME)
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    with translation.override(settings.LANGUAGE_CODE):
        text = _("[Huying] Your verification code is %(code)s, valid for %(minutes)d minutes. "
                 "If you did not ask for it, ignore this message.") % {
                     "code": code, "minutes": minutes}
    try:
        sms_backend().send(phone, text)
    except SmsNotSent as error:
        raise SmsFailed(_("The text message could not be sent. Please try again in a "
                          "moment.")) from error
    return row


def phone_code_confirm(*, phone: str, code: str, now: datetime) -> str:
    """Check the phone's latest code; returns the normalised phone once it matches.

    A wrong code is counted (in its own write, which stays when the refusal is raised);
    after five wrong tries the code is spent and a new one must be asked for."""
    phone = phone_normalize(phone)
    code = re.sub(r"\s", "", code or "")
    if not (len(code) == CODE_DIGITS and code.isascii() and code.isdigit()):
        raise ValidationFailed(_("Enter the six-digit code from the text message."),
                               field="code")
    row = PhoneCode.objects.filter(phone=phone, used_at=None).order_by("-created_at").first()
    if row is None:
        raise ValidationFailed(_("No code was sent to this number. Ask for a code first."),
                               field="code")
    if row.expires_at <= now:
        raise ValidationFailed(_("The code has expired (codes are valid for 5 minutes). Ask "
                                 "for a new one."), field="code")
    if row.tries >= CODE_TRIES:
        raise ValidationFailed(_("Too many wrong tries for this code. Ask for a new one."),
                               field="code")
    if not constant_time_compare(row.code_hash, code_hash(phone, code)):
        # Conditional on the count read: two wrong tries at once cannot both be the fifth.
        counted = PhoneCode.objects.filter(pk=row.pk, tries=row.tries).update(
            tries=F("tries") + 1)
        left = CODE_TRIES - row.tries - counted
        if left <= 0:
            raise ValidationFailed(_("Too many wrong tries for this code. Ask for a new one."),
                                   field="code")
        raise ValidationFailed(_("The code is not right. %(left)d tries left.")
                               % {"left": left}, field="code")
    used = PhoneCode.objects.filter(pk=row.pk, used_at=None).update(used_at=now)
    if not used:  # the same code confirmed twice at once: only one wins
        raise ValidationFailed(_("This code was already used. Ask for a new one."),
                               field="code")
    return phone


def title_from(description: str) -> str:
    """A title for the staff lists: the description's first sentence, at most 30 characters."""
    first = re.split(r"[。！？!?\n；;]", description.strip(), maxsplit=1)[0].strip()
    first = re.sub(r"\s+", " ", first) or description.strip()
    return first if len(first) <= TITLE_LENGTH else first[:TITLE_LENGTH - 1] + "…"


def photos_check(uploads: Sequence[Any]) -> None:
    """At most three photos, each really an image (the size and name checks follow when
    the case's attachments take them)."""
    if len(uploads) > PHOTOS_MAX:
        raise ValidationFailed(_("You may send at most %(max)d photos.") % {"max": PHOTOS_MAX},
                               field="photos")
    for upload in uploads:
        name = clean_name(getattr(upload, "name", "")) or "?"
        if sniff(upload, extension_of(name)) not in PHOTO_KINDS:
            raise ValidationFailed(_("%(name)s is not a photo. Send JPEG, PNG, GIF or WebP "
                                     "images.") % {"name": name}, field="photos")


def _token_new() -> tuple[str, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


@transaction.atomic
def citizen_report_file(*, phone: str, county: OrgUnit, description: str, now: datetime,
                        title: str = "", name: str = "", address: str = "",
                        longitude: float | None = None, latitude: float | None = None,
                        uploads: Sequence[Any] = (), key: str = ""
                        ) -> tuple[CitizenReport, str]:
    """File a citizen's report (channel web) with its photos, under the confirmed phone, and
    issue its tracking link. Returns the report and the link's token, which is not kept.

    `key` is the form's idempotency key: the same form sent again answers the same case
    (with a new link, since the first one was never stored); nothing is half-written."""
    phone = phone_normalize(phone)
    description = (description or "").strip()
    if not description:
        raise ValidationFailed(_("Describe the problem: what, where, since when."),
                               field="description")
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed(_("Please keep the description under %(max)d characters.")
                               % {"max": DESCRIPTION_MAX}, field="description")
    if longitude is None and not (address or "").strip():
        raise ValidationFailed(_("Say where it is: use your location, tap the map or type "
                                 "the address."), field="location")
    photos_check(uploads)
    case, _created = flows.case_report_filed(
        actor=None, county=county, now=now, uploads=uploads, channel=Channel.WEB,
        title=(title or "").strip() or title_from(description), description=description,
        reporter_name=(name or "").strip(), reporter_phone=phone, address=address or "",
        longitude=longitude, latitude=latitude, external_ref=(key or "")[:64],
        source_system="h5")
    token, digest = _token_new()
    report = CitizenReport.objects.select_for_update().filter(case=case).first()
    if report is None:
        report = CitizenReport.objects.create(case=case, phone=phone, token_hash=digest,
                                              created_at=now, link_issued_at=now)
    elif report.phone != phone:
        raise ValidationFailed(_("This form was already sent from another phone number."),
                               field="phone")
    else:
        report.token_hash, report.link_issued_at = digest, now
        report.save(update_fields=["token_hash", "link_issued_at"])
    return report, token


@transaction.atomic
def citizen_link_issue(*, report: CitizenReport, phone: str, now: datetime) -> str:
    """A new tracking link for the citizen who confirmed the report's phone; the old link
    stops working."""
    report = CitizenReport.objects.select_for_update().get(pk=report.pk)
    if report.phone != phone_normalize(phone):
        raise ValidationFailed(_("This report was made from another phone number."),
                               field="phone")
    token, report.token_hash = _token_new()
    report.link_issued_at = now
    report.save(update_fields=["token_hash", "link_issued_at"])
    return token


def case_followed(case: Case) -> Case:
    """The case whose progress a report follows: itself, or the case it was merged into."""
    for _hop in range(MERGE_HOPS):
        if case.status != CaseStatus.MERGED or case.merged_into_id is None:
            break
        case = Case.objects.select_related("town").get(pk=case.merged_into_id)
    return case


@transaction.atomic
def citizen_rating_add(*, report: CitizenReport, rating: str, comment: str, now: datetime
                       ) -> CitizenRating:
    """The citizen rates the outcome of the case their report is handled in, once it is
    finished (closed after evaluation, or resolved locally). One rating per report."""
    report = CitizenReport.objects.select_for_update().select_related("case").get(pk=report.pk)
    if rating not in CitizenRatingChoice.values:
        raise ValidationFailed(_("Choose satisfied, basically satisfied or unsatisfied."),
                               field="rating")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(_("Please keep the comment under %(max)d characters.")
                               % {"max": COMMENT_MAX}, field="comment")
    if CitizenRating.objects.filter(report=report).exists():
        raise TransitionNotAllowed(_("You have already rated this case. Thank you."),
                                   code="already_rated")
    case = case_followed(report.case)
    if case.status not in DONE_CASE:
        raise TransitionNotAllowed(_("You can rate the outcome once the case is finished."),
                                   code="not_finished", status=case.status)
    citizen_rating = CitizenRating.objects.create(report=report, case=case, cycle=case.cycle,
                                                  rating=rating, comment=comment, rated_at=now)
    bus.publish(CaseChanged(case_id=case.pk, at=now))
    return citizen_rating
