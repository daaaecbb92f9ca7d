"""Organisation model: the territorial tree, departments, users, memberships, 5+X grid
staffing and volunteer teams (SPEC.md "Organisation model")."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    COUNTY = "county", _("County")
    TOWN = "town", _("Town/street")
    COMMUNITY = "community", _("Community/village")
    GRID = "grid", _("Grid")
    UNIT = "unit", _("Unit grid")
    CELL = "cell", _("Cell grid")


LEVEL_ORDER = [Level.COUNTY, Level.TOWN, Level.COMMUNITY, Level.GRID, Level.UNIT, Level.CELL]


class OrgUnit(models.Model):
    """A node of the territorial tree county → town → community → grid → unit → cell.

    `path` is the materialised chain of ancestor ids ("/1/7/42/") so that "everything under
    this town" is one indexed prefix match, whatever the depth.
    """

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("parent unit"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_street = models.BooleanField(_("is a street (街道)"), default=False)
    is_sea = models.BooleanField(_("is a sea grid"), default=False)
    geometry = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("territorial unit")
        verbose_name_plural = _("territorial units")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: OrgUnit) -> bool:
        """True when this unit is `other` or lies beneath it."""
        return self.path.startswith(other.path)


class DepartmentKind(models.TextChoices):
    GOVERNMENT = "government_department", _("Government department")
    STATIONED = "stationed_agency", _("Stationed agency")
    UTILITY = "public_utility", _("Public utility")
    CENTRE = "command_center", _("Command centre")


class Department(models.Model):
    """A county department, stationed agency, public utility or command centre.

    `unit` is the territory it serves: the county for county departments and the county
    centre, a town for a town's own command centre.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=DepartmentKind.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="departments",
                             verbose_name=_("territory served"))
    leader_in_charge = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="departments_in_charge", verbose_name=_("leader in charge (分管领导)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A person who signs in. Phone and ID numbers are personal data: always shown through
    `huying.org.privacy` masks unless the viewer's role needs them."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    GRID_ASSISTANT = "grid_assistant", _("Grid assistant")
    GRID_LIAISON = "grid_liaison", _("Grid liaison")
    INITIATOR = "initiator", _("Initiator")
    TOWN_REVIEWER = "town_reviewer", _("Town reviewer")
    RESPONDER = "responder", _("Responder")
    DEPT_HEAD = "dept_head", _("Department head")
    DEPT_DEPUTY = "dept_deputy", _("Department deputy head")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEADER = "leader", _("Leader")
    VOLUNTEER = "volunteer", _("Volunteer")
    ADMIN = "admin", _("Administrator")


GRID_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_ASSISTANT, Role.GRID_LIAISON})
DEPARTMENT_ROLES = frozenset({Role.RESPONDER, Role.DEPT_HEAD, Role.DEPT_DEPUTY})


class Membership(models.Model):
    """A user's role in one place: a territorial unit, or a department (never both)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="memberships", verbose_name=_("territorial unit"))
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="memberships", verbose_name=_("department"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=False, department__isnull=True)
                           | models.Q(unit__isnull=True, department__isnull=False)),
                name="membership_unit_xor_department"),
            models.UniqueConstraint(fields=["user", "role", "unit", "department"],
                                    name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or self.department}"


class StaffingPosition(models.TextChoices):
    """Grid staffing "5+X" (Longwan)."""

    FULL_TIME = "full_time_worker", _("Full-time grid worker")
    GRID_LEADER = "grid_leader", _("Grid leader")
    INSTRUCTOR = "grid_instructor", _("Grid instructor")
    CONTACT_LEADER = "contact_leader", _("Contact leader")
    CONTACT_DEPARTMENT = "contact_department", _("Contact department")
    PART_TIMER = "part_timer", _("Part-time worker")


class GridStaffing(models.Model):
    grid = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="staffing",
                             verbose_name=_("grid"))
    position = models.CharField(_("position"), max_length=32, choices=StaffingPosition.choices)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="grid_positions", verbose_name=_("person"))
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="contact_grids", verbose_name=_("department"))

    class Meta:
        verbose_name = _("grid staffing")
        verbose_name_plural = _("grid staffing")
        constraints = [
            # 5+X: each fixed position once per grid; part-timers (X) unlimited.
            models.UniqueConstraint(fields=["grid", "position"],
                                    condition=~models.Q(position="part_timer"),
                                    name="grid_staffing_fixed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.grid.name} · {self.get_position_display()}"


class VolunteerTeam(models.Model):
    """A volunteer service team (志愿服务队 / 双报到服务队) that answers rally calls."""

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="volunteer_teams",
                             verbose_name=_("territorial unit"))
    leader = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="led_teams", verbose_name=_("team leader"))
    speciality = models.CharField(_("speciality"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VolunteerMember(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="members",
                             verbose_name=_("team"))
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="volunteer_memberships",
                             verbose_name=_("volunteer"))
    credit_points = models.IntegerField(_("credit points"), default=0)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="volunteer_unique")]

    def __str__(self) -> str:
        return f"{self.team} · {self.user}"
