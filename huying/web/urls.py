from django.urls import path

from huying.web.views import auth, cases, notifications, report, workbench

app_name = "web"

urlpatterns = [
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),
    path("", workbench.workbench, name="workbench"),
    path("report", report.report, name="report"),
    path("cases/<str:number>", cases.case_detail, name="case"),
    path("cases/<str:number>/act/<str:action>", cases.case_act, name="case-act"),
    path("notifications", notifications.notification_list, name="notifications"),
    path("notifications/read-all", notifications.notification_read_all,
         name="notifications-read-all"),
    path("notifications/<int:notification_id>/open", notifications.notification_open,
         name="notification-open"),
]
