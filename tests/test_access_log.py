import datetime as dt

import pytest
from gunicorn.config import Config

from config.access_log import TokenMaskingLogger, mask

TOKEN = "Zk3v-8q_Lm0PzYx2Wc7Rt5Ub1Na9Ds4Fg6Hj2Kl8Qw0"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/m/{TOKEN}/", "/m/[token]/"),
        (f"/m/{TOKEN}", "/m/[token]"),
        (f"/calendar/feed/{TOKEN}.ics", "/calendar/feed/[token].ics"),
        ("/calendar/program/", "/calendar/program/"),
        ("/measures/due/", "/measures/due/"),
    ],
)
def test_tokens_in_paths_are_masked(path, logged):
    assert mask(path) == logged


def test_the_access_log_atoms_hold_no_token_and_no_query_string():
    # given: a feed fetch as gunicorn sees it
    class Response:
        status = "200 OK"
        sent = 10
        headers: list[tuple[str, str]] = []

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/calendar/feed/{TOKEN}.ics?x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": f"/calendar/feed/{TOKEN}.ics",
        "QUERY_STRING": "x=1",
        "HTTP_REFERER": f"https://example.org/m/{TOKEN}/",
    }

    # when
    atoms = TokenMaskingLogger(Config()).atoms(Response(), [], environ, dt.timedelta(seconds=1))

    # then
    assert not [key for key, value in atoms.items() if TOKEN in str(value)]
    assert atoms["U"] == "/calendar/feed/[token].ics"
    assert atoms["r"] == "GET /calendar/feed/[token].ics HTTP/1.1"
    assert atoms["q"] == "-"
