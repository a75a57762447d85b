"""``openiop place ASSESSMENT.json``: prints the decision, exit 0; bad input is one line on
stderr with the error code and JSON path, exit 2."""

from __future__ import annotations

import io
import json
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from openiop.cli import manage
from tests.engines.placement.cases import EXAMPLES, base_json


def _run(*args: str) -> str:
    out = StringIO()
    call_command("place", *args, stdout=out)
    return out.getvalue()


def _failure(*args: str) -> CommandError:
    with pytest.raises(CommandError) as failure:
        call_command("place", *args, stdout=StringIO())
    return failure.value


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_prints_the_decision_of_an_example():
    printed = _run(str(EXAMPLES / "php.json"))

    assert printed == (EXAMPLES / "php.decision.json").read_text(encoding="utf-8")


def test_a_dash_reads_the_assessment_from_stdin(monkeypatch):
    _stdin(monkeypatch, (EXAMPLES / "op.json").read_bytes())

    assert json.loads(_run("-"))["level"]["code"] == "op"


def _write(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "assessment.json"
    path.write_bytes(data)
    return str(path)


def _with(change: dict[str, object]) -> bytes:
    return json.dumps(base_json() | change).encode("utf-8")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\xff\xfe", "not_utf8 at $"),
        (b"{", "not_json at $"),
        (b"[]", "wrong_type at $"),
        (_with({"version": 2}), "unsupported_version at $.version"),
        (_with({"hours_available_per_week": 200}), "hours_out_of_range at $.hours_available_per_week"),
        (_with({"safety_screen": "maybe"}), "invalid_choice at $.safety_screen"),
    ],
)  # fmt: skip
def test_bad_input_is_exit_2_with_code_and_path_on_one_line(tmp_path, data, fragment):
    error = _failure(_write(tmp_path, data))

    assert error.returncode == 2
    assert fragment in str(error)
    assert "\n" not in str(error)


def test_a_missing_file_is_exit_2_unreadable_file(tmp_path):
    error = _failure(str(tmp_path / "missing\nname.json"))

    assert error.returncode == 2
    assert "unreadable_file" in str(error)
    assert "\n" not in str(error)


def test_a_directory_is_exit_2_unreadable_file(tmp_path):
    assert "unreadable_file" in str(_failure(str(tmp_path)))


def test_bad_stdin_is_exit_2(monkeypatch):
    _stdin(monkeypatch, b"not json")

    error = _failure("-")

    assert error.returncode == 2
    assert str(error).startswith("<stdin>: not_json at $: ")


def test_the_console_command_exits_2_with_one_line_on_stderr(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        manage(["openiop", "place", _write(tmp_path, _with({"population": "child"}))])

    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "invalid_choice at $.population" in captured.err
    assert "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_the_console_command_prints_the_decision_and_exits_0(capsys):
    manage(["openiop", "place", str(EXAMPLES / "withdrawal-management.json")])

    assert json.loads(capsys.readouterr().out)["level"]["code"] == "withdrawal_management"
