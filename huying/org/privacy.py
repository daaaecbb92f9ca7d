"""The masks of personal data (names, phone and ID numbers).

Who may read them unmasked is decided in one place, `cases/access.py`
(`may_see_personal_data`): only those who need to contact the reporter of a case.
"""

from __future__ import annotations


def mask_name(name: str | None) -> str:
    """"张三丰" → "张**": the family name kept."""
    if not name:
        return ""
    return name[:1] + "*" * (len(name) - 1)


def mask_phone(phone: str | None) -> str:
    """"13812345678" → "138****5678"; short numbers keep only their last two digits."""
    if not phone:
        return ""
    phone = phone.strip()
    if len(phone) >= 11:
        return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
    if len(phone) > 4:
        return f"{'*' * (len(phone) - 2)}{phone[-2:]}"
    return "*" * len(phone)


def mask_id_number(id_number: str | None) -> str:
    """"371002198001011234" → "3710**********1234": region prefix and last four kept."""
    if not id_number:
        return ""
    id_number = id_number.strip()
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return f"{id_number[:4]}{'*' * (len(id_number) - 8)}{id_number[-4:]}"
