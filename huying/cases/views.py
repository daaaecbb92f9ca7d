"""File downloads: the only way an uploaded file leaves the server, and only to someone who
may see its case (a browser session or a bearer token)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huying.cases.reads import attachment_get_visible
from huying.common.errors import NotFound
from huying.org.auth import user_of_request


@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    user = user_of_request(request)
    if user is None:
        return JsonResponse({"code": "unauthenticated", "message": _("Please sign in first.")},
                            status=401)
    try:
        attachment = attachment_get_visible(user, attachment_id)
        handle = attachment.file.open("rb")
    except NotFound as error:
        return JsonResponse({"code": error.code, "message": error.message}, status=404)
    except FileNotFoundError:
        return JsonResponse({"code": "not_found", "message": _("The file is missing.")},
                            status=404)
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    # Never let a browser reinterpret an upload (e.g. as HTML) or cache it for others.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
