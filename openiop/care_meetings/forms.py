"""Input shapes of the meeting workspace. Length limits match the services' (which check
again); who may own a task and which patient may be added are the services' rules, checked
against the meeting's program. The select lists are rendered from the workspace selector's
lists, so a page with many items runs no query per form."""

from __future__ import annotations

from django import forms

from openiop.care_meetings.services import DECISION_MAX, DISCUSSION_MAX, REASON_MAX, TASK_MAX
from openiop.core.widgets import DateInput

_MAX_ID = 2**63 - 1


class AgendaItemAddForm(forms.Form):
    episode = forms.IntegerField(
        label="Patient",
        min_value=1,
        max_value=_MAX_ID,
        error_messages={"required": "Choose a patient."},
    )
    reason = forms.CharField(
        label="Why the team should discuss them",
        max_length=REASON_MAX,
        error_messages={"required": "Say why the team should discuss this patient."},
    )


class DiscussionForm(forms.Form):
    text = forms.CharField(
        label="Discussion", max_length=DISCUSSION_MAX, required=False, widget=forms.Textarea
    )
    # The text the editor started from, to detect a save by someone else in between.
    original = forms.CharField(required=False, max_length=DISCUSSION_MAX, widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label="Decision",
        max_length=DECISION_MAX,
        widget=forms.Textarea,
        error_messages={"required": "Write the decision."},
    )


class TaskForm(forms.Form):
    text = forms.CharField(
        label="Task", max_length=TASK_MAX, error_messages={"required": "Describe the task."}
    )
    owner = forms.IntegerField(
        label="Owner",
        min_value=1,
        max_value=_MAX_ID,
        error_messages={"required": "Choose who owns the task."},
    )
    due_on = forms.DateField(label="Due", required=False, widget=DateInput)
