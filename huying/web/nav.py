"""The top bar's navigation: one registry of entries, each shown to the roles it names.

Every entry is declared here, in this list, and nowhere else: page modules do not patch it.
An entry whose URL name does not resolve is skipped, so the bar never breaks.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from huying.org.models import DEPARTMENT_ROLES, GRID_ROLES, Role, User
from huying.web.roles import roles_of

EVERYONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy translation
    url_name: str
    icon: str
    roles: frozenset[str] = EVERYONE  # empty: every signed-in user
    # Other URL names under which this entry counts as the current page.
    also: tuple[str, ...] = ()


NAV: list[NavItem] = [
    NavItem(_("Workbench"), "web:workbench", "bi-inboxes", also=("web:case",)),
    NavItem(_("Report"), "web:report", "bi-plus-circle",
            GRID_ROLES | {Role.INITIATOR, Role.SUPERVISOR}),
    NavItem(_("Triage board"), "web:triage-board", "bi-diagram-3", frozenset({Role.SUPERVISOR})),
    # Department staff reach the supervision board too: their slips to answer and their
    # interviews are there.
    NavItem(_("Supervision"), "web:supervision", "bi-alarm",
            frozenset({Role.SUPERVISOR, Role.LEADER}) | DEPARTMENT_ROLES),
    NavItem(_("Early warnings"), "web:warnings", "bi-exclamation-triangle",
            frozenset({Role.SUPERVISOR, Role.LEADER})),
    # The county map (一张图): the centre and leaders see the county, towns their own cases.
    NavItem(_("County map"), "web:map", "bi-map",
            frozenset({Role.SUPERVISOR, Role.LEADER, Role.INITIATOR, Role.TOWN_REVIEWER})),
    NavItem(_("Town"), "web:town", "bi-buildings",
            frozenset({Role.INITIATOR, Role.TOWN_REVIEWER})),
    # The entry stays lit on every assessment page.
    NavItem(_("Assessment"), "web:assessment", "bi-bar-chart",
            frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN}) | DEPARTMENT_ROLES,
            also=("web:assessment-department", "web:assessment-appeals",
                  "web:assessment-indicators")),
    NavItem(_("Regular reports"), "web:reports", "bi-file-earmark-text",
            frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN}),
            also=("web:report-issue",)),
    NavItem(_("Big screen"), "web:big-screen", "bi-display",
            frozenset({Role.SUPERVISOR, Role.LEADER})),
]


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    icon: str
    active: bool


def nav_for(user: User, current_url_name: str | None) -> list[NavLink]:
    roles = roles_of(user)
    links = []
    for item in NAV:
        if item.roles and not (item.roles & roles) and Role.ADMIN not in roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current_url_name in (item.url_name, *item.also)
        links.append(NavLink(str(item.label), url, item.icon, active))
    return links
