"""Personal data (phone and ID numbers) is shown masked unless the viewer's role needs it.

The role part lives here; whether a grid worker or initiator owns a given case (and so sees
the reporter's full data) is decided by the cases app on top of `may_see_personal_data`.
"""

from __future__ import annotations

from typing import Any

from huying.org.models import Membership, Role

FULL_VIEW_ROLES = (Role.SUPERVISOR, Role.ADMIN)


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


def may_see_personal_data(user: Any) -> bool:
    """Supervisors and administrators see full personal data; everyone else sees masks
    (except a case's own grid worker or initiator — the cases app adds that)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=FULL_VIEW_ROLES, active=True).exists()
