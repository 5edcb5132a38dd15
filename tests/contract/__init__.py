"""The API contract the tests hold the code to, kept in the repository (see ORIGIN.md).

* `api-video/`: api.video's three OpenAPI documents and their digest, API.md;
* `videocloud/examples.json`: every request/response example of the VideoCloud reference
  (seed 004), each body exactly as the seed prints it.

`refresh.py` copies them again from the project's shared folder when that changes; no test
reads anything outside the repository.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONTRACT_DIR = Path(__file__).resolve().parent
API_VIDEO_DIR = CONTRACT_DIR / "api-video"
VIDEOCLOUD_EXAMPLES = CONTRACT_DIR / "videocloud" / "examples.json"


def videocloud_examples() -> list[tuple[str, Any]]:
    """(request line without its query, response body) for each example, in the seed's order."""
    document = json.loads(VIDEOCLOUD_EXAMPLES.read_text(encoding="utf-8"))
    return [(example["request"], example["response"]) for example in document["examples"]]
