"""A volunteer team's actions on a rally call (集结号)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from huying.cases import reads
from huying.cases import services as cs
from huying.cases.actions.base import Action, Call, Target, declare
from huying.cases.schemas import ClaimIn, CompleteIn, RallyCallOut, rally_out


def _claim(call: Call, body: ClaimIn):
    return cs.rally_claim(rally=call.rally, actor=call.actor, team=reads.team_get(body.team),
                          now=call.now)


def _complete(call: Call, body: CompleteIn):
    return cs.rally_complete(rally=call.rally, actor=call.actor,
                             participants=reads.users_by_username(body.participants),
                             outcome=body.outcome, now=call.now)


for name, label, input_, perform in (
        ("claim", gettext_lazy("Claim for the team"), ClaimIn, _claim),
        ("complete", gettext_lazy("Report the work done"), CompleteIn, _complete)):
    declare(Action(name=name, label=label, target=Target.RALLY, transitions=(name,),
                   input=input_, perform=perform, output=lambda user, rally: rally_out(rally),
                   response=RallyCallOut, page=False, icon="bi-people"))
