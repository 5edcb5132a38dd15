"""Copy the contract into tests/contract again from the project's shared folder (or `--check`).

    python -m tests.contract.refresh [--check] [--shared DIR]

The shared folder (default: `../shared` beside the repository) holds api.video's specs and
the product's seeds; the tests never read it, only the copies this writes. `--check` writes
nothing and exits 1 when a copy differs from its source, listing which.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from tests.contract import API_VIDEO_DIR, CONTRACT_DIR, VIDEOCLOUD_EXAMPLES

REPO_ROOT = CONTRACT_DIR.parents[1]
API_VIDEO_FILES = (
    "openapi.yaml",
    "openapi-2023-09-raw-statistics.yaml",
    "openapi-2024-07-analytics-v1-plays.yaml",
    "API.md",
)
SEED_GLOB = "004_*.txt"
_FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)


def seed_examples(seed_text: str) -> list[dict[str, Any]]:
    """Each ```json block of the seed with the ```http request line before it (query dropped)."""
    examples: list[dict[str, Any]] = []
    request = ""
    for language, text in _FENCE.findall(seed_text):
        if language == "http":
            request = text.strip().splitlines()[0].split("?")[0]
        elif language == "json":
            examples.append({"request": request, "response": json.loads(text)})
    return examples


def wanted(shared: Path) -> dict[Path, bytes]:
    """What each copy should hold, from the shared folder."""
    files = {
        API_VIDEO_DIR / name: (shared / "api-video" / name).read_bytes() for name in API_VIDEO_FILES
    }
    (seed,) = sorted((shared / "seeds").glob(SEED_GLOB))
    document = {
        "origin": f"seeds/{seed.name} (sha256 {hashlib.sha256(seed.read_bytes()).hexdigest()}): "
        "its ```json response examples, each after the ```http request it answers",
        "examples": seed_examples(seed.read_text(encoding="utf-8")),
    }
    files[VIDEOCLOUD_EXAMPLES] = (
        json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    ).encode()
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = parser.parse_args(argv)
    if not (args.shared / "api-video").is_dir():
        parser.error(f"no shared folder at {args.shared} (give --shared DIR)")
    files = wanted(args.shared)
    stale = [
        path for path, data in files.items() if not path.is_file() or path.read_bytes() != data
    ]
    for path in stale:
        print(f"{'differs' if args.check else 'updated'}: {path.relative_to(REPO_ROOT)}")
    if args.check:
        return 1 if stale else 0
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
