from __future__ import annotations

from datetime import datetime

import pytest

from huying.cases import services as cs
from huying.cases.models import Case
from huying.cases.tests.conftest import (  # noqa: F401  (fixtures shared with the cases tests)
    api_as,
    fresh_locators,
    now,
    world,
)
from huying.citizens.sms import MemoryBackend
from tests.factories import World

PHONE = "13800138000"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.HUYING_SMS_BACKEND = "huying.citizens.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def last_code(outbox: list[tuple[str, str]], phone: str = PHONE) -> str:
    import re

    text = next(text for to, text in reversed(outbox) if to == phone)
    return re.search(r"验证码 (\d{6})", text).group(1)


def close_case(world: World, case: Case, *, at: datetime,  # noqa: F811
               rating: str = "satisfied") -> Case:
    """A citizen's report taken through the lifecycle by the staff: registered, dispatched to
    D05, replied and closed by the centre's evaluation."""
    supervisor = world.user("supervisor")
    case = cs.case_register(case=case, actor=supervisor, matter_code="M002", now=at)
    (lead,) = cs.case_dispatch(case=case, actor=supervisor, lead=world.dept("D05"), now=at)
    cs.assignment_sign(assignment=lead, actor=world.user("responder_d05"), now=at)
    cs.assignment_reply(assignment=lead, actor=world.user("responder_d05"),
                        result="已更换灯泡，路灯恢复照明。", now=at)
    case.refresh_from_db()
    cs.case_evaluate(case=case, actor=supervisor, stars=4, rating=rating, now=at)
    case.refresh_from_db()
    return case


def png(width: int = 48, height: int = 32) -> bytes:
    """A small solid-colour PNG, built by hand (no imaging library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes((31, 111, 235)) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))
