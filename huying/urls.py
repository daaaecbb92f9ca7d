from django.contrib import admin
from django.urls import include, path

from huying.api import api
from huying.cases.views import attachment_download
from huying.common.metrics import metrics_view
from huying.common.views import healthz, readyz

admin.site.site_header = "呼应 · 联动指挥平台管理"
admin.site.site_title = "呼应管理"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/v2/", include("huying.open311.urls")),
    path("files/<int:attachment_id>", attachment_download, name="attachment-download"),
    path("", include("huying.web.urls")),
]
