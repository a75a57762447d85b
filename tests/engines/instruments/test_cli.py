import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openiop.cli import manage

PHQ9 = "1,2,0,1,3,0,0,1,1"


def _run(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("score", *args, stdout=out, **options)
    return out.getvalue()


def test_scores_and_prints_json():
    payload = json.loads(_run("phq9", "--answers", PHQ9))

    assert payload["instrument"] == "phq9"
    assert payload["version"] == "1"
    assert payload["language"] == "en"
    assert payload["total"] == 9
    assert payload["severity"] == "mild"
    assert payload["subscales"] == {}
    assert [flag["code"] for flag in payload["flags"]] == ["suicidal_ideation"]
    assert payload["flags"][0]["safety"] is True
    assert payload["completeness"] == {
        "answered": 9,
        "expected": 9,
        "missing": [],
        "prorated": False,
    }


def test_version_and_language_options():
    payload = json.loads(_run("PHQ-9", answers=PHQ9, version="1", language="es"))

    assert (payload["version"], payload["language"]) == ("1", "es")


def test_subscales_are_printed():
    payload = json.loads(_run("pcl5", answers=",".join(["2"] * 20)))

    assert payload["subscales"] == {"B": 10, "C": 4, "D": 14, "E": 12}
    assert [flag["code"] for flag in payload["flags"]] == ["probable_ptsd"]


def test_list_prints_one_instrument_per_line():
    lines = _run("--list").splitlines()

    assert len(lines) == 7
    assert lines[0].split()[:3] == ["phq9", "PHQ-9", "v1"]
    assert lines[0].endswith("en, es")


def test_list_as_json():
    rows = json.loads(_run("--list", "--json"))

    assert [row["id"] for row in rows] == [
        "phq9",
        "gad7",
        "pcl5",
        "pcptsd5",
        "auditc",
        "dast10",
        "asq",
    ]
    assert rows[0]["languages"] == ["en", "es"]


@pytest.mark.parametrize(
    ("args", "options", "fragment"),
    [
        ((), {}, "Name the instrument"),
        (("phq9",), {}, "--answers"),
        (("phq9",), {"answers": "1,x"}, "Answer 2 must be a whole number"),
        (("bdi",), {"answers": "0"}, "Unknown instrument 'bdi'"),
        (("phq9",), {"answers": "0,0,7,0,0,0,0,0,0"}, "PHQ-9 item 3 must be 0–3; got 7."),
        (("phq9",), {"answers": "0,0"}, "expects 9 answers"),
        (("phq9",), {"answers": PHQ9, "version": "9"}, "no version '9'"),
        (("gad7",), {"answers": "0,0,0,0,0,0,0", "language": "es"}, "not available in language"),
        (("pcl5",), {"answers": ",".join(["1"] * 19) + ","}, "item 20 is unanswered"),
    ],
)
def test_bad_input_is_a_usage_error_with_exit_code_2(args, options, fragment):
    with pytest.raises(CommandError) as error:
        _run(*args, **options)

    assert error.value.returncode == 2
    assert fragment in str(error.value)


def test_console_entry_point_parses_the_version_option(capsys):
    # ``openiop score ...`` goes through argparse, where Django's own --version must not win.
    manage(["openiop", "score", "dast10", "--answers", "1,1,0,1,1,1,1,1,1,1", "--version", "1"])

    payload = json.loads(capsys.readouterr().out)
    assert (payload["total"], payload["severity"], payload["version"]) == (10, "severe", "1")


def test_console_entry_point_exits_2_with_the_message_on_stderr(capsys):
    with pytest.raises(SystemExit) as exit_:
        manage(["openiop", "score", "gad7", "--answers", "0,0,0,0,0,0,4"])

    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert "GAD-7 item 7 must be 0–3; got 4." in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_installed_console_script_reports_bad_input_without_traceback():
    executable = Path(sys.executable).parent / "openiop"
    if not executable.exists():
        pytest.skip("the openiop console script is not installed in this environment")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}

    completed = subprocess.run(  # noqa: S603 - fixed executable and arguments, no shell
        [str(executable), "score", "phq9", "--answers", "1,two,0"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )

    assert completed.returncode == 2
    assert "Answer 2 must be a whole number" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""
