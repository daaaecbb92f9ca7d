"""The JSON routes of the actions, derived from their declarations: one POST per action,
taking its input schema as a JSON object or, for actions with files, as multipart form data
(the same fields plus the files), and answering its output schema. Inputs are parsed by
`parse.py`, exactly as the page's forms are."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from huying.cases import reads
from huying.cases.access import case_get_visible
from huying.cases.actions.base import REGISTRY, Action, Target
from huying.cases.actions.parse import form_data
from huying.cases.actions.run import perform
from huying.common.errors import ValidationFailed

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def submitted(request: HttpRequest, action: Action) -> tuple[Any, list[Any]]:
    """The submitted input and files: a JSON object, or form fields and files."""
    if request.content_type in FORM_TYPES:
        files = request.FILES.getlist(action.files) if action.files else []
        return form_data(action, request.POST), files
    if not request.body:
        return {}, []
    try:
        return json.loads(request.body), []
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed(_("The request body is not valid JSON."), field="body") from None


def answer(action: Action, request: HttpRequest, result: Any) -> Status:
    status = action.status_for(result) if action.status_for else action.status
    return Status(status, action.output(request.user, result))


def request_body(action: Action) -> dict[str, Any]:
    schema = action.input.model_json_schema(ref_template="#/components/schemas/{model}")
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if action.files:
        with_files = json.loads(json.dumps(schema))
        with_files.setdefault("properties", {})[action.files] = {
            "type": "array", "items": {"type": "string", "format": "binary"}}
        content["multipart/form-data"] = {"schema": with_files}
    return {"requestBody": {"required": True, "content": content}}


def handler_for(action: Action) -> tuple[str, Callable[..., Status]]:
    """The route's path and view function for the action's target."""
    segment = action.path_segment

    def run(request: HttpRequest, **target: Any) -> Status:
        data, files = submitted(request, action)
        return answer(action, request, perform(action, actor=request.user, now=timezone.now(),
                                               data=data, files=files, **target))

    if action.target == Target.NEW:
        def new(request: HttpRequest) -> Status:
            return run(request)
        return "/cases", new
    if action.target == Target.CASE:
        def on_case(request: HttpRequest, number: str) -> Status:
            return run(request, case=case_get_visible(request.user, number))
        return f"/cases/{{number}}/{segment}", on_case
    if action.target == Target.ASSIGNMENT:
        def on_assignment(request: HttpRequest, assignment_id: int) -> Status:
            return run(request,
                       assignment=reads.assignment_get_visible(request.user, assignment_id))
        return f"/assignments/{{assignment_id}}/{segment}", on_assignment

    def on_rally(request: HttpRequest, rally_id: int) -> Status:
        return run(request, rally=reads.rally_get_visible(request.user, rally_id))
    return f"/rally-calls/{{rally_id}}/{segment}", on_rally


def add_action_routes(router: Router) -> None:
    """One POST route per declared action."""
    for action in REGISTRY.values():
        path, view = handler_for(action)
        codes = {action.status} | ({200, 201} if action.status_for else set())
        router.post(path, response={code: action.response for code in codes},
                    operation_id=f"{action.target}_{action.name}",
                    summary=str(action.label), openapi_extra=request_body(action))(view)
