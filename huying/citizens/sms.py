"""Sending a text message (短信): a small interface so that a real SMS gateway can be plugged
in later.

`HUYING_SMS_BACKEND` names a class with `send(phone, text)`; the platform makes one per
message. The default, `LogBackend`, writes the text to the `huying.sms` logger (the demo
reads the code there); `MemoryBackend` keeps the messages in `MemoryBackend.outbox` for
tests. A gateway backend raises `SmsNotSent` when the gateway refuses or cannot be reached:
the code is then not kept and the citizen is told to try again.
"""

from __future__ import annotations

import logging
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("huying.sms")

DEFAULT_BACKEND = "huying.citizens.sms.LogBackend"


class SmsNotSent(Exception):
    """The gateway did not take the message."""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogBackend:
    """Writes each message to the `huying.sms` logger at INFO (development and the demo)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class MemoryBackend:
    """Keeps each message as (phone, text) in `outbox` (tests)."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.outbox.append((phone, text))


def sms_backend() -> SmsBackend:
    path = getattr(settings, "HUYING_SMS_BACKEND", "") or DEFAULT_BACKEND
    return import_string(path)()
