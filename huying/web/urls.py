from django.urls import path

from huying.web.views import (
    assessment,
    auth,
    cases,
    centre,
    notifications,
    public,
    report,
    town,
    workbench,
)

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
    # the command centre
    path("centre/triage", centre.triage_board, name="triage-board"),
    path("centre/triage/<str:number>/<str:action>", centre.triage_act, name="triage-act"),
    path("centre/supervision", centre.supervision_board, name="supervision"),
    path("centre/supervision/interviews/<int:interview_id>/record", centre.interview_record,
         name="interview-record"),
    path("centre/supervision/interviews/<int:interview_id>/schedule", centre.interview_schedule,
         name="interview-schedule"),
    path("centre/supervision/slips/issue", centre.slip_issue, name="slip-issue"),
    path("centre/supervision/slips/<int:slip_id>/document", centre.slip_download,
         name="slip-document"),
    path("centre/supervision/slips/<int:slip_id>/reply", centre.slip_reply, name="slip-reply"),
    path("centre/supervision/slips/<int:slip_id>/close", centre.slip_close, name="slip-close"),
    path("centre/supervision/listed", centre.listed_add, name="listed-add"),
    path("centre/supervision/listed/<str:number>/delist", centre.listed_remove,
         name="listed-remove"),
    # towns and volunteers
    path("town", town.town_page, name="town"),
    path("town/cases/<str:number>/<str:action>", town.town_act, name="town-act"),
    path("town/rally", town.rally_sound, name="rally-sound"),
    path("volunteer", town.volunteer_page, name="volunteer"),
    path("volunteer/rally/<int:rally_id>/claim", town.rally_claim, name="rally-claim"),
    path("volunteer/rally/<int:rally_id>/complete", town.rally_complete, name="rally-complete"),
    # assessment
    path("assessment", assessment.rankings, name="assessment"),
    path("assessment/departments/<str:code>", assessment.department_detail,
         name="assessment-department"),
    path("assessment/deductions/<int:deduction_id>/appeal", assessment.appeal_create,
         name="appeal-create"),
    path("assessment/appeals", assessment.appeal_list, name="assessment-appeals"),
    path("assessment/appeals/<int:appeal_id>/decide", assessment.appeal_decision,
         name="appeal-decide"),
    path("assessment/indicators", assessment.indicator_table, name="assessment-indicators"),
    path("assessment/bulletin.xlsx", assessment.bulletin, name="assessment-bulletin"),
    # public (no sign-in)
    path("public/lists", public.public_lists, name="public-lists"),
    path("public/track", public.public_track, name="public-track"),
]
