"""The hand-built scenario most semantics tests share, with its answers worked out by hand.

Now is 2026-03-10T12:00Z. A is a 600 s course video, B a 20 s ad, C a live stream:
  s1  A viewer1 FR  ready 03-09 23:50:01 (1000 ms) plays 23:55 -> 00:15 (1200 s), over midnight
  s2  A viewer2 US phone, mobile app (no referrer)   ready 08:00:02 (2000 ms)
      plays 08:00:10 -> 08:02:10 (seek 60 -> 300 at 08:01:10), 08:05:00 -> end 08:09 (360 s)
  s3  B viewer1 FR  ready 08:00:33 (3000 ms), never plays
  s4  A viewer1 FR  ready 08:01:00.5 (500 ms), plays 08:01:05 -> 08:01:09 (4 s), plan=premium
  s5  C viewer3 US tv ready 11:00:01 (1000 ms), plays from 11:00:05; pauses at 12:30 (in the future)
  s6  A viewer4 FR  loads at 13:00 (in the future): invisible
  s7  B viewer2 US  ready 09:00:01 (1000 ms), plays 09:00:02 -> end 09:00:22 (20 s)
  s8  C viewer3 US tv (a second tab) ready 11:10:01 (1000 ms), plays 11:10:02 -> 11:20:02 (600 s)
"""

from __future__ import annotations

from tests.support.handmade import S, ev

A = "viAAAAAAAAAAAAAAAAAAAA"
B = "viBBBBBBBBBBBBBBBBBBBB"
C = "liCCCCCCCCCCCCCCCCCCCC"
D = "2026-03-10T"


def sessions() -> list[S]:
    return [
        S(
            A,
            "2026-03-09T23:50:00+00:00",
            [
                ev("ready", "2026-03-09T23:50:01+00:00"),
                ev("play", "2026-03-09T23:55:00+00:00", at=0),
                ev("pause", D + "00:15:00+00:00", at=1200),
            ],
            viewer=1,
            ended_at=D + "00:16:00+00:00",
        ),
        S(
            A,
            D + "08:00:00+00:00",
            [
                ev("ready", D + "08:00:02+00:00"),
                ev("play", D + "08:00:10+00:00", at=0),
                ev("seek.forward", D + "08:01:10+00:00", frm=60, to=300),
                ev("pause", D + "08:02:10+00:00", at=360),
                ev("resume", D + "08:05:00+00:00", at=360),
                ev("end", D + "08:09:00+00:00", at=600),
            ],
            viewer=2,
            ended_at=D + "08:09:30+00:00",
            country="US",
            continent="NA",
            device="phone",
            os="ios",
            browser="safari",
            referrer="",
        ),
        S(
            B,
            D + "08:00:30+00:00",
            [ev("ready", D + "08:00:33+00:00")],
            viewer=1,
            ended_at=D + "08:01:00+00:00",
        ),
        S(
            A,
            D + "08:01:00+00:00",
            [
                ev("ready", D + "08:01:00.500+00:00"),
                ev("play", D + "08:01:05+00:00", at=0),
                ev("pause", D + "08:01:09+00:00", at=4),
            ],
            viewer=1,
            ended_at=D + "08:02:00+00:00",
            metadata=[{"key": "plan", "value": "premium"}],
        ),
        S(
            C,
            D + "11:00:00+00:00",
            [
                ev("ready", D + "11:00:01+00:00"),
                ev("play", D + "11:00:05+00:00", at=0),
                ev("pause", D + "12:30:00+00:00", at=5395),
            ],
            viewer=3,
            country="US",
            continent="NA",
            device="tv",
            os="android",
            browser="chrome",
        ),
        S(
            A,
            D + "13:00:00+00:00",
            [
                ev("ready", D + "13:00:01+00:00"),
                ev("play", D + "13:00:05+00:00", at=0),
            ],
            viewer=4,
        ),
        S(
            B,
            D + "09:00:00+00:00",
            [
                ev("ready", D + "09:00:01+00:00"),
                ev("play", D + "09:00:02+00:00", at=0),
                ev("end", D + "09:00:22+00:00", at=20),
            ],
            viewer=2,
            ended_at=D + "09:00:23+00:00",
            country="US",
            continent="NA",
        ),
        S(
            C,
            D + "11:10:00+00:00",
            [
                ev("ready", D + "11:10:01+00:00"),
                ev("play", D + "11:10:02+00:00", at=0),
                ev("pause", D + "11:20:02+00:00", at=600),
            ],
            viewer=3,
            ended_at=D + "11:21:00+00:00",
            country="US",
            continent="NA",
            device="tv",
            os="android",
            browser="chrome",
        ),
    ]
