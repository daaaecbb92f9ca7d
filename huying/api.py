"""The composition root of the JSON API (`/api/v1/`, wired in `urls.py`): one NinjaAPI with
every app's router attached, and the error mapping of `common/api.py`. It sits above every
app, so no app imports it."""

from __future__ import annotations

from ninja import NinjaAPI

from huying.analytics.api import router as analytics_router
from huying.analytics.api_screen import router as screen_router
from huying.analytics.map_api import router as map_router
from huying.assessment.api import router as assessment_router
from huying.cases.api import router as cases_router
from huying.catalog.api import router as catalog_router
from huying.common.api import error_handlers_install
from huying.duplicates.api import router as duplicates_router
from huying.notifications.api import router as notifications_router
from huying.notifications.source_api import router as source_updates_router
from huying.routing.api import router as routing_router
from huying.supervision.api import router as supervision_router

api = NinjaAPI(
    title="huying 呼应 API",
    version="1",
    urls_namespace="api",
    description="乡呼县应、街乡吹哨部门报到联动指挥平台的接口。",
)
error_handlers_install(api)

api.add_router("/catalog", catalog_router)
api.add_router("/supervision", supervision_router)
api.add_router("/assessment", assessment_router)
api.add_router("/analytics", analytics_router)
api.add_router("/map", map_router)
api.add_router("/screen", screen_router)
api.add_router("/notifications", notifications_router)
api.add_router("/routing", routing_router)
# The pull feed of answers to the source systems, beside their POST /intake/{channel}.
api.add_router("/intake", source_updates_router)
# Duplicate suggestions: /api/v1/cases/{number}/duplicates, /api/v1/duplicates/{id}/…
api.add_router("", duplicates_router)
# Cases sit at the root: /api/v1/cases, /api/v1/assignments/…, /api/v1/queues…
api.add_router("", cases_router)
