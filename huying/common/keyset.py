"""Keyset pagination (翻页游标): the next page starts after the last row shown, found by
the index on (time, id), so page 5,000 costs what page 1 costs — OFFSET makes the database
walk every row before it.

A cursor is opaque to callers: the last row's time and id, base64url-encoded. A cursor
that does not decode is an input error (422), never a 500."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from huying.common.errors import ValidationFailed


@dataclass(frozen=True)
class Cursor:
    at: datetime
    pk: int

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.pk}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, *, field: str = "after") -> Cursor:
        try:
            padded = token + "=" * (-len(token) % 4)
            at, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
            cursor = cls(at=datetime.fromisoformat(at), pk=int(pk))
        except (ValueError, UnicodeDecodeError) as error:
            raise ValidationFailed(_("The page cursor is not valid: start again from the "
                                     "first page."), field=field) from error
        if cursor.at.tzinfo is None or cursor.pk < 0:
            raise ValidationFailed(_("The page cursor is not valid: start again from the "
                                     "first page."), field=field)
        return cursor


def newest_first(rows: QuerySet, time_field: str) -> QuerySet:
    """The order keyset pages need: newest first, ties by id (so no row is skipped)."""
    return rows.order_by(f"-{time_field}", "-pk")


def page_after(rows: QuerySet, time_field: str, limit: int, after: str | None = None,
               offset: int = 0) -> tuple[list, str | None]:
    """Up to `limit` rows of `rows` newest first, after the cursor `after` (or, for older
    callers, after skipping `offset` rows); and the cursor of the next page (None on the
    last). One query: one row more than asked says whether a next page exists."""
    rows = newest_first(rows, time_field)
    if after:
        cursor = Cursor.decode(after)
        rows = rows.filter(Q(**{f"{time_field}__lt": cursor.at})
                           | Q(**{time_field: cursor.at, "pk__lt": cursor.pk}))
    found = list(rows[offset:offset + limit + 1])
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], Cursor(at=getattr(last, time_field), pk=last.pk).encode()
