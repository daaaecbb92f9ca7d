"""`huying demo seed`: builds the fictional demo county 示范市 — territorial tree with
boundaries, departments and lists, people in every role, 5+X grid staffing, volunteer teams.

Deterministic in (seed, sizes); idempotent: an existing county with the demo code is left
untouched. Big tables (grids, users, memberships, staffing) are written with bulk_create and
one password hash computed once, so a full county takes seconds on SQLite.
"""

from __future__ import annotations

import importlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.common import memo
from huying.demo import people
from huying.demo.geography import FULL, Area, Sizes, county_plan
from huying.demo.places import places_plan
from huying.gazetteer.locating import gazetteer_forget
from huying.gazetteer.models import Place
from huying.org import codes, services
from huying.org.models import (
    Department,
    DepartmentKind,
    GridStaffing,
    Level,
    Membership,
    OrgUnit,
    Role,
    StaffingPosition,
    User,
    VolunteerMember,
    VolunteerTeam,
)
from huying.org.selectors import PEOPLE
from huying.supervision.models import LeaderKind
from huying.supervision.services import leader_post_set

COUNTY_CODE = "379901"
COUNTY_NAME = "示范市"
STAGES = 8
CATALOGUE_JSON = Path(__file__).resolve().parents[1] / "catalog" / "data" / "catalog.json"
# 党委分管领导 take the political-legal departments and the centre; 政府分管领导 the rest.
PARTY_DEPARTMENTS = {"D11", "D12", "D18", "D19", "D20", "D22", "D30"}
SPECIALITIES = ["助老助残", "环境整治", "矛盾调解", "应急救援", "海上救助", "文明劝导",
                "法律援助", "医疗义诊", "治安巡逻", "心理疏导", "关爱儿童", "垃圾分类"]

Report = Callable[[str], None]
COUNT_LABELS = {
    "towns": gettext_lazy("towns/streets"), "communities": gettext_lazy("communities/villages"),
    "grids": gettext_lazy("grids"), "unit_grids": gettext_lazy("unit grids"),
    "cell_grids": gettext_lazy("cell grids"), "sea_grids": gettext_lazy("sea grids"),
    "departments": gettext_lazy("departments"), "users": gettext_lazy("users"),
    "staffing": gettext_lazy("staffing positions"),
    "volunteer_teams": gettext_lazy("volunteer teams"),
    "places": gettext_lazy("place names"),
}


@dataclass
class SeedResult:
    county: OrgUnit
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    catalogue_loaded: bool = False


def _stage(report: Report, step: int, label: str, count: int | None = None) -> None:
    text = f"[{step}/{STAGES}] {label}"
    report(f"{text} {count} …" if count is not None else f"{text} …")


def demo_seed(*, seed: int = 42, sizes: Sizes = FULL, now: datetime,
              report: Report = lambda _text: None, county_code: str = COUNTY_CODE) -> SeedResult:
    """Build the demo county, or report that it is already there."""
    existing = OrgUnit.objects.filter(code=county_code, level=Level.COUNTY).first()
    if existing is not None:
        report(_("The demo county %(county)s already exists; nothing was changed.")
               % {"county": existing})
        return SeedResult(county=existing, created=False, counts=demo_counts(existing))
    with transaction.atomic():
        result = _build(seed=seed, sizes=sizes, now=now, report=report,
                        county_code=county_code)
    report(_("Done: %(counts)s.") % {"counts": "，".join(
        f"{COUNT_LABELS.get(k, k)} {v}" for k, v in result.counts.items())})
    return result


def demo_counts(county: OrgUnit) -> dict[str, int]:
    units = OrgUnit.objects.filter(path__startswith=county.path)
    counts = {level: units.filter(level=level).count()
              for level in (Level.TOWN, Level.COMMUNITY, Level.GRID, Level.UNIT, Level.CELL)}
    counts["sea_grids"] = units.filter(level=Level.GRID, is_sea=True).count()
    counts["departments"] = Department.objects.filter(unit__path__startswith=county.path).count()
    counts["users"] = User.objects.filter(
        Q(memberships__unit__path__startswith=county.path)
        | Q(memberships__department__unit__path__startswith=county.path)).distinct().count()
    counts["staffing"] = GridStaffing.objects.filter(grid__path__startswith=county.path).count()
    counts["volunteer_teams"] = VolunteerTeam.objects.filter(
        unit__path__startswith=county.path).count()
    counts["places"] = Place.objects.filter(county=county).count()
    return counts


# --- the build ------------------------------------------------------------------------------------

def _build(*, seed: int, sizes: Sizes, now: datetime, report: Report,
           county_code: str) -> SeedResult:
    _stage(report, 1, _("Drawing the map"))
    plan = county_plan(seed, sizes)

    county = services.unit_create(actor=None, parent=None, level=Level.COUNTY,
                                  name=COUNTY_NAME, code=county_code,
                                  geometry=plan.geojson(), now=now)
    towns = _create_children(county, [county], [plan], now)
    communities = _create_children(county, towns, plan.children, now)
    _stage(report, 2, _("Creating towns and communities"), len(towns) + len(communities))

    town_areas = plan.children
    community_areas = [c for t in town_areas for c in t.children]
    grids = _create_children(county, communities, community_areas, now)
    grid_areas = [g for c in community_areas for g in c.children]
    unit_grids = _create_children(county, grids, grid_areas, now)
    unit_areas = [u for g in grid_areas for u in g.children]
    cells = _create_children(county, unit_grids, unit_areas, now)
    _stage(report, 3, _("Creating grids"), len(grids) + len(unit_grids) + len(cells))

    catalogue_loaded = _departments(county, towns, now, report)
    departments = list(Department.objects.filter(unit__path__startswith=county.path)
                       .order_by("code"))
    _stage(report, 4, _("Departments and lists"), len(departments))

    rng = random.Random(f"huying-demo-people-{seed}")
    maker = people.PersonMaker(rng, county_code)
    staff = _people(county, towns, communities, grids, unit_grids, departments, maker, rng, now)
    _stage(report, 5, _("People and roles"), staff.user_count)

    staffing = _staffing(towns, communities, grids, departments, staff, rng)
    _stage(report, 6, _("Grid 5+X staffing"), staffing)

    teams = _volunteers(communities, staff, maker, rng, sizes)
    _stage(report, 7, _("Volunteer teams"), teams)

    places = _places(county, plan, grids, seed)
    _stage(report, 8, _("Place names (roads, compounds, landmarks)"), places)

    counts = {
        "towns": len(towns), "communities": len(communities), "grids": len(grids),
        "unit_grids": len(unit_grids), "cell_grids": len(cells),
        "sea_grids": sum(1 for g in grids if g.is_sea), "departments": len(departments),
        "users": User.objects.count(), "staffing": staffing, "volunteer_teams": teams,
        "places": places,
    }
    return SeedResult(county=county, created=True, counts=counts,
                      catalogue_loaded=catalogue_loaded)


def _create_children(county: OrgUnit, parents: list[OrgUnit], areas: list[Area],
                     now: datetime) -> list[OrgUnit]:
    """The children of each area, created under its saved unit, numbered in plan order."""
    rows = []
    for parent, area in zip(parents, areas, strict=True):
        for sequence, child in enumerate(area.children, 1):
            rows.append(services.UnitRow(
                parent=parent, level=child.level, name=child.name,
                code=codes.child_code(parent.code, child.level, sequence),
                geometry=child.geojson(), is_street=child.is_street, is_sea=child.is_sea))
    return services.unit_bulk_create(actor=None, rows=rows, now=now)


def _places(county: OrgUnit, plan: Area, grids: list[OrgUnit], seed: int) -> int:
    """The gazetteer's roads, compounds and landmarks, each inside one grid."""
    rows = [Place(county=county, name=p.name, kind=p.kind, aliases=list(p.aliases),
                  unit=grids[p.grid_index], longitude=p.longitude, latitude=p.latitude)
            for p in places_plan(plan, seed)]
    Place.objects.bulk_create(rows, batch_size=500)
    gazetteer_forget()  # bulk_create sends no signal
    return len(rows)


def _departments(county: OrgUnit, towns: list[OrgUnit], now: datetime, report: Report) -> bool:
    """The 30 reference departments and the matter catalogue, plus two town centres."""
    loaded = False
    catalogue_load_reference = _catalogue_loader()
    if catalogue_load_reference is not None:
        # In force from the start of last year, so that `huying demo simulate` can play
        # the weeks before today against the lists (a list only governs days after it).
        catalogue_load_reference(actor=None, county=county, now=now,
                                 effective_from=lists_effective_from(now))
        loaded = True
    else:
        # The catalog app is not ready: create at least the departments from its data file.
        report(_("The catalogue services are not available: departments only, no matters."))
        data = json.loads(CATALOGUE_JSON.read_text(encoding="utf-8"))
        for row in data["departments"]:
            if not Department.objects.filter(code=row["code"]).exists():
                services.department_create(actor=None, code=row["code"], name=row["name"],
                                           short_name=row.get("short", ""), kind=row["kind"],
                                           unit=county, now=now)
    for town in towns[:2]:  # Huangpu style: a town with its own command centre
        services.department_create(actor=None, code=f"TC{town.code}",
                                   name=f"{town.name}综合治理指挥中心",
                                   short_name=f"{town.name}指挥中心",
                                   kind=DepartmentKind.CENTRE, unit=town, now=now)
    return loaded


def lists_effective_from(now: datetime) -> date:
    return date(timezone.localdate(now).year - 1, 1, 1)


def _catalogue_loader() -> Callable[..., object] | None:
    """The catalog app's reference loader (it lives in `reference`; `services` was the
    planned home), or None when the catalog app does not provide one."""
    for module in ("huying.catalog.reference", "huying.catalog.services"):
        try:
            return importlib.import_module(module).catalogue_load_reference
        except (ImportError, AttributeError):
            continue
    return None


@dataclass
class Staff:
    """The people created, by the place they serve (for staffing and teams)."""

    password: str
    users: list[User] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    grid_workers: dict[int, User] = field(default_factory=dict)
    part_timers: dict[int, list[User]] = field(default_factory=dict)
    grid_leaders: dict[int, User] = field(default_factory=dict)      # by community id
    instructors: dict[int, User] = field(default_factory=dict)       # by community id
    contact_leaders: dict[int, User] = field(default_factory=dict)   # by town id
    user_count: int = 0

    def add(self, maker: people.PersonMaker, username: str, *places: tuple) -> User:
        user = User(username=username, full_name=maker.name(), phone=maker.phone(),
                    id_number=maker.id_number(), password=self.password)
        self.users.append(user)
        for role, unit, department in places:
            services.membership_validate_place(role=role, unit=unit, department=department)
            self.memberships.append(Membership(user=user, role=role, unit=unit,
                                               department=department))
        return user


def _people(county: OrgUnit, towns: list[OrgUnit], communities: list[OrgUnit],
            grids: list[OrgUnit], unit_grids: list[OrgUnit], departments: list[Department],
            maker: people.PersonMaker, rng: random.Random, now: datetime) -> Staff:
    staff = Staff(password=make_password(people.DEMO_PASSWORD))
    centre = next(d for d in departments if d.kind == DepartmentKind.CENTRE
                  and d.unit_id == county.pk)
    admin = staff.add(maker, people.ADMIN_USERNAME, (Role.ADMIN, county, None))
    admin.is_superuser = admin.is_staff = True
    for username in people.SUPERVISORS:
        staff.add(maker, username, (Role.SUPERVISOR, None, centre))
    leaders = {name: staff.add(maker, name, (Role.LEADER, county, None))
               for name in people.PARTY_LEADERS + people.GOVERNMENT_LEADERS}
    for department in departments:
        if department.kind == DepartmentKind.CENTRE:
            if department.unit_id != county.pk:
                index = towns.index(department.unit) + 1
                staff.add(maker, people.town_username(index, "supervisor"),
                          (Role.SUPERVISOR, None, department))
            continue
        for role, suffix in ((Role.DEPT_HEAD, "head"), (Role.DEPT_DEPUTY, "deputy"),
                             (Role.RESPONDER, "resp1")):
            staff.add(maker, people.department_username(department.code, suffix),
                      (role, None, department))
        if int(department.code[1:]) % 2 == 1 or department.kind == DepartmentKind.UTILITY:
            staff.add(maker, people.department_username(department.code, "resp2"),
                      (Role.RESPONDER, None, department))
    for index, town in enumerate(towns, 1):
        staff.add(maker, people.town_username(index, "initiator"),
                  (Role.INITIATOR, town, None))
        staff.add(maker, people.town_username(index, "reviewer"),
                  (Role.TOWN_REVIEWER, town, None))
        staff.contact_leaders[town.pk] = staff.add(maker,
                                                   people.town_username(index, "contact"))
    for index, community in enumerate(communities, 1):
        places = [(Role.INITIATOR, community, None)] if index <= 3 else []
        # Community initiators double as the community's grid leader (网格长).
        leader_name = people.community_username(index, "initiator" if places else "leader")
        staff.grid_leaders[community.pk] = staff.add(maker, leader_name, *places)
        staff.instructors[community.pk] = staff.add(
            maker, people.community_username(index, "instructor"))
    for index, grid in enumerate(grids, 1):
        staff.grid_workers[grid.pk] = staff.add(maker, people.grid_username(index),
                                                (Role.GRID_WORKER, grid, None))
        staff.part_timers[grid.pk] = [
            staff.add(maker, people.part_timer_username(index, k),
                      (Role.GRID_ASSISTANT, grid, None))
            for k in range(1, rng.choice((0, 1, 1, 2)) + 1)]
    for index, unit_grid in enumerate(unit_grids, 1):  # 单元格联络员
        staff.add(maker, people.liaison_username(index), (Role.GRID_LIAISON, unit_grid, None))
    _save_people(staff)
    government = [leaders[n] for n in people.GOVERNMENT_LEADERS]
    for k, department in enumerate(d for d in departments if d.unit_id == county.pk):
        leader = (leaders[people.PARTY_LEADERS[0]] if department.code in PARTY_DEPARTMENTS
                  else government[k % len(government)])
        services.department_set_leader(actor=None, department=department, leader=leader,
                                       now=now)
    # Who sits for the party committee and who for the government decides the ladder's
    # interviewer: red → the party committee's leader in charge, orange → the government's.
    for name in people.PARTY_LEADERS:
        leader_post_set(actor=None, user=leaders[name], county=county, kind=LeaderKind.PARTY,
                        now=now, title=str(LeaderKind.PARTY.label))
    for name in people.GOVERNMENT_LEADERS:
        leader_post_set(actor=None, user=leaders[name], county=county,
                        kind=LeaderKind.GOVERNMENT, now=now,
                        title=str(LeaderKind.GOVERNMENT.label))
    return staff


def _save_people(staff: Staff) -> None:
    User.objects.bulk_create(staff.users, batch_size=500)
    for membership in staff.memberships:
        membership.user_id = membership.user.pk
    Membership.objects.bulk_create(staff.memberships, batch_size=500)
    memo.forget(PEOPLE)  # bulk writes send no signals
    staff.user_count += len(staff.users)
    staff.users, staff.memberships = [], []


def _staffing(towns: list[OrgUnit], communities: list[OrgUnit], grids: list[OrgUnit],
              departments: list[Department], staff: Staff, rng: random.Random) -> int:
    """5+X for every grid: worker, grid leader, instructor, contact leader, contact
    department, and the part-timers."""
    community_of = {c.pk: c for c in communities}
    contact_departments = [d for d in departments
                           if d.kind in (DepartmentKind.GOVERNMENT, DepartmentKind.STATIONED)]
    rows = []
    for grid in grids:
        community = community_of[grid.parent_id]
        rows += [
            GridStaffing(grid=grid, position=StaffingPosition.FULL_TIME,
                         user=staff.grid_workers[grid.pk]),
            GridStaffing(grid=grid, position=StaffingPosition.GRID_LEADER,
                         user=staff.grid_leaders[community.pk]),
            GridStaffing(grid=grid, position=StaffingPosition.INSTRUCTOR,
                         user=staff.instructors[community.pk]),
            GridStaffing(grid=grid, position=StaffingPosition.CONTACT_LEADER,
                         user=staff.contact_leaders[community.parent_id]),
            GridStaffing(grid=grid, position=StaffingPosition.CONTACT_DEPARTMENT,
                         department=rng.choice(contact_departments)),
            *(GridStaffing(grid=grid, position=StaffingPosition.PART_TIMER, user=user)
              for user in staff.part_timers[grid.pk]),
        ]
    GridStaffing.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _volunteers(communities: list[OrgUnit], staff: Staff, maker: people.PersonMaker,
                rng: random.Random, sizes: Sizes) -> int:
    land = [c for c in communities if not c.is_sea]
    homes = sorted(rng.sample(land, min(sizes.volunteer_teams, len(land))),
                   key=lambda c: c.code)
    teams, members, volunteer = [], [], 0
    for community in homes:
        speciality = rng.choice(SPECIALITIES)
        crew = []
        for _k in range(rng.randint(4, 9)):
            volunteer += 1
            crew.append(staff.add(maker, people.volunteer_username(volunteer),
                                  (Role.VOLUNTEER, community, None)))
        team = VolunteerTeam(name=f"{community.name}{speciality}志愿服务队", unit=community,
                             leader=crew[0], speciality=speciality)
        teams.append(team)
        members += [(team, user, rng.randint(0, 120)) for user in crew]
    _save_people(staff)
    for team in teams:
        team.leader_id = team.leader.pk
    VolunteerTeam.objects.bulk_create(teams)
    VolunteerMember.objects.bulk_create(
        [VolunteerMember(team=team, user=user, credit_points=points)
         for team, user, points in members], batch_size=1000)
    return len(teams)


# --- the sign-ins the demo prints ----------------------------------------------------------------

@dataclass(frozen=True)
class LoginRow:
    role: str
    username: str
    place: str
    password: str


def demo_login_rows(county_code: str = COUNTY_CODE) -> list[LoginRow]:
    """The memorable demo sign-ins that exist in the database, with where each one works."""
    county = OrgUnit.objects.filter(code=county_code, level=Level.COUNTY).first()
    if county is None:
        return []
    detailed = (GridStaffing.objects.filter(
        position=StaffingPosition.FULL_TIME, grid__level=Level.GRID,
        grid__path__startswith=county.path, grid__children__isnull=False)
        .order_by("grid__code").select_related("user").first())
    part_timer = (GridStaffing.objects.filter(
        position=StaffingPosition.PART_TIMER, grid__path__startswith=county.path)
        .order_by("grid__code", "user__username").select_related("user").first())
    wanted = people.demo_logins(detailed.user.username if detailed else None,
                                part_timer.user.username if part_timer else None)
    users = {u.username: u for u in User.objects.filter(
        username__in=[w.username for w in wanted]).prefetch_related(
        "memberships__unit", "memberships__department")}
    rows = []
    for login in wanted:
        user = users.get(login.username)
        if user is None:
            continue
        places = [str(m.unit or m.department) for m in user.memberships.all() if m.active]
        rows.append(LoginRow(role=str(login.role), username=login.username,
                             place="、".join(places) or "—", password=people.DEMO_PASSWORD))
    return rows
