"""The channels the platform starts with (SPEC "1+2+N": each hotline the seeds name on its
own row). `0004_channel_registry` seeded a frozen copy of this list; `channels_seed` adds
the rows that are missing and never changes one the county edited in the admin (the test
county calls it: transactional tests flush the rows the migration seeded)."""

from __future__ import annotations

from typing import Any

from huying.common import memo

# (code, name, kind, hotline number, must answer back). The codes of the first release
# ("12345", "grid", "town" …) are kept, so older cases keep their channel.
CHANNEL_SEED: list[tuple[str, str, str, str, bool]] = [
    ("12345", "12345政务服务便民热线", "hotline", "12345", True),
    ("96119", "96119火灾隐患举报热线", "other_hotline", "96119", True),
    ("12322", "12322防灾减灾热线", "other_hotline", "12322", True),
    ("12333", "12333人社服务热线", "other_hotline", "12333", True),
    ("other_hotline", "其他热线", "other_hotline", "", True),
    ("grid", "网格通", "grid_app", "", False),
    ("city_management", "数字城管", "city_management", "", True),
    ("minsheng_110", "民生110", "minsheng_110", "", True),
    ("petition", "信访", "petition", "", True),
    ("web", "网站和App", "web_app", "", False),
    ("open311", "Open311", "open311", "", True),
    ("town", "镇街上报", "platform", "", False),
]


def channels_seed(*, channel_model: Any, using: str = "default") -> int:
    """Create the seed channels that are missing; answer how many were created."""
    existing = set(channel_model.objects.using(using).values_list("code", flat=True))
    missing = [channel_model(code=code, name=name, kind=kind, hotline_number=number,
                             must_answer_back=answer_back)
               for code, name, kind, number, answer_back in CHANNEL_SEED if code not in existing]
    channel_model.objects.using(using).bulk_create(missing)
    if missing:
        memo.forget("channels")  # bulk_create sends no post_save
    return len(missing)

