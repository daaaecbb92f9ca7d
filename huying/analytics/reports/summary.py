"""The short 研判 text at the head of a report: a few sentences, each made from numbers of the
report itself (no sentence is written about a figure the report does not hold, and none
when its figure is missing)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.analytics.models import ReportKind
from huying.analytics.reports.data import (
    Headline,
    Overdue,
    Ranked,
    Rate,
    Section,
    Share,
    number,
    percent,
)

PERIOD_WORD = {ReportKind.DAILY: gettext_lazy("That day"),
               ReportKind.WEEKLY: gettext_lazy("This week"),
               ReportKind.MONTHLY: gettext_lazy("This month")}


def count_change(current: int, previous: int) -> str:
    """"环比上升 12.0%", "环比下降 3.1%", "与上期持平", "上期为 0 件"."""
    if current == previous:
        return _("the same as the previous period")
    if not previous:
        return _("none in the previous period")
    change = abs(current - previous) / previous
    if current > previous:
        return _("up %(change)s on the previous period") % {"change": percent(change)}
    return _("down %(change)s on the previous period") % {"change": percent(change)}


def rate_change(current: float | None, previous: float | None) -> str:
    """"较上期上升 1.50 个百分点", "下降 …", "与上期持平", "上期无数据"."""
    if current is None:
        return ""
    if previous is None:
        return _("nothing to compare with in the previous period")
    delta = (current - previous) * 100
    if abs(delta) < 0.005:
        return _("the same as the previous period")
    if delta > 0:
        return _("up %(points).2f points on the previous period") % {"points": delta}
    return _("down %(points).2f points on the previous period") % {"points": -delta}


def _by_code(headlines: list[Headline]) -> dict[str, Headline]:
    return {h.code: h for h in headlines}


def _rate(rates: list[Rate], code: str) -> Rate | None:
    return next((r for r in rates if r.code == code), None)


def _volume(kind: str, h: dict[str, Headline]) -> list[str]:
    word = str(PERIOD_WORD[ReportKind(kind)])
    received = h["received"]
    if not received.value:
        return [_("%(period)s no cases were reported (%(previous)s in the previous period).")
                % {"period": word, "previous": number(received.previous)}]
    accepted, resolved = h["accepted"].value, h["resolved"].value
    sentences = [_("%(period)s %(received)s cases were reported, %(change)s; %(accepted)s "
                   "were accepted, %(resolved)s of them resolved locally (%(share)s).") % {
        "period": word, "received": number(received.value),
        "change": count_change(received.value, received.previous),
        "accepted": number(accepted), "resolved": number(resolved),
        "share": percent(resolved / accepted if accepted else None)}]
    sentences.append(_("Towns called up %(called)s and %(dispatched)s were dispatched to "
                       "county departments.") % {"called": number(h["called"].value),
                                                 "dispatched": number(h["dispatched"].value)})
    return sentences


def _outcomes(h: dict[str, Headline], rates: list[Rate]) -> list[str]:
    closed, evaluated = h["closed"].value, h["evaluated"].value
    sentences = []
    satisfaction = _rate(rates, "satisfaction_rate")
    if evaluated and satisfaction is not None and satisfaction.value is not None:
        sentences.append(_("%(closed)s cases were closed and %(evaluated)s evaluated in the "
                           "period; the satisfaction rate was %(rate)s, %(change)s.") % {
            "closed": number(closed), "evaluated": number(evaluated),
            "rate": percent(satisfaction.value, 2),
            "change": rate_change(satisfaction.value, satisfaction.previous)})
    elif closed:
        sentences.append(_("%(closed)s cases were closed in the period; none was evaluated.")
                         % {"closed": number(closed)})
    closure = _rate(rates, "closure_rate")
    on_time = _rate(rates, "on_time_closure_rate")
    if closure is not None and closure.value is not None:
        if on_time is not None and on_time.value is not None:
            sentences.append(_("Closure rate %(closure)s, on-time closure rate %(on_time)s.")
                             % {"closure": percent(closure.value, 2),
                                "on_time": percent(on_time.value, 2)})
        else:
            sentences.append(_("Closure rate %(closure)s.")
                             % {"closure": percent(closure.value, 2)})
    return sentences


def _where(towns: list[Share], matters: list[Share]) -> list[str]:
    """The town and the matter type with most reports (rows of cases without a town or
    matter type are not named), and the matter type that rose most."""
    sentences = []
    town = next((t for t in towns if t.key and t.received), None)
    if town is not None:
        sentences.append(_("Most reports came from %(town)s (%(n)s, %(share)s of the "
                           "period's reports).") % {
            "town": town.label, "n": number(town.received), "share": percent(town.share)})
    named = [m for m in matters if m.key]
    matter = next((m for m in named if m.received), None)
    if matter is not None:
        sentences.append(_("The most frequent matter type was %(matter)s (%(n)s).")
                         % {"matter": matter.label, "n": number(matter.received)})
        risen = max(named, key=lambda m: (m.received - m.previous, m.received))
        if sum(m.previous for m in matters) and risen.received > risen.previous:
            sentences.append(_("The largest rise was in %(matter)s (%(delta)s more than in "
                               "the previous period).") % {
                "matter": risen.label, "delta": number(risen.received - risen.previous)})
    return sentences


def _overdue(overdue: Overdue) -> list[str]:
    if not overdue.total_cases:
        return [_("At the time of generation nothing was overdue in the county.")]
    first, first_n = next(iter(overdue.by_department.items()))
    return [_("At the time of generation %(n)s cases were overdue in the county, with "
              "%(departments)d departments; %(first)s had the most (%(first_n)s).") % {
        "n": number(overdue.total_cases), "departments": len(overdue.by_department),
        "first": first, "first_n": number(first_n)}]


def _ranking(ranked: list[Ranked]) -> list[str]:
    scored = [r for r in ranked if r.score is not None]
    if len(scored) < 2 or scored[0].score == scored[-1].score:
        return []
    return [_("In the department ranking %(top)s scored highest (%(top_score)s) and "
              "%(bottom)s lowest (%(bottom_score)s).") % {
        "top": scored[0].name, "top_score": f"{scored[0].score:.2f}",
        "bottom": scored[-1].name, "bottom_score": f"{scored[-1].score:.2f}"}]


def _warnings(warnings: Section) -> list[str]:
    if not warnings.rows:
        return [warnings.empty]
    return [_("%(n)d early warnings are open.") % {"n": len(warnings.rows)}]


def summary_sentences(*, kind: str, headlines: list[Headline], rates: list[Rate],
                      towns: list[Share], matters: list[Share], ranked: list[Ranked],
                      overdue: Overdue, warnings: Section) -> list[str]:
    """The 研判 summary, in the active language (the report's: Chinese)."""
    h = _by_code(headlines)
    sentences = _volume(kind, h)
    sentences += _outcomes(h, rates)
    sentences += _where(towns, matters)
    sentences += _overdue(overdue)
    sentences += _ranking(ranked)
    sentences += _warnings(warnings)
    return sentences
