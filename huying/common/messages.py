"""Stored texts are message keys with parameters; they are rendered when read.

A notification, a slip or a scheme name outlives the request that wrote it: whoever reads it
later may read another language, and a database written while translations were missing
must not keep English forever. So what is stored is the English msgid and its parameters,
as JSON, and the reader's active language renders it:

    title = message(gettext_noop("Case %(number)s is overdue"), number=case.number)
    str(title)          # "案件 … 已超时" under zh-hans

Three shapes of the JSON form (`Message.data`):

    {"key": msgid, "params": {name: value}}   translated, then `%`-formatted
    {"text": "..."}                             a literal (people's own words, old rows)
    {"join": [part, ...], "sep": "\\n"}         parts rendered and joined

A parameter is a str, int, float, bool or None, or itself a message (stored as its JSON)
when the parameter is translatable, e.g. a status label. A lazy translation (a choice's
label) becomes a message of its msgid. `MessageField` stores a `Message` in a JSON column.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext

log = logging.getLogger(__name__)

Param = str | int | float | bool | None | Decimal | Promise
JsonMessage = dict[str, Any]


class Message:
    """An immutable stored text; `str()` renders it in the active language."""

    __slots__ = ("data",)

    def __init__(self, data: JsonMessage) -> None:
        _check(data)
        object.__setattr__(self, "data", data)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Message is immutable")

    def __str__(self) -> str:
        return render(self.data)

    def __repr__(self) -> str:
        return f"Message({self.data!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and other.data == self.data

    def __hash__(self) -> int:
        return hash(json.dumps(self.data, sort_keys=True, ensure_ascii=False))

    def __bool__(self) -> bool:
        # An empty literal is "no text" (`{% if slip.recipients %}`); any key is text.
        return not ("text" in self.data and not self.data["text"])

    def __deepcopy__(self, memo: dict) -> Message:
        return self  # immutable; model instances are deep-copied by Django's tests and forms

    @property
    def key(self) -> str | None:
        return self.data.get("key")

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.data.get("params", {}))


def message(key: str, /, **params: Param | Message) -> Message:
    """A translatable text: `key` is an English msgid marked with `gettext_noop` so that
    `makemessages` extracts it; `params` fill its `%(name)s` placeholders when read."""
    data: JsonMessage = {"key": str(key)}
    if params:
        data["params"] = {name: _param(value) for name, value in params.items()}
    return Message(data)


def literal(text: str) -> Message:
    """A text shown as it is in every language: what a person typed, an old stored row."""
    return Message({"text": str(text)})


def join(parts: Iterable[Message | str], sep: str = "\n") -> Message:
    """Parts rendered one by one and joined, e.g. the lines of a prompt slip's digest."""
    return Message({"join": [as_message(p).data for p in parts], "sep": sep})


def as_message(value: Message | Promise | str | None) -> Message:
    """Callers may still pass plain text (their own words); it is stored as a literal."""
    if isinstance(value, Message):
        return value
    if isinstance(value, Promise):
        return Message(_param(value))
    return literal("" if value is None else value)


def empty() -> JsonMessage:
    """The default of a blank `MessageField`: an empty literal."""
    return {"text": ""}


def render(stored: Message | Mapping[str, Any] | str | None) -> str:
    """The text in the active language. Never raises: a translation whose placeholders do
    not match its parameters falls back to the English msgid, so a bad catalogue cannot
    break a page."""
    if stored is None:
        return ""
    if isinstance(stored, Message):
        stored = stored.data
    if isinstance(stored, str):
        return stored
    if "text" in stored:
        return str(stored["text"])
    if "join" in stored:
        return str(stored.get("sep", "\n")).join(render(p) for p in stored["join"])
    key = str(stored.get("key", ""))
    params = {name: render(v) if isinstance(v, dict) else v
              for name, v in stored.get("params", {}).items()}
    translated = gettext(key) if key else ""
    if not params:
        return translated
    try:
        return translated % params
    except (KeyError, ValueError, TypeError):
        log.warning("translation of %r does not fit its parameters %r", key, params)
        try:
            return key % params
        except (KeyError, ValueError, TypeError):
            return key


def _param(value: Any) -> Any:
    if isinstance(value, Message):
        return value.data
    if isinstance(value, Promise):
        # A lazy gettext proxy (a choice's label) keeps its msgid in its arguments; store
        # the msgid so the label is translated when read, not now.
        args = getattr(value, "_args", ())
        if len(args) == 1 and isinstance(args[0], str):
            return {"key": args[0]}
        return {"text": str(value)}
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a message parameter must be text, a number or a message, "
                    f"not {type(value).__name__}")


def _check(data: Any) -> None:
    if not isinstance(data, dict) or not ({"key", "text", "join"} & data.keys()):
        raise ValueError(f"not a stored message: {data!r}")


class MessageFormField(forms.CharField):
    """In the admin a stored message is edited as plain text: what is typed is a literal."""

    widget = forms.Textarea

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Message):
            return str(value)
        if isinstance(value, dict):
            return render(value)
        return value

    def to_python(self, value: Any) -> Message:  # type: ignore[override]
        return literal(super().to_python(value))

    def validate(self, value: Any) -> None:
        # "Required" means some text: an empty literal is as empty as "".
        super().validate(str(value) if value else "")


class MessageField(models.JSONField):
    """A `Message` in a JSON column. Reading gives a `Message`; writing takes a `Message`
    or plain text (stored as a literal)."""

    def from_db_value(self, value, expression, connection):
        data = super().from_db_value(value, expression, connection)
        return self.to_python(data)

    def to_python(self, value: Any) -> Message | None:
        if value is None or isinstance(value, Message):
            return value
        if isinstance(value, dict):
            return Message(value)
        return literal(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Message | str):
            value = as_message(value).data
        return super().get_prep_value(value)

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        if isinstance(value, Message | str):
            value = as_message(value).data
        super().validate(value, model_instance)

    def value_to_string(self, obj: models.Model) -> Any:
        value = self.value_from_object(obj)
        return value.data if isinstance(value, Message) else value

    def formfield(self, **kwargs: Any) -> forms.Field:
        kwargs.setdefault("form_class", MessageFormField)
        kwargs.setdefault("required", not self.blank)
        return models.Field.formfield(self, **kwargs)
