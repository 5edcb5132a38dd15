"""`retention` and `engagement` against a loopback sandbox serving the hand-built scenario
(tests/support/scenario.py), every figure worked out by hand from its events.

Video A (600 s) on 2026-03-10: s2 plays 0-60, seeks forward 60 -> 300, plays 300-360, pauses,
resumes 360-600 and ends; s4 plays 0-4 (plan=premium). Video B (20 s): s3 is ready and never
plays; s7 plays 0-20 and ends.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from explorer import cli, commands
from tests.support.handmade import NOW
from tests.support.scenario import A, B, sessions
from tests.unit.conftest import Serve

KEY_VAR = "EXPLORER_TEST_KEY"
DAY = ["--period", "2026-03-10"]


@pytest.fixture
def connection(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv(KEY_VAR, "sandbox-local-key")
    monkeypatch.setattr(commands, "now", lambda: datetime.fromisoformat(NOW))
    api: httpx.Client = serve(sessions())
    return ["--base-url", str(api.base_url), "--api-key-env", KEY_VAR, "--tz", "Europe/Paris"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows_of(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def expected_viewers() -> list[int]:
    return [2] * 4 + [1] * 56 + [0] * 240 + [1] * 300


def test_retention_writes_one_row_per_second(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "retention", "--video", A, *DAY, "--sample", "all", "--format", "csv", *connection
    )
    assert code == 0, err
    rows = rows_of(out)
    assert list(rows[0]) == ["second", "viewers", "share", "rewatch", "low", "high", "skipped"]
    assert [int(r["second"]) for r in rows] == list(range(600))
    assert [int(r["viewers"]) for r in rows] == expected_viewers()
    assert [float(r["share"]) for r in rows[:5]] == [1.0, 1.0, 1.0, 1.0, 0.5]
    assert rows[100]["share"] == "0" and rows[300]["share"] == "0.5"
    assert [float(r["skipped"]) for r in rows[59:62]] == [0.0, 0.5, 0.5]
    assert all(r["low"] == r["share"] == r["high"] for r in rows)  # every session: exact
    assert "2 of 2 sessions: 2 events requests" in err  # the cost, said first
    assert "from all 2 sessions" in err
    assert "At 0:30, 50% of viewers were still watching" in err


def test_retention_split_by_country_leads_with_the_value(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "retention", "--video", A, *DAY, "--split-by", "country", "--format", "csv",
        *connection,
    )  # fmt: skip
    assert code == 0, err
    rows = rows_of(out)
    assert list(rows[0])[:2] == ["country", "second"]
    france = [int(r["viewers"]) for r in rows if r["country"] == "France"]
    usa = [r for r in rows if r["country"] == "United States"]
    assert france == [1] * 4 + [0] * 596
    assert [float(r["share"]) for r in usa[58:62]] == [1.0, 1.0, 0.0, 0.0]


def test_retention_json_says_what_the_curve_rests_on(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "retention", "--video", A, *DAY, "--sample", "1", "--format", "json", *connection
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["kind"] == "retention" and data["duration_s"] == 600
    assert data["sampled"] is True and data["basis"] == "a random sample of 1 of 2 sessions"
    assert data["partial"] is False  # a sample, but nothing missing from it
    assert data["band"] == "Wilson score interval, 95 %"
    assert data["stopped"] == "sample size"
    first = data["rows"][0]
    assert float(first["low"]) < float(first["share"]) <= float(first["high"])  # a band


def test_a_request_budget_stops_the_sample(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "retention", "--video", A, *DAY, "--sample", "all", "--budget", "1",
        "--format", "json", *connection,
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["stopped"] == "request budget" and data["sampled"] is True
    assert data["basis"] == "a random sample of 1 of 2 sessions"


def test_the_same_seed_draws_the_same_sample(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    def draw(seed: str) -> list[str]:
        code, out, err = run(
            capsys, "retention", "--video", A, *DAY, "--sample", "1", "--seed", seed,
            "--format", "csv", *connection,
        )  # fmt: skip
        assert code == 0, err
        return [r["viewers"] for r in rows_of(out)]

    assert draw("7") == draw("7")
    assert {tuple(draw(str(seed))) for seed in range(6)} == {
        tuple(["1"] * 4 + ["0"] * 596),  # s4 alone
        tuple(["1"] * 60 + ["0"] * 240 + ["1"] * 300),  # s2 alone
    }


def test_engagement_per_video(connection: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "engagement", "--video", A, B, *DAY, "--sample", "all", "--format", "csv",
        *connection,
    )  # fmt: skip
    assert code == 0, err
    a, b = rows_of(out)
    assert (a["video_id"], a["title"], a["duration_s"]) == (A, "Algebra 1", "600")
    assert (a["sessions"], a["played"], a["completion_rate"]) == ("2", "2", "0.5")
    # watched: s2 360/600, s4 4/600; watch time 360 and 4
    assert float(a["mean_watched"]) == (0.6 + 4 / 600) / 2
    assert a["median_watch_time_s"] == "182"
    assert a["est_median_ready_s"] == "1.25"  # 2 s and 0.5 s
    assert a["est_median_time_to_first_play_s"] == "6.25"  # 8 s and 4.5 s
    assert (a["est_ready_never_played"], a["est_stall_s"]) == ("0", "0")
    assert (b["sessions"], b["played"], b["completion_rate"]) == ("2", "1", "1")
    assert (b["mean_watched"], b["est_ready_never_played"]) == ("1", "1")


def test_engagement_by_metadata_is_the_viewer_report(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "engagement", "--video", A, *DAY, "--by-metadata", "plan", "--format", "csv",
        *connection,
    )  # fmt: skip
    assert code == 0, err
    assert rows_of(out) == [
        {
            "video_id": A,
            "plan": "premium",
            "sessions": "1",
            "watched": "0.006666666666666667",
            "completed": "no",
            "last_seen": "2026-03-10T09:02:00+01:00",
        }
    ]


def test_engagement_split_by_device(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "engagement", "--video", A, *DAY, "--split-by", "device-type", "--sample", "all",
        "--format", "csv", *connection,
    )  # fmt: skip
    assert code == 0, err
    rows = {r["device-type"]: r for r in rows_of(out)}
    assert rows["phone"]["completion_rate"] == "1"
    assert rows["computer"]["completion_rate"] == "0"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sample", "0"], "at least one session"),
        (["--sample", "many"], "a number of sessions or 'all'"),
        (["--precision", "2"], "between 0 and 1"),
    ],
)
def test_bad_options_exit_2(
    connection: list[str], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["retention", "--video", A, *DAY, *argv, *connection])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_an_unknown_video_exits_3_and_writes_nothing(
    connection: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "curve.csv"
    code, out, err = run(
        capsys, "retention", "--video", "viNOPE", *DAY, "--out", str(target), *connection
    )
    assert code == 3 and not target.exists() and out == ""
    assert "videoId" in err


def test_out_is_written_whole(
    connection: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "curve.csv"
    code, _, err = run(
        capsys, "retention", "--video", A, *DAY, "--format", "csv", "--out", str(target),
        *connection,
    )  # fmt: skip
    assert code == 0 and "wrote 600 rows" in err
    assert [int(r["viewers"]) for r in rows_of(target.read_text())] == expected_viewers()
    assert [p.name for p in target.parent.iterdir()] == ["curve.csv"]


def test_the_built_in_demo_serves_retention(capsys: pytest.CaptureFixture[str]) -> None:
    """No connection option: the built-in sandbox, as every command."""
    demo = ["--sandbox-scale", "small", "--sandbox-now", "2026-01-01T00:00:00Z"]
    code, out, err = run(capsys, "assets", "videos", "--format", "json", *demo)
    assert code == 0, err
    video = json.loads(out)["rows"][0]["video_id"]
    code, out, err = run(
        capsys, "retention", "--video", video, "--period", "2025-12", "--sample", "20",
        "--format", "json", *demo,
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert len(data["rows"]) == math.ceil(data["duration_s"])
    assert data["basis"].startswith("a random sample of 20 of ")
    assert "20 events requests" in err


def test_a_period_without_sessions_gives_a_curve_of_nobody(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "retention", "--video", B, "--period", "2026-03-01", "--format", "json",
        *connection,
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["basis"] == "all 0 sessions" and data["groups"][0]["played"] == 0
    assert [r["viewers"] for r in data["rows"]] == ["0"] * 20


def test_the_split_help_names_every_dimension() -> None:
    from explorer.retention_command import SPLIT_HELP
    from explorer.services.audience_splits import DIMENSIONS

    assert all(name in SPLIT_HELP for name in DIMENSIONS)


@pytest.mark.parametrize(
    ("argv", "size"),
    [
        (["retention"], 500),
        (["engagement"], 500),
        (["engagement", "--by-metadata", "learner"], None),  # who watched: every session
        (["engagement", "--by-metadata", "learner", "--sample", "20"], 20),
        (["retention", "--sample", "all"], None),
    ],
)
def test_the_default_sample(argv: list[str], size: int | None) -> None:
    from explorer.retention_command import _check

    args = cli.build_parser().parse_args([*argv, "--video", A, *DAY, "--tz", "UTC"])
    _check(args)
    assert args.sample == size


def test_times_are_written_to_a_tenth_of_a_millisecond() -> None:
    from explorer.domain.engagement import Engagement
    from explorer.services.retention_tables import FIGURE_COLUMNS, figures_row

    noisy = Engagement(
        duration=717.0, sessions=3, played=2, completion_rate=1 / 3, mean_watched=0.5,
        median_watched=0.5, median_watch_time_s=326.0, median_ready_s=0.8874999284744263,
        median_to_first_play_s=2.884999990463257, ready_never_played=1, median_stall_s=None,
        stall_s=23.580000162124634, stalled=1,
    )  # fmt: skip
    row = dict(zip(FIGURE_COLUMNS, figures_row(A, "t", 3, 3, noisy), strict=True))
    assert (row["est_median_ready_s"], row["est_median_time_to_first_play_s"]) == (
        "0.8875",
        "2.885",
    )
    assert (row["est_stall_s"], row["est_median_stall_s"]) == ("23.58", "")
    assert row["completion_rate"] == "0.3333333333333333"  # shares: as computed


@pytest.mark.parametrize(
    ("choice", "titles"),
    [
        (["--tag", "course"], ["Algebra 1"]),  # tests/support/handmade.py: maths, course
        (["--tag", "ad"], ["Spring ad"]),
        (["--search", "ALGEBRA"], ["Algebra 1"]),  # the tree's search: any case, the title
        (["--search", "a"], ["Algebra 1", "Spring ad"]),  # ... or a tag ("ad", "maths")
        (["--search", "viBBBB"], ["Spring ad"]),  # ... or the id
    ],
)
def test_engagement_of_the_videos_of_a_tag_or_a_search(
    connection: list[str], capsys: pytest.CaptureFixture[str], choice: list[str], titles: list[str]
) -> None:
    """A course's lessons at once, as the Retention tab compares them: the same figures as
    naming the videos one by one."""
    code, out, err = run(
        capsys, "engagement", *choice, *DAY, "--sample", "all", "--format", "csv", *connection
    )
    assert code == 0, err
    rows = rows_of(out)
    assert [r["title"] for r in rows] == titles
    ids = [r["video_id"] for r in rows]
    assert f"engagement: {len(ids)} videos" in err
    _, named, _ = run(
        capsys, "engagement", "--video", *ids, *DAY, "--sample", "all", "--format", "csv",
        *connection,
    )  # fmt: skip
    assert rows == rows_of(named)


def test_engagement_of_a_tag_no_video_has_fails_saying_so(
    connection: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "engagement", "--tag", "cooking", *DAY, *connection)
    assert (code, out) == (commands.EXIT_API, "")
    assert "no video is tagged 'cooking'; nothing was written" in err
    code, out, err = run(capsys, "engagement", "--search", "  ", *DAY, *connection)
    assert (code, out) == (commands.EXIT_USAGE, "")
    assert "--search: the text is empty" in err
    with pytest.raises(SystemExit) as stopped:  # one way of choosing the videos
        cli.main(["engagement", "--tag", "ad", "--video", A, *DAY, *connection])
    assert stopped.value.code == 2
