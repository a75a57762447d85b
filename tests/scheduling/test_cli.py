"""``openiop schedule``: the engine on files, with its exit codes (0 done, 1 hard violations
or no schedule, 2 bad input)."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from engines.scheduling import codec
from tests.engines.scheduling.cases import tiny_instance, with_patient


def _run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("schedule", *args, stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def _exit_code(*args: str) -> tuple[int, str]:
    with pytest.raises(CommandError) as failure:
        call_command("schedule", *args)
    return failure.value.returncode, str(failure.value)


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    instance, planted = tmp_path / "inst.json", tmp_path / "planted.json"
    made = _run(
        "generate", "--size", "small", "--seed", "1", "--out", str(instance),
        "--planted-out", str(planted),
    )  # fmt: skip
    assert made["patients"] == 60
    return instance, planted


def test_generate_then_validate_the_planted_week(small):
    instance, planted = small
    report = _run("validate", str(instance), str(planted))
    assert report["feasible"] is True
    assert report["violations_by_type"] == {}
    assert report["objective"] == sum(
        codec.instance_from_json(json.loads(instance.read_text())).weights[k] * v
        for k, v in report["components"].items()
    )


def test_solve_writes_a_week_the_validator_accepts(small, tmp_path):
    instance, _ = small
    out = tmp_path / "sol.json"
    summary = _run("solve", str(instance), "--time-limit", "5", "--workers", "1", "--out", str(out))
    assert summary["status"] in {"optimal", "feasible"}
    assert _run("validate", str(instance), str(out))["objective"] == summary["objective"]


def test_greedy_writes_a_week_and_validate_reports_its_violations_with_exit_1(small, tmp_path):
    instance, _ = small
    out = tmp_path / "greedy.json"
    baseline = _run("greedy", str(instance), "--out", str(out))
    assert baseline["violations_by_type"]  # the baseline breaks hard rules (scheduling.md §3.5)
    code, message = _exit_code("validate", str(instance), str(out))
    assert code == 1
    assert "individual_missing" in message


def test_a_time_limit_of_zero_is_refused_and_writes_nothing(small, tmp_path):
    instance, _ = small
    out = tmp_path / "sol.json"
    code, message = _exit_code("solve", str(instance), "--time-limit", "0", "--out", str(out))
    assert (code, "time limit must be positive" in message) == (2, True)
    assert not out.exists()


def test_a_solution_for_another_instance_is_refused(small, tmp_path):
    instance, _ = small
    other, other_planted = tmp_path / "other.json", tmp_path / "other-planted.json"
    _run("generate", "--size", "small", "--seed", "2", "--out", str(other),
         "--planted-out", str(other_planted))  # fmt: skip
    code, message = _exit_code("validate", str(instance), str(other_planted))
    assert (code, "wrong_instance" in message) == (2, True)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not_json"),
        ('{"format": "openiop.schedule.instance", "version": 9}', "unsupported_version"),
        ('{"format": "something.else", "version": 1}', "wrong_format"),
    ],
)
def test_a_malformed_instance_gets_its_error_code_and_exit_2(tmp_path, content, expected):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, message = _exit_code("greedy", str(bad), "--out", str(tmp_path / "x.json"))
    assert (code, expected in message) == (2, True)
    assert not (tmp_path / "x.json").exists()


def test_a_missing_file_is_exit_2(tmp_path):
    code, message = _exit_code("greedy", str(tmp_path / "nowhere.json"), "--out", "x.json")
    assert (code, "Cannot read" in message) == (2, True)


def test_an_infeasible_week_names_the_patient_and_exits_1(tmp_path):
    # given: p1 can attend no slot at all
    instance = tiny_instance(patients=with_patient("p1", available=frozenset()))
    path, out = tmp_path / "inst.json", tmp_path / "sol.json"
    path.write_text(json.dumps(codec.instance_to_json(instance)))

    # when
    code, message = _exit_code("solve", str(path), "--time-limit", "2", "--out", str(out))

    # then
    assert code == 1
    assert "p1" in message
    assert not out.exists()
