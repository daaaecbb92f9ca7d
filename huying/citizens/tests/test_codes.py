"""One-time codes: format, hashing, expiry, tries, and the limits per phone and address."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huying.citizens import services
from huying.citizens.models import PhoneCode
from huying.citizens.sms import SmsNotSent
from huying.citizens.tests.conftest import PHONE, last_code
from huying.common.errors import ValidationFailed


def test_a_code_is_six_digits_sent_by_the_backend_and_stored_hashed(world, now, sms_outbox):
    row = services.phone_code_request(phone="+86 138-0013-8000", client_ip="10.0.0.1", now=now)
    assert row.phone == PHONE and row.expires_at == now + timedelta(minutes=5)
    code = last_code(sms_outbox)
    assert sms_outbox[0][1].startswith("【呼应】验证码 ") and "5 分钟内有效" in sms_outbox[0][1]
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert services.phone_code_confirm(phone=PHONE, code=code, now=now) == PHONE
    # used once only
    with pytest.raises(ValidationFailed):
        services.phone_code_confirm(phone=PHONE, code=code, now=now)


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "23800138000", "abc", ""])
def test_a_number_that_is_not_a_mainland_mobile_is_refused_and_nothing_sent(
        world, now, sms_outbox, phone):
    with pytest.raises(ValidationFailed) as error:
        services.phone_code_request(phone=phone, client_ip="10.0.0.1", now=now)
    assert error.value.details["field"] == "phone"
    assert not sms_outbox and not PhoneCode.objects.exists()


def test_a_code_expires_after_five_minutes(world, now, sms_outbox):
    services.phone_code_request(phone=PHONE, client_ip="", now=now)
    code = last_code(sms_outbox)
    with pytest.raises(ValidationFailed, match="已过期"):
        services.phone_code_confirm(phone=PHONE, code=code, now=now + timedelta(minutes=5))


def test_five_wrong_tries_spend_the_code(world, now, sms_outbox):
    services.phone_code_request(phone=PHONE, client_ip="", now=now)
    code = last_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationFailed, match=f"还可以再试 {left} 次"):
            services.phone_code_confirm(phone=PHONE, code=wrong, now=now)
    with pytest.raises(ValidationFailed, match="次数过多"):
        services.phone_code_confirm(phone=PHONE, code=wrong, now=now)
    assert PhoneCode.objects.get().tries == 5
    with pytest.raises(ValidationFailed, match="次数过多"):  # even the right code now
        services.phone_code_confirm(phone=PHONE, code=code, now=now)


def test_a_new_code_replaces_the_earlier_one(world, now, sms_outbox):
    services.phone_code_request(phone=PHONE, client_ip="", now=now)
    first = last_code(sms_outbox)
    services.phone_code_request(phone=PHONE, client_ip="", now=now + timedelta(minutes=2))
    second = last_code(sms_outbox)
    if first != second:
        with pytest.raises(ValidationFailed):
            services.phone_code_confirm(phone=PHONE, code=first, now=now + timedelta(minutes=2))
    assert services.phone_code_confirm(phone=PHONE, code=second,
                                       now=now + timedelta(minutes=2)) == PHONE


def test_one_code_a_minute_and_five_an_hour_per_phone(world, now, sms_outbox):
    services.phone_code_request(phone=PHONE, client_ip="", now=now)
    with pytest.raises(services.RateLimited, match="请 30 秒后") as error:
        services.phone_code_request(phone=PHONE, client_ip="", now=now + timedelta(seconds=30))
    assert error.value.status == 429
    for minute in (1, 2, 3, 4):
        services.phone_code_request(phone=PHONE, client_ip="",
                                    now=now + timedelta(minutes=minute))
    with pytest.raises(services.RateLimited, match="请 55 分钟后"):
        services.phone_code_request(phone=PHONE, client_ip="", now=now + timedelta(minutes=5))
    assert PhoneCode.objects.count() == 5 and len(sms_outbox) == 5
    services.phone_code_request(phone=PHONE, client_ip="",
                                now=now + timedelta(minutes=60, seconds=1))


def test_an_address_is_limited_across_phones(world, now, sms_outbox):
    for i in range(5):
        services.phone_code_request(phone=f"1390000000{i}", client_ip="10.0.0.9", now=now)
    with pytest.raises(services.RateLimited, match="网络"):
        services.phone_code_request(phone="13900000009", client_ip="10.0.0.9", now=now)
    services.phone_code_request(phone="13900000009", client_ip="10.0.0.10", now=now)


def test_a_gateway_that_refuses_keeps_no_code(world, now, settings, monkeypatch):
    def refuse(self, phone, text):
        raise SmsNotSent("gateway down")

    monkeypatch.setattr("huying.citizens.sms.MemoryBackend.send", refuse)
    with pytest.raises(services.SmsFailed):
        services.phone_code_request(phone=PHONE, client_ip="", now=now)
    assert not PhoneCode.objects.exists()


def test_the_logging_backend_writes_the_code_to_the_sms_log(world, now, settings, caplog):
    settings.HUYING_SMS_BACKEND = "huying.citizens.sms.LogBackend"
    with caplog.at_level("INFO", logger="huying.sms"):
        services.phone_code_request(phone=PHONE, client_ip="", now=now)
    (record,) = [r for r in caplog.records if r.name == "huying.sms"]
    assert PHONE in record.getMessage() and "验证码 " in record.getMessage()
