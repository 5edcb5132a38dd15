"""The window holds a hostile server to the client's limits: the question ends with a message
that names the limit, and the window goes on working (issue: hostile servers)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from explorer.api.client import ApiVideoClient, ClientOptions
from explorer.api.limits import DEFAULT_LIMITS, MiB
from explorer.api.secrets import Secret
from explorer.domain.catalogue import Endpoint
from explorer.ui.main_window import MainWindow
from tests.ui.conftest import PinnedWorkspace, wait_idle
from tests.ui.test_main_window import build, run
from tests.unit.api.badserver import BadServer, Endless, Pages, Reply, Request, Trickle

LIMITS = replace(
    DEFAULT_LIMITS, max_body_bytes=1 * MiB, max_wire_bytes=1 * MiB, request_deadline_s=3
)


def hostile(bad: Reply) -> Any:
    """Assets as an empty project; every analytics question answered by `bad`."""
    empty = Pages(0)

    def answer(request: Request) -> Reply:
        return bad if request.path.startswith("/data/") else empty(request)

    return answer


@pytest.fixture(params=["endless body", "trickle"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[BadServer, str]]:
    bad: Reply = Endless() if request.param == "endless body" else Trickle(every_s=0.2)
    limit = "max_wire_bytes" if request.param == "endless body" else "request_deadline_s"
    with BadServer(hostile(bad)) as running:
        yield running, limit


def test_a_hostile_answer_ends_its_question_with_the_limit_named(
    qtbot: Any, window: MainWindow, server: tuple[BadServer, str]
) -> None:
    bad, limit = server
    options = ClientOptions(limits=LIMITS)
    client = ApiVideoClient(bad.base_url, Secret("hostile-key-123"), options=options)
    workspace = PinnedWorkspace(client, "Hostile", "LOCAL")
    try:
        window.set_workspace(workspace)
        wait_idle(qtbot, window.runner)
        build(window, Endpoint.METRICS, "play", aggregation="count")
        page = run(qtbot, window)
        assert page.current_view() is page.error
        shown = page.error.message.text() + page.error.details.toPlainText()
        assert limit in shown and "hostile-key-123" not in shown
        assert "Traceback" not in shown
        # the window is not stuck: the same question can be asked again, and ends the same way
        again = run(qtbot, window)
        assert again.current_view() is again.error
    finally:
        wait_idle(qtbot, window.runner)
        workspace.close()
