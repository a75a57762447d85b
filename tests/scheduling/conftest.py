import pytest
import time_machine

from openiop.scheduling import runner
from tests.scheduling.builders import WEDNESDAY


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, monkeypatch):
    """Run background tasks in the caller (after commit), with a small CP-SAT portfolio."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(runner, "WORKERS", 2)


@pytest.fixture
def wednesday():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield WEDNESDAY
