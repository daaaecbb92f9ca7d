"""The demo county's people: plausible fictional names, phone and ID numbers, and the
memorable usernames the demo prints (`huying demo logins`)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "huying2026"

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "胡",
            "朱", "郭", "何", "林", "高", "于", "曲", "鞠", "毕", "丛", "邹", "姜", "谭", "宋",
            "隋", "梁", "初", "连", "汤", "夏", "程", "田", "董", "袁", "邵", "慕"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "海", "波",
         "玉", "兰", "晓", "东", "红", "文", "志", "鹏", "宁", "雪", "琳", "浩", "婷", "峰",
         "春", "梅", "立", "新", "德", "瑞", "嘉", "欣"]
PHONE_PREFIXES = ["135", "136", "137", "138", "139", "150", "151", "158", "159", "176",
                  "177", "186", "187", "188", "189"]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


class PersonMaker:
    """Names, phones and ID numbers from the generator's random stream (so: reproducible)."""

    def __init__(self, rng: random.Random, county_code: str) -> None:
        self.rng = rng
        self.county_code = county_code
        self.sequence = 0

    def name(self) -> str:
        given = self.rng.choice(GIVEN)
        if self.rng.random() < 0.7:
            given += self.rng.choice(GIVEN)
        return self.rng.choice(SURNAMES) + given

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def id_number(self) -> str:
        """A well-formed 18-character resident ID number (GB 11643 check digit)."""
        self.sequence += 1
        year = self.rng.randint(1960, 2002)
        month = self.rng.randint(1, 12)
        day = self.rng.randint(1, 28)
        body = f"{self.county_code}{year:04d}{month:02d}{day:02d}{self.sequence % 1000:03d}"
        check = ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
        return body + check


# --- memorable usernames --------------------------------------------------------------------------

def town_username(index: int, role: str) -> str:
    """town01_initiator, town01_reviewer, town01_supervisor, town01_contact …"""
    return f"town{index:02d}_{role}"


def community_username(index: int, role: str) -> str:
    return f"comm{index:03d}_{role}"


def department_username(code: str, role: str) -> str:
    """d05_head, d05_deputy, d05_resp1, d05_resp2 …"""
    return f"{code.lower()}_{role}"


def grid_username(index: int) -> str:
    return f"grid{index:04d}"


def part_timer_username(index: int, k: int) -> str:
    return f"grid{index:04d}_p{k}"


def liaison_username(index: int) -> str:
    """The liaison (联络员) of a unit grid."""
    return f"unit{index:04d}"


def volunteer_username(index: int) -> str:
    return f"vol{index:03d}"


ADMIN_USERNAME = "admin"
SUPERVISORS = ["zhihui1", "zhihui2", "zhihui3"]
PARTY_LEADERS = ["dangwei1"]        # 党委分管领导
GOVERNMENT_LEADERS = ["zhengfu1", "zhengfu2"]  # 政府分管领导


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str


def demo_logins(detailed_grid_worker: str | None = None,
                part_timer: str | None = None) -> list[DemoLogin]:
    """One or two sign-ins per role, in the order the demo prints them."""
    rows = [
        DemoLogin(_("Administrator"), ADMIN_USERNAME),
        DemoLogin(_("Supervisor (county command centre)"), SUPERVISORS[0]),
        DemoLogin(_("Supervisor (county command centre)"), SUPERVISORS[1]),
        DemoLogin(_("Party committee leader in charge"), PARTY_LEADERS[0]),
        DemoLogin(_("Government leader in charge"), GOVERNMENT_LEADERS[0]),
        DemoLogin(_("Department head"), department_username("D05", "head")),
        DemoLogin(_("Department deputy head"), department_username("D05", "deputy")),
        DemoLogin(_("Responder"), department_username("D05", "resp1")),
        DemoLogin(_("Responder"), department_username("D25", "resp1")),
        DemoLogin(_("Initiator (town)"), town_username(1, "initiator")),
        DemoLogin(_("Town reviewer"), town_username(1, "reviewer")),
        DemoLogin(_("Supervisor (town command centre)"), town_username(1, "supervisor")),
        DemoLogin(_("Initiator (community)"), community_username(1, "initiator")),
        DemoLogin(_("Grid worker"), grid_username(1)),
    ]
    if detailed_grid_worker:
        rows.append(DemoLogin(_("Grid worker (grid with unit and cell grids)"),
                              detailed_grid_worker))
    if part_timer:
        rows.append(DemoLogin(_("Part-time grid worker"), part_timer))
    if detailed_grid_worker:
        rows.append(DemoLogin(_("Grid liaison (unit grid)"), liaison_username(1)))
    rows.append(DemoLogin(_("Volunteer"), volunteer_username(1)))
    return rows
