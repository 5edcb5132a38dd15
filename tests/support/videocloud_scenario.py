"""The hand-built VideoCloud scenario, with its figures worked out by hand below.

Now is 2026-03-10T12:00Z (a Tuesday; Mondays are 03-02 and 03-09); stored time = shown time.
A is a 600 s course, B a 20 s ad. sid = position in the list (1-based).

  sid viewer video  loaded            plays (s of playback)               device/country/app
  1   v1     A      03-09 10:00:00    10:00:02 -> pause 10:02:02 (120)    computer FR web, organic
  2   v2     A      03-10 08:00:00    08:00:02 -> end 08:10:02 (600)      phone US android app
  3   v1     A      03-10 09:00:00    never plays (ended 09:01)           computer FR web
  4   v3     B      03-10 10:00:00    10:00:02 -> end 10:00:22 (20)       tablet US ios web, social
  5   v3     A      03-10 11:50:00    11:50:02 -> (ends 12:30, after now) tablet US ios web
  6   v4     A      03-02 15:00:00    15:00:02 -> pause 15:01:02 (60)     computer DE web, referral
  7   v4     A      03-05 09:00:00    09:00:02 -> pause 09:00:05 (3)      computer DE web
  8   v5     A      03-10 13:00:00    in the future: invisible
  9   v2     A      03-08 23:58:00    23:58:02 -> pause 03-09 00:02:02    phone US android app,
                                      (240: 118 on 03-08, 122 on 03-09)   direct (no referrer)
  10  v3     B      03-10 10:20:00    never plays (ended 10:21)           tablet US ios web
  11  v4     A      03-03 10:00:00    never plays (ended 10:01)           computer DE web

Views (5 s of playback): s1 10:00:07, s2 08:00:07, s4 10:00:07, s5 11:50:07, s6 15:00:07,
s9 03-08 23:58:07. Completed by now: s2, s4.

Visits (a viewer's loads within 30 min of the visit's end so far), start -> end (s, pages):
  v1  03-09 10:00:00 -> 10:05:00 (300, 1)       03-10 09:00:00 -> 09:01:00 (60, 1, bounce)
  v2  03-08 23:58:00 -> 03-09 00:03:00 (300, 1) 03-10 08:00:00 -> 08:10:30 (630, 1)
  v3  03-10 10:00:00 -> 10:21:00 (1260, 2)      03-10 11:50:00 -> 11:50:02 (2, 1: last event
                                                before now, as s5 closes after now)
  v4  03-02 15:00:00 -> 15:02:00 (120, 1)       03-03 10:00 -> 10:01 (60, 1, bounce)
      03-05 09:00:00 -> 09:01:00 (60, 1, bounce)
First seen: v4 03-02, v2 03-08, v1 03-09, v3 03-10.
"""

from __future__ import annotations

from tests.support.handmade import S, ev

A = "viAAAAAAAAAAAAAAAAAAAA"
B = "viBBBBBBBBBBBBBBBBBBBB"


def _t(day: int, clock: str) -> str:
    return f"2026-03-{day:02d}T{clock}+00:00"


def _played(
    video: str,
    day: int,
    loaded: str,
    play: str,
    stop: tuple[str, str, float],
    *,
    stop_day: int | None = None,
    **fields: object,
) -> S:
    """Loaded at `loaded`, ready a second later, plays at `play`, then `stop` (kind, when, at)."""
    kind, when, at = stop
    ready = loaded[:-2] + f"{int(loaded[-2:]) + 1:02d}"
    return S(
        video,
        _t(day, loaded),
        [
            ev("ready", _t(day, ready)),
            ev("play", _t(day, play), at=0),
            ev(kind, _t(stop_day or day, when), at=at),
        ],
        **fields,  # type: ignore[arg-type]
    )


def _bounce(video: str, day: int, loaded: str, ended: str, **fields: object) -> S:
    ready = loaded[:-2] + f"{int(loaded[-2:]) + 1:02d}"
    return S(
        video,
        _t(day, loaded),
        [ev("ready", _t(day, ready))],
        ended_at=_t(day, ended),
        **fields,  # type: ignore[arg-type]
    )


FR = {"country": "FR", "continent": "EU", "device": "computer"}
US_APP = {
    "country": "US",
    "continent": "NA",
    "device": "phone",
    "os": "android",
    "browser": "exoplayer",
    "referrer": "",
    "medium": "unknown",
}
US_TABLET = {
    "country": "US",
    "continent": "NA",
    "device": "tablet",
    "os": "ios",
    "browser": "safari",
}
DE = {"country": "DE", "continent": "EU", "device": "computer"}


def sessions() -> list[S]:
    return [
        _played(
            A,
            9,
            "10:00:00",
            "10:00:02",
            ("pause", "10:02:02", 120),
            viewer=1,
            ended_at=_t(9, "10:05:00"),
            referrer="https://www.google.com/",
            **FR,
        ),
        _played(
            A,
            10,
            "08:00:00",
            "08:00:02",
            ("end", "08:10:02", 600),
            viewer=2,
            ended_at=_t(10, "08:10:30"),
            **US_APP,
        ),
        _bounce(A, 10, "09:00:00", "09:01:00", viewer=1, **FR),
        _played(
            B,
            10,
            "10:00:00",
            "10:00:02",
            ("end", "10:00:22", 20),
            viewer=3,
            ended_at=_t(10, "10:00:30"),
            referrer="https://www.facebook.com/",
            medium="social",
            **US_TABLET,
        ),
        S(
            A,
            _t(10, "11:50:00"),
            [ev("ready", _t(10, "11:50:01")), ev("play", _t(10, "11:50:02"), at=0)],
            viewer=3,
            ended_at=_t(10, "12:30:00"),
            **US_TABLET,  # type: ignore[arg-type]
        ),
        _played(
            A,
            2,
            "15:00:00",
            "15:00:02",
            ("pause", "15:01:02", 60),
            viewer=4,
            ended_at=_t(2, "15:02:00"),
            medium="unknown",
            **DE,
        ),
        _played(
            A,
            5,
            "09:00:00",
            "09:00:02",
            ("pause", "09:00:05", 3),
            viewer=4,
            ended_at=_t(5, "09:01:00"),
            **DE,
        ),
        _played(
            A,
            10,
            "13:00:00",
            "13:00:02",
            ("pause", "13:05:00", 298),
            viewer=5,
            ended_at=_t(10, "13:06:00"),
            **FR,
        ),
        _played(
            A,
            8,
            "23:58:00",
            "23:58:02",
            ("pause", "00:02:02", 240),
            stop_day=9,
            viewer=2,
            ended_at=_t(9, "00:03:00"),
            **US_APP,
        ),
        _bounce(B, 10, "10:20:00", "10:21:00", viewer=3, **US_TABLET),
        _bounce(A, 3, "10:00:00", "10:01:00", viewer=4, **DE),
    ]


def unit_hash(sid: int, multiplier: int) -> float:
    """The traits' hash, written out independently: (sid × M) mod 2³² / 2³²."""
    return (sid * multiplier) % 2**32 / 2**32
