"""Mailbox: items posted from any thread reach the GUI thread, in order, without Qt calls."""

from __future__ import annotations

import threading
from typing import Any

from explorer.ui.bridge.mailbox import Mailbox


def test_items_from_many_threads_arrive_on_the_gui_thread_in_each_threads_order(
    qtbot: Any,
) -> None:
    received: list[tuple[str, int, str]] = []
    mailbox = Mailbox()
    mailbox.arrived.connect(lambda item: received.append((*item, threading.current_thread().name)))
    try:
        senders = [
            threading.Thread(
                target=lambda name=name: [mailbox.post((name, i)) for i in range(500)],
                name=name,
            )
            for name in ("a", "b", "c")
        ]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        assert received == []  # nothing is handed over on the senders' threads
        qtbot.waitUntil(lambda: len(received) == 1500)
        assert {thread for _, _, thread in received} == {threading.main_thread().name}
        for name in ("a", "b", "c"):
            assert [i for n, i, _ in received if n == name] == list(range(500))
    finally:
        mailbox.close()


def test_a_receiver_that_runs_the_event_loop_does_not_reorder_or_repeat(qtbot: Any) -> None:
    received: list[int] = []

    def receive(item: int) -> None:
        received.append(item)
        if item == 0:
            qtbot.wait(20)  # a nested event loop, as a modal dialog would run

    mailbox = Mailbox()
    mailbox.arrived.connect(receive)
    try:
        for i in range(5):
            mailbox.post(i)
        qtbot.waitUntil(lambda: len(received) == 5)
        qtbot.wait(20)
        assert received == [0, 1, 2, 3, 4]
    finally:
        mailbox.close()


def test_after_close_posts_are_dropped(qtbot: Any) -> None:
    received: list[int] = []
    mailbox = Mailbox()
    mailbox.arrived.connect(received.append)
    mailbox.post(1)
    mailbox.close()
    mailbox.close()  # idempotent
    mailbox.post(2)
    qtbot.wait(30)
    assert received == []
