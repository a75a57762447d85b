from django.urls import path

from openiop.care_meetings import views, views_items

app_name = "care_meetings"

_meeting = "meetings/<int:meeting_id>/"
_item = f"{_meeting}items/<int:item_id>/"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/tasks/", views.my_tasks, name="my_tasks"),
    path("meetings/programs/<int:program_id>/open/", views.meeting_open, name="open"),
    path(_meeting, views.workspace, name="workspace"),
    path(f"{_meeting}rebuild/", views.meeting_rebuild, name="rebuild"),
    path(f"{_meeting}close/", views.meeting_close, name="close"),
    path(f"{_meeting}print/", views.meeting_print, name="print"),
    path(f"{_meeting}print.pdf", views.meeting_print_pdf, name="print_pdf"),
    path(f"{_meeting}items/add/", views_items.item_add, name="item_add"),
    path(f"{_item}discussion/", views_items.discussion_save, name="discussion"),
    path(f"{_item}discussed/", views_items.item_discussed, name="discussed"),
    path(f"{_item}decisions/", views_items.decision_add, name="decision_add"),
    path(f"{_item}tasks/", views_items.task_add, name="task_add"),
    path(f"{_meeting}tasks/<int:task_id>/done/", views_items.task_done, name="task_done"),
    path("patients/<int:patient_id>/care-team/", views.chart_care_team, name="chart"),
]
