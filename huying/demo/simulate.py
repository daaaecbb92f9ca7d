"""`huying demo simulate`: weeks or months of plausible activity in the demo county, played
through the case services only, on a simulated clock.

Every report, registration, call, dispatch, signature, reply and evaluation is a call of a
`huying.cases.services` function by an actor who really holds the role and place for it,
so the record (hash-chained events, SLA clocks, warnings and breaches) is exactly what the
platform would have written. Nothing is written to the case tables directly.

The clock: each day of the period gets its reports (`DAY_REPORTS`: grid patrols in office
hours with the lunch dip, the 12345 hotline peaking mid-morning and answering into the evening
and at weekends, town staff; Mondays busier than Fridays, holidays quieter than weekends);
every report then follows a path drawn with fixed probabilities (most end at the grid, a few
reach the county departments, some are called up, returned, extended or reopened). A few
departments run late and a few towns are hard to satisfy, drawn from the seed, so that the
rankings and warnings have something to tell. The steps are kept in a time-ordered queue and
played hour by hour; each hour starts with the SLA sweep and the automatic closing of lapsed
evaluations. The period ends at 18:00 of the last day, or at `now` when the last day is
today: nothing is ever dated after the real clock.

Deterministic: one `random.Random(seed)`, querysets in a fixed order, ties in the queue broken
by insertion order; the wall clock only chooses the default last day and, on that day, where
the clock stops. With a past `until` the same options give the same record at any time.
"""

from __future__ import annotations

import heapq
import random
from calendar import monthrange
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import Point, shape
from shapely.prepared import prep

from huying.analytics.rollups import rollups_refresh_queued
from huying.cases import services as cs
from huying.cases.locating import locator_for
from huying.cases.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseLevel,
    CaseStatus,
    Channel,
    ExtensionRequest,
    Rating,
)
from huying.catalog import selectors as catalog
from huying.catalog.models import LimitUnit, ListKind, MatterType
from huying.common.batch import batch_mode
from huying.common.errors import DomainError, NotOnList, ValidationFailed
from huying.demo import people
from huying.demo.seed import COUNTY_CODE
from huying.gazetteer.models import Place, PlaceKind
from huying.org.models import (
    Department,
    DepartmentKind,
    Level,
    Membership,
    OrgUnit,
    Role,
    User,
    VolunteerMember,
    VolunteerTeam,
)
from huying.supervision.models import Metric, SlaClock
from huying.supervision.sla import sla_sweep_due
from huying.workdays.calendar import WorkCalendar, weekday_rule
from huying.workdays.selectors import work_calendar

REF_PREFIX = "SIM-"  # every simulated case carries an external reference starting with it
DAY_END = time(18, 0)  # the simulated clock stops at this hour of a past last day
Report = Callable[[str], None]
Progress = Callable[[int, int, date, int], None]  # days done, days in all, the day, cases
WEEKS_DEFAULT = 4
WEEKS_RANGE = (1, 104)
MONTHS_RANGE = (1, 24)
PER_DAY_RANGE = (1, 5000)

# The day's reports by kind of day: (source, hours of the day with their weights, how many
# on average). Grid patrols keep office hours and slacken over lunch; the hotline peaks in the
# mid-morning and answers into the evening and at weekends; the towns file in office hours.
# On holidays (and the weekends inside them) patrols thin out and fewer people call.
OFFICE_HOURS = ((8.6, 10.0, 3.0), (10.0, 11.9, 4.0), (11.9, 13.5, 0.8), (13.5, 15.5, 3.5),
                (15.5, 17.4, 2.2))
TOWN_HOURS = ((8.6, 11.9, 3.0), (13.5, 17.2, 2.5))
HOTLINE_HOURS = ((8.0, 9.0, 1.5), (9.0, 11.5, 5.0), (11.5, 13.5, 2.0), (13.5, 17.0, 4.0),
                 (17.0, 18.0, 1.5))
EVENING_HOURS = ((18.0, 20.0, 2.5), (20.0, 22.0, 1.0))
REST_PATROL_HOURS = ((9.0, 12.0, 2.0), (14.0, 16.0, 1.0))
REST_HOTLINE_HOURS = ((8.0, 12.0, 3.0), (12.0, 18.0, 3.5), (18.0, 21.0, 1.5))
DAY_REPORTS = {
    "workday": [("grid", OFFICE_HOURS, 41.0), ("town", TOWN_HOURS, 6.0),
                ("hotline", HOTLINE_HOURS, 12.5), ("hotline", EVENING_HOURS, 3.5)],
    "weekend": [("grid", REST_PATROL_HOURS, 5.5), ("hotline", REST_HOTLINE_HOURS, 8.0)],
    "holiday": [("grid", REST_PATROL_HOURS, 2.5), ("hotline", REST_HOTLINE_HOURS, 6.0)],
}
# `--per-day`: reports on an average working day across the county; the default is today's.
PER_DAY_DEFAULT = round(sum(mean for _s, _h, mean in DAY_REPORTS["workday"]))
# Working days through the week (mean 1 from Monday to Friday): the weekend's backlog comes
# in on Monday, Friday afternoons are quiet; a make-up working weekend day (调休) is light.
WEEKDAY_FACTORS = (1.15, 1.04, 1.0, 0.96, 0.85, 0.9, 0.9)

# Departments that run late: sign and reply after the limit far more often than the others.
LATE_DEPARTMENTS = 3
LATE_SHARE = {"sign": (0.08, 0.45), "reply": (0.07, 0.4)}  # (other departments, late ones)
# Towns whose residents are hard to satisfy: (very, satisfied, basically, unsatisfied).
RATING_WEIGHTS = {"usual": (52, 34, 9, 5), "dissatisfied": (25, 30, 20, 25)}
DISSATISFIED_TOWN_SHARE = 1 / 6  # of the towns, at least one

# How often the matters come up: street lamps, manholes, garbage, noise and disputes lead.
MATTER_WEIGHTS = {
    "M001": 8, "M002": 12, "M003": 6, "M005": 3, "M006": 5, "M008": 12, "M010": 6,
    "M016": 4, "M022": 2, "M026": 2, "M035": 5, "M039": 6, "M040": 2, "M042": 6, "M044": 2,
    "M045": 4, "M046": 3, "M054": 6, "M060": 3, "M065": 3, "M066": 4, "M071": 8, "M072": 3,
    "M073": 7, "M074": 4, "M081": 3, "M084": 3, "M087": 2, "M089": 3, "M092": 3,
}
# Needs beyond government duty, for which a town sounds a rally call (集结号).
RALLY_MATTERS = {"M006": "清理小广告", "M008": "垃圾分类宣传与清运协助",
                 "M046": "河道沟渠垃圾清捞", "M054": "村居环境整治义务劳动",
                 "M081": "入户探访独居老人", "M083": "协助救助流浪乞讨人员",
                 "M086": "陪伴留守儿童", "M073": "文明劝导"}
FALLBACK_DEPARTMENTS = ["D01", "D05", "D11", "D04", "D02"]  # 改派 when the type names no other

PREFIXES = {"grid": ["", "网格巡查发现：", "巡查时居民反映："],
            "hotline": ["市民来电反映：", "群众来电称：", "来电人反映："],
            "town": ["镇街接报：", "群众到便民服务中心反映：", "镇街日常巡查发现："]}
# The channels other than the grid and the towns' own reports, in the proportions a county
# sees (12345 carries most; 数字城管 and 民生110 next): (code, source system, weight, how the
# text opens). A duplicate comes in through another channel than the report it repeats.
INTAKE_CHANNELS = [
    (Channel.HOTLINE_12345, "12345政务服务平台", 58,
     ["市民来电反映：", "群众来电称：", "来电人反映："]),
    (Channel.CITY_MANAGEMENT, "数字城管系统", 12, ["数字城管监督员上报：", "城管巡查上报："]),
    (Channel.MINSHENG_110, "民生110平台", 7, ["民生110转办：", "群众拨打民生110反映："]),
    ("96119", "96119举报平台", 3, ["96119举报：", "群众举报火灾隐患："]),
    ("12322", "12322热线", 2, ["12322来电反映："]),
    ("12333", "12333热线", 3, ["12333来电反映："]),
    (Channel.PETITION, "信访信息系统", 3, ["信访件转办：", "来信反映："]),
    (Channel.WEB, "政府网站留言板", 7, ["网民留言：", "App用户反映："]),
    (Channel.OPEN311, "城市服务App", 3, ["城市服务App用户上报："]),
    (Channel.OTHER_HOTLINE, "其他热线", 2, ["热线转办："]),
]
SUFFIXES = ["", "已持续两三天。", "希望尽快处理。", "周边居民意见较大。",
            "请相关部门尽快核实处理。",
            "此前已反映过一次。", "附近有老人和孩子经过，存在隐患。", "晚上尤其明显。"]
# Hotline callers without a located point: the share of hotline reports that name a place of
# the gazetteer in words only, and the share of those too vague to be located (待定位).
WORDS_ONLY_SHARE = 0.35
VAGUE_SHARE = 0.08
CALLER_PLACE_PHRASES = {
    PlaceKind.COMPOUND: ["{name}{n}号楼", "{name}{n}号楼{u}单元", "{name}小区门口",
                         "{name}东门", "{name}北门附近", "{name}里面"],
    PlaceKind.ROAD: ["{name}{n}号", "{name}与{other}交叉口", "{name}中段", "{name}路边"],
    PlaceKind.LANDMARK: ["{name}门口", "{name}对面", "{name}旁边", "{name}后面"],
    PlaceKind.VILLAGE: ["{name}", "{name}村口", "{name}东头"],
}
# A few callers whose words make a report stability-sensitive (涉稳): the lexicon flags them
# and the centre's board pins them first.
SENSITIVE_SHARE = 0.02
SENSITIVE_ADDITIONS = [
    "来电人情绪激动，称再不解决就组织小区几十户业主一起拉横幅。",
    "来电人称已反映多次无人处理，扬言要从楼顶跳下去。",
    "来电人表示要把视频发到抖音上曝光。",
    "来电人称周边二十多户村民商量明天集体上访。",
]
CALLER_OPENINGS = ["市民来电反映：", "来电人称：", "群众来电：", "来电反映："]
VAGUE_ADDRESSES = ["小区门口", "我家楼下", "路口那边", "菜市场附近", "学校旁边"]
ROADS = ["府前路", "新华街", "海滨路", "人民路", "青山路", "渔港路", "文化路", "建设街",
         "和平路", "成山大道", "石岛路", "龙山路"]
GRID_RESULTS = ["已现场处置完毕，拍照留存。", "已联系物业当场整改。", "已协调当事人现场解决。",
                "已清理完毕，恢复原状。", "已劝导整改，后续持续关注。"]
TOWN_RESULTS = ["镇街已组织力量处置完毕。", "经镇街协调，问题已解决。", "已由镇街综合执法队处置。",
                "社区与镇街联合调解成功，双方签订协议。"]
DEPT_RESULTS = ["已安排人员到场处置完毕，恢复正常。", "经现场核查，已责令整改到位。",
                "已完成维修并回访群众，群众认可。", "已立案查处，并对周边开展排查。"]
PROGRESS_NOTES = ["已联系反映人，安排人员前往现场。", "已到达现场核查情况。",
                  "已制定处置方案，正在施工。", "已通知权属单位配合处置。"]
CALL_REASONS = ["镇街无执法权限，需市级部门处置。", "涉及专业设施维修，镇街无力解决。",
                "多次协调未果，需主管部门介入。"]
RETURN_REASONS = ["经核实不属于本部门职责，建议改派。", "该事项权属单位为其他部门。",
                  "反映地址不在本部门管辖范围。"]
REJECT_REASONS = ["咨询类诉求，已当场解答。", "经核实反映情况不属实。",
                  "重复来电且信息不全，无法受理。"]
DENY_REASONS = ["镇街尚未穷尽处置手段，请先行协调。", "材料不全，请补充现场照片后再呼叫。"]
SEND_BACK_REASONS = ["属镇街职责清单事项，请镇街自行处置。", "建议镇街先行协调处置。"]
ESCALATE_REASONS = ["网格层面无法解决，提请社区协调。", "需社区和镇街协调多方力量。"]
EXTENSION_REASONS = ["需协调施工队伍和材料，申请延期。", "涉及多方权属，需进一步调查取证。"]
SUSPEND_REASONS = ["需等待天气转好后施工。", "涉及诉讼程序，待法院裁决后处置。"]
EVALUATION_COMMENTS = {
    Rating.VERY_SATISFIED: ["处理及时，效果很好。", "响应快，群众满意。"],
    Rating.SATISFIED: ["问题已解决。", "处理到位。"],
    Rating.BASICALLY_SATISFIED: ["基本解决，还需持续关注。", "处理稍慢。"],
    Rating.UNSATISFIED: ["问题仍未解决，现场依旧。", "只做了表面处理，请重新办理。"],
}


@dataclass
class SimCase:
    """What the simulator remembers about one of its cases."""

    case: Case
    source: str                   # grid / hotline / town
    matter: MatterType
    grid: OrgUnit
    showcase: str = ""            # a demo sign-in's queue this case is meant to fill
    channel: str = ""             # the channel it came in through (hotline sources vary)
    excluded: set[int] = field(default_factory=set)  # departments whose return was approved
    call_tried: bool = False
    rallied: bool = False
    resume_at: datetime | None = None


@dataclass(order=True)
class Task:
    when: datetime
    seq: int
    kind: str = field(compare=False)
    sim: SimCase | None = field(compare=False, default=None)
    data: dict[str, Any] = field(compare=False, default_factory=dict)


@dataclass
class SimulationResult:
    refused: str = ""
    days: int = 0
    created: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    actions: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    warnings: int = 0
    breaches: int = 0
    late_departments: list[str] = field(default_factory=list)    # their names
    dissatisfied_towns: list[str] = field(default_factory=list)


@dataclass
class Staff:
    supervisors: list[User]
    grid_workers: dict[int, User]
    town_initiators: dict[int, User]
    town_reviewers: dict[int, User]
    community_initiators: dict[int, User]
    responders: dict[int, list[User]]
    teams: dict[int, list[tuple[VolunteerTeam, list[User]]]]  # by town id


def simulate(*, seed: int = 42, now: datetime, until: date | None = None,
             weeks: int | None = None, months: int | None = None, days: int | None = None,
             per_day: float = PER_DAY_DEFAULT, report: Report = lambda _t: None,
             progress: Progress | None = None,
             county_code: str = COUNTY_CODE) -> SimulationResult:
    """Play `weeks` weeks, `months` calendar months or `days` days (four weeks by default)
    ending on `until` (today by default) in the demo county, with `per_day` reports on an
    average working day. A past `until` ends at 18:00; today ends at `now` (the real clock),
    so that nothing is dated in the future. Bad options raise `ValidationFailed`."""
    first, end = simulation_period(now=now, until=until, weeks=weeks, months=months,
                                   days=days)
    low, high = PER_DAY_RANGE
    if not low <= per_day <= high:
        raise ValidationFailed(_("Reports per working day must be between %(low)d and "
                                 "%(high)d.") % {"low": low, "high": high}, field="per_day")
    county = OrgUnit.objects.filter(code=county_code, level=Level.COUNTY).first()
    if county is None:
        return SimulationResult(refused=_("No demo county yet: run `huying demo seed` first."))
    if Case.objects.filter(county=county, external_ref__startswith=REF_PREFIX).exists():
        return SimulationResult(refused=_(
            "The demo county already holds simulated cases; nothing was simulated."))
    if catalog.list_in_force(county=county, kind=ListKind.CATALOGUE, on=first) is None:
        return SimulationResult(refused=_(
            "No matter catalogue is in force on %(date)s: the simulation cannot start then.")
            % {"date": first})
    # The rollups are refreshed once at the end, a chunk at a time, not after each commit.
    with batch_mode():
        result = Simulator(county=county, seed=seed, start=first, end=end, report=report,
                           progress=progress, scale=per_day / PER_DAY_DEFAULT).run()
    report(_("Updating the figures (rollups)…"))
    rollups_refresh_queued(now=now)
    return result


def simulation_period(*, now: datetime, until: date | None = None, weeks: int | None = None,
                      months: int | None = None, days: int | None = None
                      ) -> tuple[date, datetime]:
    """The first simulated day and the instant the simulated clock stops: 18:00 of
    a past last day, `now` (if earlier) when it is today. A last day after today, both weeks
    and months, or a length out of range is refused."""
    tz = ZoneInfo(settings.TIME_ZONE)
    local_now = now.astimezone(tz)
    today = local_now.date()
    last = until or today
    if last > today:
        raise ValidationFailed(_(
            "The last simulated day %(day)s is after today (%(today)s): the simulation never "
            "runs ahead of the clock.") % {"day": last, "today": today}, field="until")
    if weeks is not None and months is not None:
        raise ValidationFailed(_("Give the length in weeks or in months, not both."),
                               field="months")
    if months is not None:
        low, high = MONTHS_RANGE
        if not low <= months <= high:
            raise ValidationFailed(_("Simulate between %(low)d and %(high)d months.")
                                   % {"low": low, "high": high}, field="months")
        first = months_before(last, months) + timedelta(days=1)
    elif days is not None:
        if days < 1:
            raise ValidationFailed(_("Simulate at least one day."), field="days")
        first = last - timedelta(days=days - 1)
    else:
        weeks = WEEKS_DEFAULT if weeks is None else weeks
        low, high = WEEKS_RANGE
        if not low <= weeks <= high:
            raise ValidationFailed(_("Simulate between %(low)d and %(high)d weeks.")
                                   % {"low": low, "high": high}, field="weeks")
        first = last - timedelta(days=weeks * 7 - 1)
    end = datetime.combine(last, DAY_END, tzinfo=tz)
    if last == today:
        end = min(end, local_now)
    return first, end


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day if it is shorter):
    three months up to 3 December start on 4 September."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


class Simulator:
    def __init__(self, *, county: OrgUnit, seed: int, start: date, end: datetime,
                 report: Report, progress: Progress | None, scale: float) -> None:
        self.county = county
        self.rng = random.Random(f"huying-demo-simulate-{seed}")
        self.names = people.PersonMaker(random.Random(f"huying-demo-callers-{seed}"),
                                        county.code)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.start, self.end = start, end.astimezone(self.tz)
        self.until = self.end.date()
        self.say = report
        self.progress = progress
        self.scale = scale
        self.queue: list[Task] = []
        self.seq = 0
        self.now = datetime.combine(start, time(0), tzinfo=self.tz)
        self.result = SimulationResult()
        self.calendar: WorkCalendar = work_calendar()
        self.refs = Counter()
        self.recent: deque[SimCase] = deque(maxlen=60)  # the reports a duplicate may repeat
        self.showcase_day = self._showcase_day()
        self._load()
        self._cast()

    def _showcase_day(self) -> date:
        """The last working day on which the clock runs past noon: the showcase cases are
        filed at 09:30 and need the morning to reach their queues (a run stopped by the real
        clock at 10:30 shows them from the day before)."""
        day = self.until
        while day > self.start and not (
                self.calendar.is_workday(day)
                and self.end >= datetime.combine(day, time(12, 0), tzinfo=self.tz)):
            day -= timedelta(days=1)
        return day

    # --- the world ----------------------------------------------------------------------------

    def _load(self) -> None:
        county = self.county
        matters = list(catalog.matter_types_in_force(county=county, on=self.start))
        self.matters = {m.code: m for m in matters}
        self.co_departments = {m.code: sorted(m.co_departments.all(), key=lambda d: d.code)
                               for m in matters}
        codes = {kind: catalog.matter_codes_on_list(county=county, kind=kind, on=self.start)
                 for kind in (ListKind.TOWN_DUTY, ListKind.CALL, ListKind.GRID_ADMISSION)}
        self.town_duty = codes[ListKind.TOWN_DUTY]
        self.call_list = codes[ListKind.CALL]
        self.grid_list = codes[ListKind.GRID_ADMISSION]
        ordered = sorted(self.matters)
        self.weights = {code: MATTER_WEIGHTS.get(code, 1) for code in ordered}
        self.grid_codes = [c for c in ordered if c in self.grid_list]
        self.departments = {d.code: d for d in Department.objects.filter(
            unit=county, active=True).exclude(kind=DepartmentKind.CENTRE).order_by("code")}

        units = OrgUnit.objects.filter(path__startswith=county.path, active=True)
        self.parent = dict(units.values_list("pk", "parent_id"))
        self.grids = [g for g in units.filter(level=Level.GRID).order_by("code")
                      if g.geometry]
        self.communities = {u.pk: u for u in units.filter(level=Level.COMMUNITY)}
        self.towns = {u.pk: u for u in units.filter(level=Level.TOWN)}
        self.staff = self._staff()
        self.grids = [g for g in self.grids if g.pk in self.staff.grid_workers]
        self.town_grids: dict[int, list[OrgUnit]] = {}
        for grid in self.grids:
            self.town_grids.setdefault(self.town_of(grid), []).append(grid)
        self.locator = locator_for(county)
        staffed = {g.pk: g for g in self.grids}
        self.places = [p for p in Place.objects.filter(county=county, active=True)
                       .order_by("pk") if p.unit_id in staffed]
        self.roads = [p.name for p in self.places if p.kind == PlaceKind.ROAD] or ROADS
        self.grid_roads: dict[int, list[str]] = {}
        for p in self.places:
            if p.kind == PlaceKind.ROAD:
                self.grid_roads.setdefault(p.unit_id, []).append(p.name)
        self.shapes: dict[int, Any] = {}

    def _cast(self) -> None:
        """The departments that run late, drawn among the busiest leads (a late department
        nobody sends work to would show nothing), and the towns that are hard to satisfy."""
        led = Counter()
        for code, matter in sorted(self.matters.items()):
            if matter.lead_department_id in self.staff.responders:
                led[matter.lead_department_id] += self.weights[code]
        busiest = sorted(led, key=lambda pk: (-led[pk], pk))[:10]
        self.late = set(self.rng.sample(busiest, min(LATE_DEPARTMENTS, len(busiest))))
        towns = [t.pk for t in self.towns_sorted()]
        count = max(1, round(len(towns) * DISSATISFIED_TOWN_SHARE)) if towns else 0
        self.dissatisfied = set(self.rng.sample(towns, count))
        by_pk = {d.pk: d for d in self.departments.values()}
        self.result.late_departments = [by_pk[pk].name for pk in sorted(self.late)
                                        if pk in by_pk]
        self.result.dissatisfied_towns = [t.name for t in self.towns_sorted()
                                          if t.pk in self.dissatisfied]

    def _staff(self) -> Staff:
        users: dict[int, User] = {}
        staff = Staff([], {}, {}, {}, {}, {}, {})
        rows = (Membership.objects.filter(active=True, user__is_active=True)
                .filter(unit__path__startswith=self.county.path)
                .select_related("user", "unit").order_by("user__username", "pk"))
        for m in rows:
            user = users.setdefault(m.user_id, m.user)
            if m.role == Role.GRID_WORKER and m.unit.level == Level.GRID:
                staff.grid_workers.setdefault(m.unit_id, user)
            elif m.role == Role.INITIATOR and m.unit.level == Level.TOWN:
                staff.town_initiators.setdefault(m.unit_id, user)
            elif m.role == Role.TOWN_REVIEWER and m.unit.level == Level.TOWN:
                staff.town_reviewers.setdefault(m.unit_id, user)
            elif m.role == Role.INITIATOR and m.unit.level == Level.COMMUNITY:
                staff.community_initiators.setdefault(m.unit_id, user)
        rows = (Membership.objects.filter(active=True, user__is_active=True,
                                          department__unit=self.county)
                .select_related("user", "department").order_by("user__username", "pk"))
        for m in rows:
            user = users.setdefault(m.user_id, m.user)
            if m.role == Role.SUPERVISOR and m.department.kind == DepartmentKind.CENTRE:
                staff.supervisors.append(user)
            elif m.role == Role.RESPONDER:
                staff.responders.setdefault(m.department_id, []).append(user)
        teams = VolunteerTeam.objects.filter(active=True, unit__path__startswith=self.county.path,
                                             ).select_related("unit").order_by("unit__code", "pk")
        for team in teams:
            members = [users.setdefault(vm.user_id, vm.user) for vm in VolunteerMember.objects
                       .filter(team=team).select_related("user").order_by("user__username")]
            if not members:
                continue
            town = team.unit.pk if team.unit.level == Level.TOWN else self.parent.get(team.unit.pk)
            staff.teams.setdefault(town, []).append((team, members))
        return staff

    def town_of(self, grid: OrgUnit) -> int:
        return self.parent[grid.parent_id]

    # --- the clock ----------------------------------------------------------------------------

    def run(self) -> SimulationResult:
        day = self.start
        total_before = Case.objects.filter(county=self.county).count()
        days = (self.until - self.start).days + 1
        while day <= self.until:
            with transaction.atomic():
                self._plan_day(day)
                midnight = datetime.combine(day, time(0), tzinfo=self.tz)
                for hour in range(24):
                    tick = midnight + timedelta(hours=hour)
                    if tick >= self.end:
                        break
                    self._tick(tick)
                    self._play_until(min(tick + timedelta(hours=1), self.end))
                if day == self.until:
                    self._tick(self.end)  # the last sweep where the clock stops
            self.result.days += 1
            if self.progress is not None:
                self.progress(self.result.days, days, day, self.result.created)
            day += timedelta(days=1)
        self.result.statuses = self._statuses()
        self.result.created = Case.objects.filter(county=self.county).count() - total_before
        clocks = SlaClock.objects.filter(case__county=self.county)
        self.result.warnings = clocks.filter(stage__gte=1).count()
        self.result.breaches = clocks.filter(breached_at__isnull=False).count()
        return self.result

    def _tick(self, tick: datetime) -> None:
        """What the platform's periodic jobs do: the SLA sweep, and closing the cases whose
        evaluation window lapsed."""
        self.now = tick
        sla_sweep_due(now=tick)
        due = (Case.objects.filter(county=self.county, status=CaseStatus.REPLIED,
                                   evaluation_due_at__lte=tick).order_by("pk"))
        for case in due:
            if cs.case_autoclose(case=case, now=tick) is not None:
                self.result.actions["autoclose"] += 1

    def _play_until(self, limit: datetime) -> None:
        while self.queue and self.queue[0].when < limit:
            task = heapq.heappop(self.queue)
            self.now = task.when
            try:
                getattr(self, f"on_{task.kind}")(task)
            except DomainError as error:  # a plan the services refused: kept as a finding
                self.result.errors.append(
                    f"{task.when:%Y-%m-%d %H:%M} {task.kind} "
                    f"{task.sim.case.number if task.sim else ''}: {error.message}")

    def schedule(self, when: datetime, kind: str, sim: SimCase | None = None,
                 **data: Any) -> None:
        when = max(when, self.now + timedelta(seconds=30)).replace(microsecond=0)
        self.seq += 1
        heapq.heappush(self.queue, Task(when, self.seq, kind, sim, data))

    def later(self, low: float, high: float, sim: SimCase | None = None) -> datetime:
        """Some working hours from now, with a little jitter (showcase cases hurry, so
        that they reach the queue they are meant for before the clock stops)."""
        if sim is not None and sim.showcase:
            low, high = 0.05, 0.3
        hours = self.rng.uniform(low, high)
        moment = self.calendar.add(self.now, round(hours, 3), "working_hours")
        return moment + timedelta(seconds=self.rng.randint(0, 240))

    def _statuses(self) -> dict[str, int]:
        counts = Counter(Case.objects.filter(county=self.county).values_list("status",
                                                                             flat=True))
        return {status: counts.get(status, 0) for status in CaseStatus.values}

    # --- the day's reports --------------------------------------------------------------------

    def _plan_day(self, day: date) -> None:
        rng = self.rng
        kind = self.kind_of_day(day)
        factor = self.scale * (WEEKDAY_FACTORS[day.weekday()] if kind == "workday" else 1.0)
        plans: list[tuple[datetime, str]] = []
        for source, hours, mean in DAY_REPORTS[kind]:
            count = round(mean * factor * rng.uniform(0.85, 1.15))
            plans += [(self._moment(day, hours), source) for _ in range(count)]
        for when, source in sorted(plans, key=lambda p: (p[0], p[1])):
            if when < self.end:
                self.schedule(when, "report", source=source)
        if day == self.showcase_day:
            self._plan_showcase(day)

    def kind_of_day(self, day: date) -> str:
        """workday, weekend, or holiday: a rest day in a stretch of rest days that takes in
        a weekday (the official holidays, with the weekends inside them)."""
        if self.calendar.is_workday(day):
            return "workday"
        for step in (-1, 1):
            for offset in range(10):  # no break from work is longer (春节 is eight days)
                current = day + timedelta(days=step * offset)
                if self.calendar.is_workday(current):
                    break
                if weekday_rule(current):
                    return "holiday"
        return "weekend"

    def _moment(self, day: date, hours: tuple[tuple[float, float, float], ...]) -> datetime:
        """A moment of the day in one of the windows, drawn by their weights."""
        start_hour, end_hour, _weight = self.rng.choices(hours, weights=[h[2] for h in hours])[0]
        seconds = self.rng.randint(int(start_hour * 3600), int(end_hour * 3600))
        return datetime.combine(day, time(0), tzinfo=self.tz) + timedelta(seconds=seconds)

    def _plan_showcase(self, day: date) -> None:
        """On the last afternoon, a case in the queue of each memorable demo sign-in."""
        moment = datetime.combine(day, time(9, 30), tzinfo=self.tz)
        sources = {"grid": "grid", "approve": "town", "triage": "town", "sign": "hotline",
                   "rally": "town", "extension": "hotline", "replied": "hotline"}
        for k, (name, source) in enumerate(sources.items()):
            self.schedule(moment + timedelta(minutes=7 * k), "report", source=source,
                          showcase=name)
        # A hotline report just before the clock stops, still waiting for registration.
        stop = min(self.end, datetime.combine(day, DAY_END, tzinfo=self.tz))
        self.schedule(stop - timedelta(minutes=20), "report", source="hotline",
                      showcase="reported")

    def pick_matter(self, codes: list[str] | None = None) -> MatterType:
        codes = codes or sorted(self.matters)
        code = self.rng.choices(codes, weights=[self.weights[c] for c in codes])[0]
        return self.matters[code]

    def point_in(self, grid: OrgUnit) -> tuple[float, float]:
        """A point inside the grid (and located to it), drawn from the simulation's stream."""
        polygon = self.shapes.get(grid.pk)
        if polygon is None:
            geometry = shape(grid.geometry)
            polygon = self.shapes[grid.pk] = (geometry.bounds, prep(geometry))
        (west, south, east, north), prepared = polygon
        for _attempt in range(200):
            lon = round(self.rng.uniform(west, east), 6)
            lat = round(self.rng.uniform(south, north), 6)
            if prepared.contains(Point(lon, lat)) and (
                    self.locator.locate_at_level(lon, lat, Level.GRID) == grid):
                return lon, lat
        ring = grid.geometry["coordinates"][0]
        return ring[0][0], ring[0][1]

    def text_for(self, matter: MatterType, source: str, grid: OrgUnit,
                 duplicate: bool = False, prefixes: list[str] | None = None
                 ) -> tuple[str, str, str]:
        community = self.communities.get(grid.parent_id)
        place = community.name if community else grid.name
        examples = matter.examples or [matter.name]
        body = self.rng.choice(examples)
        # A road of the gazetteer in this grid when it has one (the same twelve roads in
        # every community would contradict the located point).
        road = self.rng.choice(self.grid_roads.get(grid.pk) or [""])
        address = f"{place}{road}{self.rng.randint(1, 299)}号附近"
        prefix = ("又有群众反映同一问题：" if duplicate
                  else self.rng.choice(prefixes or PREFIXES[source]))
        description = f"{prefix}{body}{self.rng.choice(SUFFIXES)}（地点：{address}）"
        return f"{place}{matter.name}", description, address

    def words_only(self, matter: MatterType) -> tuple[OrgUnit, str, str, str]:
        """A hotline report that names a place in words only (or too vaguely to be
        located): the grid it truly lies in, its title, description and address."""
        rng = self.rng
        place = rng.choice(self.places)
        grid = next(g for g in self.grids if g.pk == place.unit_id)
        body = rng.choice(matter.examples or [matter.name])
        opening = rng.choice(CALLER_OPENINGS)
        if rng.random() < VAGUE_SHARE:
            where = rng.choice(VAGUE_ADDRESSES)
            return grid, matter.name, f"{opening}{where}{body}", where
        phrase = rng.choice(CALLER_PLACE_PHRASES.get(place.kind, ["{name}附近"]))
        where = phrase.format(name=place.name, n=rng.randint(1, 30), u=rng.randint(1, 4),
                              other=rng.choice(self.roads))
        if rng.random() < 0.5:
            return grid, f"{place.name}{matter.name}", f"{opening}{where}{body}", where
        return grid, matter.name, f"{opening}在{where}，{body}{rng.choice(SUFFIXES)}", ""

    def external_ref(self, source: str) -> str:
        day = f"{self.now:%Y%m%d}"
        self.refs[(source, day)] += 1
        return f"{REF_PREFIX}{source.upper()}-{day}-{self.refs[(source, day)]:04d}"

    # --- intake -------------------------------------------------------------------------------

    def on_report(self, task: Task) -> None:
        source, showcase = task.data["source"], task.data.get("showcase", "")
        rng = self.rng
        duplicate_of: SimCase | None = None
        if showcase:
            grid, matter = self._showcase_place(showcase)
        elif source == "grid":
            grid = rng.choice(self.grids)
            codes = self.grid_codes if rng.random() < 0.93 else None
            matter = self.pick_matter(codes)
        elif source == "town":
            town = rng.choice(sorted(self.town_grids))
            grid = rng.choice(self.town_grids[town])
            matter = self.pick_matter()
        else:
            candidates = [s for s in self.recent if s.source != "grid"]
            if candidates and rng.random() < 0.07:
                duplicate_of = rng.choice(candidates)
                grid, matter = duplicate_of.grid, duplicate_of.matter
            else:
                grid = rng.choice(self.grids)
                matter = self.pick_matter()
        lon, lat = self.point_in(grid)
        channel, source_system, prefixes = self.channel_for(source, showcase, duplicate_of)
        title, description, address = self.text_for(matter, source, grid,
                                                    duplicate_of is not None, prefixes)
        if (source == "hotline" and not showcase and duplicate_of is None and self.places
                and rng.random() < WORDS_ONLY_SHARE):
            # A caller without a located point: the words alone say where (or fail to).
            grid, title, description, address = self.words_only(matter)
            lon = lat = None
        if source == "hotline" and not showcase and rng.random() < SENSITIVE_SHARE:
            description += rng.choice(SENSITIVE_ADDITIONS)
        if source == "grid":
            actor = self.staff.grid_workers[grid.pk]
        elif source == "town":
            actor = self.staff.town_initiators[self.town_of(grid)]
        else:
            actor = rng.choice(self.staff.supervisors) if rng.random() < 0.3 else None
        name = phone = ""
        if source != "grid":
            name, phone = self.names.name(), self.names.phone()
        case = cs.case_report(actor=actor, county=self.county, channel=channel,
                              title=title, description=description, now=self.now,
                              reporter_name=name, reporter_phone=phone, address=address,
                              longitude=lon, latitude=lat, external_ref=self.external_ref(source),
                              urgent=matter.urgent and rng.random() < 0.3,
                              source_system=source_system)
        self.result.created += 1
        self.result.channels[channel] += 1
        self.result.actions["report"] += 1
        if case.grid_id is not None and case.grid_id != grid.pk:
            # Located by its words elsewhere: the platform's placement is what people see.
            grid = next((g for g in self.grids if g.pk == case.grid_id), grid)
        sim = SimCase(case=case, source=source, matter=matter, grid=grid, showcase=showcase,
                      channel=channel)
        if not showcase:
            self.recent.append(sim)
        if showcase == "reported":
            return  # waits in the centre's queue
        if source == "hotline":
            self.schedule(self.later(0.1, 1.6, sim), "centre_register", sim,
                          duplicate_of=duplicate_of)
        else:
            self.schedule(self.now + timedelta(minutes=rng.randint(1, 6)), "register", sim)

    def channel_for(self, source: str, showcase: str, duplicate_of: SimCase | None
                    ) -> tuple[str, str | None, list[str] | None]:
        """The channel, source system and text openings of a report. Grid and town reports
        are filed on the platform; the rest arrive through the other channels by weight, a
        duplicate through another channel than its original, showcases through 12345."""
        if source == "grid":
            return Channel.GRID, None, None
        if source == "town":
            return Channel.TOWN, None, None
        rows = INTAKE_CHANNELS
        if showcase:
            rows = rows[:1]
        elif duplicate_of is not None:
            rows = [row for row in rows if row[0] != duplicate_of.channel]
        code, system, _weight, prefixes = self.rng.choices(rows, weights=[r[2] for r in rows])[0]
        return code, system, prefixes

    def _showcase_place(self, showcase: str) -> tuple[OrgUnit, MatterType]:
        """Where the showcase cases lie: grid0001's grid, town01, vol001's town."""
        by_name = {u.username: g for g, u in self.staff.grid_workers.items()}
        grids = {g.pk: g for g in self.grids}
        towns = self.towns_sorted()
        town01 = next((t for t in towns if self.staff.town_initiators.get(t.pk) is not None
                       and self.staff.town_initiators[t.pk].username
                       == people.town_username(1, "initiator")), towns[0])
        if showcase == "grid":
            grid = grids.get(by_name.get(people.grid_username(1)), self.grids[0])
            return grid, self.matters["M002"]
        if showcase == "sign":
            return self.rng.choice(self.grids), self.matters["M002"]
        if showcase in ("extension", "replied"):
            return self.rng.choice(self.grids), self.matters["M039"]
        if showcase == "reported":
            return self.rng.choice(self.grids), self.matters["M073"]
        if showcase == "rally":
            volunteer = people.volunteer_username(1)
            town = next((self.towns[t] for t, teams in sorted(self.staff.teams.items())
                         if t in self.town_grids and any(
                             m.username == volunteer for _team, ms in teams for m in ms)),
                        None)
            if town is None:
                town = next((t for t in towns if self.staff.teams.get(t.pk)), town01)
            return self.town_grids[town.pk][0], self.matters["M081"]
        return self.town_grids[town01.pk][0], self.matters["M039"]

    def towns_sorted(self) -> list[OrgUnit]:
        return sorted((self.towns[t] for t in self.town_grids), key=lambda t: t.code)

    def on_register(self, task: Task) -> None:
        sim = task.sim
        actor = self.reporter_of(sim)
        if sim.source == "grid" and sim.matter.code not in self.grid_list:
            # Outside the grid admission list a grid worker may only report; the town
            # registers it (网格准入).
            actor = self.initiator(sim)
        sim.case = cs.case_register(case=sim.case, actor=actor, matter_code=sim.matter.code,
                                    now=self.now)
        self.result.actions["register"] += 1
        if sim.showcase == "grid":
            return  # waits in grid0001's queue
        if sim.source == "grid":
            self.schedule(self.later(0.1, 3.0, sim), "grid_handle", sim)
        else:
            self.schedule(self.later(0.2, 6.0, sim), "town_decide", sim)

    def reporter_of(self, sim: SimCase) -> User:
        if sim.source == "grid":
            return self.staff.grid_workers[sim.grid.pk]
        return self.initiator(sim)

    def initiator(self, sim: SimCase) -> User:
        return self.staff.town_initiators[self.town_of(sim.grid)]

    def supervisor(self) -> User:
        return self.rng.choice(self.staff.supervisors)

    def on_centre_register(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        actor = self.supervisor()
        original: SimCase | None = task.data.get("duplicate_of")
        if original is not None:
            target = Case.objects.get(pk=original.case.pk)
            if target.status not in (CaseStatus.REJECTED, CaseStatus.MERGED):
                sim.case = cs.case_merge(case=sim.case, into=target, actor=actor, now=self.now)
                self.result.actions["merge"] += 1
                return
        if not sim.showcase and rng.random() < 0.06:
            sim.case = cs.case_reject(case=sim.case, actor=actor, now=self.now,
                                      reason=rng.choice(REJECT_REASONS))
            self.result.actions["reject"] += 1
            return
        # A case its words did not locate (待定位) is put on its grid by the supervisor,
        # who called the reporter back.
        unit = sim.grid if sim.case.grid_id is None else None
        sim.case = cs.case_register(case=sim.case, actor=actor, matter_code=sim.matter.code,
                                    now=self.now, unit=unit)
        self.result.actions["register"] += 1
        if unit is not None:
            self.result.actions["located_by_hand"] += 1
        to_town = sim.matter.code in self.town_duty and rng.random() < 0.85
        if not sim.showcase and (to_town or rng.random() < 0.5):
            # The centre hands simple hotline matters to the town (handled at town level).
            sim.case = cs.case_handle_locally(case=sim.case, actor=actor, now=self.now)
            self.result.actions["handle_locally"] += 1
            self.schedule(self.later(0.3, 6.0, sim), "town_decide", sim)
        else:
            self.schedule(self.later(0.1, 2.0, sim), "triage", sim)

    # --- the three-level response -------------------------------------------------------------

    def on_grid_handle(self, task: Task) -> None:
        sim = task.sim
        if sim.matter.code not in self.grid_list:
            # Not a grid matter: the town takes it on.
            self.schedule(self.later(0.3, 4.0, sim), "town_decide", sim)
            return
        worker = self.staff.grid_workers[sim.grid.pk]
        sim.case = cs.case_handle_locally(case=sim.case, actor=worker, now=self.now)
        self.result.actions["handle_locally"] += 1
        self.schedule(self.later(0.5, 14.0, sim), "grid_finish", sim)

    def on_grid_finish(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        worker = self.staff.grid_workers[sim.grid.pk]
        if rng.random() < 0.88:
            sim.case = cs.case_resolve_locally(case=sim.case, actor=worker, now=self.now,
                                               result=rng.choice(GRID_RESULTS))
            self.result.actions["resolve_locally"] += 1
            return
        sim.case = cs.case_escalate(case=sim.case, actor=worker, now=self.now,
                                    reason=rng.choice(ESCALATE_REASONS))
        self.result.actions["escalate"] += 1
        if sim.case.level == CaseLevel.TOWN:
            self.schedule(self.later(0.5, 8.0, sim), "town_decide", sim)
        else:
            self.schedule(self.later(0.5, 10.0, sim), "community_finish", sim)

    def on_community_finish(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        actor = (self.staff.community_initiators.get(sim.grid.parent_id)
                 or self.staff.grid_workers[sim.grid.pk])
        if rng.random() < 0.55:
            sim.case = cs.case_resolve_locally(case=sim.case, actor=actor, now=self.now,
                                               result="社区协调处置完毕。")
            self.result.actions["resolve_locally"] += 1
            return
        sim.case = cs.case_escalate(case=sim.case, actor=actor, now=self.now,
                                    reason="社区协调未果，提请镇街处置。")
        self.result.actions["escalate"] += 1
        self.schedule(self.later(0.5, 8.0, sim), "town_decide", sim)

    def on_town_decide(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        initiator = self.initiator(sim)
        code = sim.matter.code
        p_call = {"town": 0.4, "grid": 0.5, "hotline": 0.2}[sim.source]
        if sim.showcase in ("approve", "triage") or (
                code in self.call_list and rng.random() < p_call):
            self.call(sim, initiator)
            return
        if code in self.town_duty and rng.random() < 0.2:
            self.call(sim, initiator)  # refused by the lists, on the record
        if sim.case.status == CaseStatus.REGISTERED:
            sim.case = cs.case_handle_locally(case=sim.case, actor=initiator, now=self.now)
            self.result.actions["handle_locally"] += 1
        self.schedule(self.later(2.0, 30.0, sim), "town_finish", sim)

    def call(self, sim: SimCase, initiator: User) -> bool:
        sim.call_tried = True
        try:
            sim.case = cs.case_call(case=sim.case, actor=initiator, now=self.now,
                                    reason=self.rng.choice(CALL_REASONS))
        except NotOnList:
            self.result.actions["call_refused"] += 1
            sim.case = Case.objects.get(pk=sim.case.pk)
            return False
        self.result.actions["call"] += 1
        if sim.showcase != "approve":
            self.schedule(self.later(1.0, 10.0, sim), "review", sim)
        return True

    def on_town_finish(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        initiator = self.initiator(sim)
        teams = self.staff.teams.get(self.town_of(sim.grid))
        if teams and not sim.rallied and (
                sim.showcase == "rally" or (sim.matter.code in RALLY_MATTERS
                                            and rng.random() < 0.35)):
            sim.rallied = True
            rally = cs.case_rally(case=sim.case, actor=initiator, now=self.now,
                                  need=RALLY_MATTERS.get(sim.matter.code, "志愿服务"),
                                  points=rng.choice([5, 10, 15, 20]))
            self.result.actions["rally"] += 1
            if sim.showcase != "rally":
                team, members = rng.choice(teams)
                self.schedule(self.now + timedelta(hours=rng.uniform(1, 20)), "rally_claim",
                              sim, rally=rally, team=team, members=members)
            return
        if (not sim.call_tried and sim.matter.code in self.call_list and rng.random() < 0.06):
            self.call(sim, initiator)  # tried locally, could not solve it
            return
        sim.case = cs.case_resolve_locally(case=sim.case, actor=initiator, now=self.now,
                                           result=rng.choice(TOWN_RESULTS))
        self.result.actions["resolve_locally"] += 1

    def on_rally_claim(self, task: Task) -> None:
        team, members = task.data["team"], task.data["members"]
        rally = cs.rally_claim(rally=task.data["rally"], actor=members[0], team=team,
                               now=self.now)
        self.result.actions["rally_claim"] += 1
        self.schedule(self.now + timedelta(hours=self.rng.uniform(3, 30)), "rally_complete",
                      task.sim, rally=rally, members=members)

    def on_rally_complete(self, task: Task) -> None:
        members = task.data["members"]
        chosen = self.rng.sample(members, self.rng.randint(1, len(members)))
        cs.rally_complete(rally=task.data["rally"], actor=members[0],
                          participants=sorted(chosen, key=lambda u: u.username),
                          outcome=f"{len(chosen)}名志愿者参与，服务完成。", now=self.now)
        self.result.actions["rally_complete"] += 1
        self.schedule(self.later(0.5, 6.0, task.sim), "town_finish", task.sim)

    def on_review(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        reviewer = self.staff.town_reviewers[self.town_of(sim.grid)]
        if sim.showcase or rng.random() < 0.88:
            sim.case = cs.case_call_approve(case=sim.case, actor=reviewer, now=self.now,
                                            comment="同意呼叫。")
            self.result.actions["call_approve"] += 1
            if sim.showcase:
                return  # waits in the centre's triage queue
            self.schedule(self.later(0.2, 4.0, sim), "triage", sim)
        else:
            sim.case = cs.case_call_deny(case=sim.case, actor=reviewer, now=self.now,
                                         reason=rng.choice(DENY_REASONS))
            self.result.actions["call_deny"] += 1
            self.schedule(self.later(2.0, 20.0, sim), "town_finish", sim)

    # --- the command centre -------------------------------------------------------------------

    def on_triage(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        actor = self.supervisor()
        if sim.matter.code in self.town_duty or (
                sim.source != "hotline" and not sim.excluded and rng.random() < 0.04):
            if sim.case.status == CaseStatus.REGISTERED:
                sim.case = cs.case_triage(case=sim.case, actor=actor, now=self.now)
                self.result.actions["triage"] += 1
            sim.case = cs.case_send_back(case=sim.case, actor=actor, now=self.now,
                                         reason=rng.choice(SEND_BACK_REASONS))
            self.result.actions["send_back"] += 1
            self.schedule(self.later(2.0, 20.0, sim), "town_finish", sim)
            return
        sim.case = cs.case_triage(case=sim.case, actor=actor, now=self.now,
                                  sensitive=True if rng.random() < 0.03 else None)
        self.result.actions["triage"] += 1
        self.schedule(self.later(0.05, 1.5, sim), "dispatch", sim)

    def lead_for(self, sim: SimCase) -> Department:
        lead = sim.matter.lead_department
        if lead.pk not in sim.excluded:
            return lead
        options = [*(d for d in self.co_departments[sim.matter.code]
                     if d.kind != DepartmentKind.CENTRE),
                   *(self.departments[c] for c in FALLBACK_DEPARTMENTS if c in self.departments)]
        return next(d for d in options if d.pk not in sim.excluded)

    def on_dispatch(self, task: Task) -> None:
        sim = task.sim
        lead = self.lead_for(sim)
        # The catalogue names the command centre itself as co-handler of some matters (D30
        # for 群体性事件苗头), but a centre cannot take assignments: leave it out.
        co = [d for d in self.co_departments[sim.matter.code]
              if d.pk != lead.pk and d.pk not in sim.excluded and d.active
              and d.kind != DepartmentKind.CENTRE]
        assignments = cs.case_dispatch(case=sim.case, actor=self.supervisor(), lead=lead, co=co,
                                       now=self.now, instructions="请按时限办理并反馈。")
        self.result.actions["dispatch"] += 1
        sim.case = Case.objects.get(pk=sim.case.pk)
        for assignment in assignments:
            self.plan_assignment(sim, assignment)

    # --- departments --------------------------------------------------------------------------

    def clocks(self, assignment: Assignment) -> dict[str, SlaClock]:
        return {c.metric: c for c in SlaClock.objects.filter(
            assignment=assignment, cycle=assignment.cycle)}

    def at_fraction(self, clock: SlaClock, fraction: float) -> datetime:
        """The moment when `fraction` of the clock's span (start to its current due time)
        has passed; off-hours moments move to the next working instant unless the limit
        runs in natural hours (urgent matters are signed for around the clock)."""
        moment = clock.started_at + (clock.due_at - clock.started_at) * fraction
        if clock.limit_unit == LimitUnit.NATURAL_HOURS:
            return moment
        return self.calendar.next_working_instant(moment)

    def plan_assignment(self, sim: SimCase, assignment: Assignment) -> None:
        rng = self.rng
        clocks = self.clocks(assignment)
        late = rng.random() < self.late_share("sign", assignment)
        fraction = rng.uniform(1.1, 2.5) if late else rng.uniform(0.05, 0.7)
        when = self.at_fraction(clocks["sign"], fraction)
        if sim.showcase == "sign":
            return  # waits in the department's to-sign queue
        if sim.showcase:
            when = self.now + timedelta(minutes=rng.randint(5, 30))
        elif assignment.role == AssignmentRole.LEAD and rng.random() < 0.04:
            self.schedule(when, "request_return", sim, assignment=assignment)
            return
        self.schedule(when, "sign", sim, assignment=assignment)

    def late_share(self, step: str, assignment: Assignment) -> float:
        usual, late = LATE_SHARE[step]
        return late if assignment.department_id in self.late else usual

    def responder(self, assignment: Assignment) -> User:
        return self.rng.choice(self.staff.responders[assignment.department_id])

    def fresh(self, assignment: Assignment, *statuses: str) -> Assignment | None:
        assignment = Assignment.objects.select_related("department").get(pk=assignment.pk)
        return assignment if assignment.status in statuses else None

    def on_sign(self, task: Task) -> None:
        sim = task.sim
        assignment = self.fresh(task.data["assignment"], AssignmentStatus.PENDING)
        if assignment is None:
            return
        assignment = cs.assignment_sign(assignment=assignment, actor=self.responder(assignment),
                                        now=self.now)
        self.result.actions["sign"] += 1
        self.plan_handling(sim, assignment)

    def plan_handling(self, sim: SimCase, assignment: Assignment) -> None:
        rng = self.rng
        lead = assignment.role == AssignmentRole.LEAD
        if lead and sim.showcase == "extension":
            self.schedule(self.now + timedelta(minutes=20), "request_extension", sim,
                          assignment=assignment)
            return
        if sim.showcase == "replied":
            self.schedule(self.now + timedelta(minutes=rng.randint(30, 60)), "reply", sim,
                          assignment=assignment)
            return
        clock = SlaClock.objects.get(assignment=assignment, cycle=assignment.cycle,
                                     metric=Metric.RESPOND)
        respond_at = max(self.at_fraction(clock, rng.uniform(0.1, 0.8)),
                         self.now + timedelta(minutes=rng.randint(10, 90)))
        self.schedule(respond_at, "progress", sim, assignment=assignment)
        if lead and rng.random() < 0.02:
            self.schedule(respond_at + timedelta(hours=1), "request_return", sim,
                          assignment=assignment)
            return
        if lead and rng.random() < 0.06:
            self.schedule(respond_at + timedelta(hours=rng.uniform(1, 6)), "request_extension",
                          sim, assignment=assignment)
            return
        if lead and not sim.resume_at and rng.random() < 0.03:
            self.schedule(respond_at + timedelta(hours=rng.uniform(1, 8)), "suspend", sim,
                          assignment=assignment)
            return
        self.plan_reply(sim, assignment, after=respond_at)

    def plan_reply(self, sim: SimCase, assignment: Assignment,
                   after: datetime | None = None) -> None:
        rng = self.rng
        clock = SlaClock.objects.get(assignment=assignment, cycle=assignment.cycle,
                                     metric=Metric.COMPLETE)
        lead = assignment.role == AssignmentRole.LEAD
        late = rng.random() < self.late_share("reply", assignment)
        fraction = (rng.uniform(1.05, 1.8) if late
                    else rng.uniform(0.3, 0.95) if lead else rng.uniform(0.15, 0.7))
        when = max(self.at_fraction(clock, fraction),
                   (after or self.now) + timedelta(minutes=rng.randint(30, 240)))
        self.schedule(when, "reply", sim, assignment=assignment)

    def on_progress(self, task: Task) -> None:
        assignment = self.fresh(task.data["assignment"], AssignmentStatus.SIGNED)
        if assignment is None:
            return
        cs.assignment_progress(assignment=assignment, actor=self.responder(assignment),
                               note=self.rng.choice(PROGRESS_NOTES), now=self.now)
        self.result.actions["progress"] += 1

    def on_reply(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        assignment = self.fresh(task.data["assignment"], AssignmentStatus.SIGNED)
        if assignment is None:
            return
        case = Case.objects.get(pk=sim.case.pk)
        if case.is_suspended:  # replies wait for the resumption
            self.schedule((sim.resume_at or self.now) + timedelta(hours=rng.uniform(1, 24)),
                          "reply", sim, assignment=assignment)
            return
        cs.assignment_reply(assignment=assignment, actor=self.responder(assignment),
                            result=rng.choice(DEPT_RESULTS), now=self.now)
        self.result.actions["reply"] += 1
        sim.case = Case.objects.get(pk=sim.case.pk)
        if sim.case.status == CaseStatus.REPLIED and not sim.showcase and rng.random() < 0.85:
            self.schedule(self.later(0.3, 18.0, sim), "evaluate", sim)

    def on_request_return(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        assignment = self.fresh(task.data["assignment"], AssignmentStatus.PENDING,
                                AssignmentStatus.SIGNED)
        if assignment is None:
            return
        to_town = sim.matter.code in self.town_duty
        assignment = cs.assignment_request_return(
            assignment=assignment, actor=self.responder(assignment), now=self.now,
            reason=rng.choice(RETURN_REASONS), to_town=to_town)
        self.result.actions["request_return"] += 1
        self.schedule(self.later(0.3, 5.0, sim), "decide_return", sim, assignment=assignment)

    def on_decide_return(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        assignment = self.fresh(task.data["assignment"], AssignmentStatus.RETURN_REQUESTED)
        if assignment is None:
            return
        actor, r = self.supervisor(), rng.random()
        if r < 0.35:
            cs.assignment_decide_return(assignment=assignment, actor=actor, approve=False,
                                        now=self.now, note="请依职责办理，不得推诿。")
            self.result.actions["deny_return"] += 1
            self.plan_handling(sim, Assignment.objects.get(pk=assignment.pk))
            return
        sim.excluded.add(assignment.department_id)
        if r < 0.7:
            target = self.lead_for(sim)
            cs.assignment_decide_return(assignment=assignment, actor=actor, approve=True,
                                        now=self.now, note="同意改派。", redispatch_to=target)
            self.result.actions["redispatch"] += 1
            new_lead = Assignment.objects.filter(
                case=sim.case, cycle=assignment.cycle, department=target,
                role=AssignmentRole.LEAD).order_by("-pk").first()
            if new_lead is not None and new_lead.status == AssignmentStatus.PENDING and not any(
                    t.data.get("assignment") is not None
                    and t.data["assignment"].pk == new_lead.pk for t in self.queue):
                self.plan_assignment(sim, new_lead)
            return
        cs.assignment_decide_return(assignment=assignment, actor=actor, approve=True,
                                    now=self.now, note="同意退回，重新研判。")
        self.result.actions["approve_return"] += 1
        sim.case = Case.objects.get(pk=sim.case.pk)
        self.schedule(self.later(0.2, 3.0, sim), "triage", sim)

    def on_request_extension(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        assignment = self.fresh(task.data["assignment"], AssignmentStatus.SIGNED)
        if assignment is None:
            return
        request = cs.assignment_request_extension(
            assignment=assignment, actor=self.responder(assignment), now=self.now,
            extra_days=rng.randint(2, 5), reason=rng.choice(EXTENSION_REASONS))
        self.result.actions["request_extension"] += 1
        if sim.showcase:
            return  # waits for the centre's decision
        self.schedule(self.later(0.3, 6.0, sim), "decide_extension", sim, request=request,
                      assignment=assignment)

    def on_decide_extension(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        request: ExtensionRequest = task.data["request"]
        approve = rng.random() < 0.7
        cs.assignment_decide_extension(request=request, actor=self.supervisor(),
                                       approve=approve, now=self.now,
                                       note="" if approve else "时限内可以完成，不予延期。")
        self.result.actions["extension_approved" if approve else "extension_denied"] += 1
        self.plan_reply(sim, Assignment.objects.get(pk=request.assignment_id))

    def on_suspend(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        assignment = task.data["assignment"]
        case = Case.objects.get(pk=sim.case.pk)
        if case.status != CaseStatus.DISPATCHED or case.is_suspended:
            self.plan_reply(sim, assignment)
            return
        sim.case = cs.case_suspend(case=case, actor=self.supervisor(), now=self.now,
                                   reason=rng.choice(SUSPEND_REASONS))
        self.result.actions["suspend"] += 1
        sim.resume_at = self.later(7.5, 30.0, sim)
        self.schedule(sim.resume_at, "resume", sim, assignment=assignment)

    def on_resume(self, task: Task) -> None:
        sim = task.sim
        sim.case = cs.case_resume(case=sim.case, actor=self.supervisor(), now=self.now)
        self.result.actions["resume"] += 1
        self.plan_reply(sim, task.data["assignment"], after=self.now)

    # --- evaluation ---------------------------------------------------------------------------

    def on_evaluate(self, task: Task) -> None:
        sim, rng = task.sim, self.rng
        case = Case.objects.get(pk=sim.case.pk)
        if case.status != CaseStatus.REPLIED:
            return
        evaluator = self.initiator(sim) if case.called_by_id else self.supervisor()
        # Residents of a dissatisfied town find fault more often, even with a redone job.
        grumpy = self.town_of(sim.grid) in self.dissatisfied
        rating = rng.choices([Rating.VERY_SATISFIED, Rating.SATISFIED,
                              Rating.BASICALLY_SATISFIED, Rating.UNSATISFIED],
                             weights=RATING_WEIGHTS["dissatisfied" if grumpy else "usual"])[0]
        if rating == Rating.UNSATISFIED and case.cycle >= (3 if grumpy else 2):
            rating = Rating.BASICALLY_SATISFIED
        stars = {Rating.VERY_SATISFIED: 5, Rating.SATISFIED: 4, Rating.BASICALLY_SATISFIED: 3,
                 Rating.UNSATISFIED: rng.randint(1, 2)}[rating]
        cs.case_evaluate(case=case, actor=evaluator, stars=stars, rating=rating, now=self.now,
                         comment=rng.choice(EVALUATION_COMMENTS[rating]))
        self.result.actions[f"evaluate_{rating}"] += 1
        sim.case = Case.objects.get(pk=case.pk)
        if rating == Rating.UNSATISFIED:
            for assignment in Assignment.objects.filter(
                    case=sim.case, cycle=sim.case.cycle).order_by("pk"):
                self.plan_assignment(sim, assignment)


WEEKDAYS = [gettext_lazy("Mon"), gettext_lazy("Tue"), gettext_lazy("Wed"), gettext_lazy("Thu"),
            gettext_lazy("Fri"), gettext_lazy("Sat"), gettext_lazy("Sun")]


def status_rows(statuses: dict[str, int]) -> list[tuple[str, str, int]]:
    """(code, label, count) for every case status, in lifecycle order."""
    return [(status, str(CaseStatus(status).label), statuses.get(status, 0))
            for status in CaseStatus.values]
