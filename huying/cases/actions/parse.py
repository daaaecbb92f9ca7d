"""One way from submitted data to an action's input: a JSON object from the API, or the
fields of a page's form. Both end in the same schema, so both accept and refuse the same
values with the same messages."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from pydantic import ValidationError

from huying.cases.actions.base import Action
from huying.common.errors import ValidationFailed, input_errors

TRUE_WORDS = ("on", "true", "1", "yes")


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation))
    return False


def _is_bool(annotation: Any) -> bool:
    if annotation is bool:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return bool in typing.get_args(annotation)
    return False


def form_data(action: Action, post: Any) -> dict[str, Any]:
    """The page's posted fields as the schema expects them: lists from repeated fields, a
    checkbox as true or false (a required yes/no, such as a decision, stays absent until
    chosen), an empty field as absent (so the schema's default applies or "required" is
    said)."""
    data: dict[str, Any] = {}
    for name, info in action.input.model_fields.items():
        key = info.alias or name
        if _is_list(info.annotation):
            if key in post:
                data[key] = [v for v in post.getlist(key) if v.strip()]
        elif _is_bool(info.annotation):
            raw = (post.get(key) or "").strip().lower()
            if raw or not info.is_required():
                # An unticked checkbox is not sent at all: for an optional flag, "no".
                data[key] = raw in TRUE_WORDS
        else:
            raw = (post.get(key) or "").strip()
            if raw:
                data[key] = raw
    return data


def parse(action: Action, data: Mapping[str, Any] | Any) -> Any:
    """The action's input, or `ValidationFailed` naming the first bad field (and all of them
    in `fields`)."""
    if not isinstance(data, Mapping):
        raise ValidationFailed(_("The request body must be a JSON object."), field="body")
    try:
        return action.input.model_validate(dict(data))
    except ValidationError as error:
        rows = input_errors(error.errors(include_url=False))
        for row in rows:
            # Named as the page names the field, so the message stands on its own too.
            widget = action.widgets.get(row["field"])
            if widget is not None:
                row["message"] = _("%(label)s: %(message)s") % {
                    "label": widget.label, "message": row["message"]}
        first = rows[0]
        raise ValidationFailed(first["message"], field=first["field"], fields=rows) from None
