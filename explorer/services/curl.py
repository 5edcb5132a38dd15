"""A question as the exact curl command that sends it, with the API key left as a variable.

Each kind of source has its own form and its own variable (`SourceKind.key_variable`):
api.video's sends the key as HTTP Basic, VideoCloud's as a Bearer token.
"""

from __future__ import annotations

import shlex

from explorer.domain.query import Query
from explorer.domain.videocloud_catalogue import ReportRequest

API_VIDEO_KEY = "API_VIDEO_KEY"
VIDEOCLOUD_KEY = "VIDEOCLOUD_KEY"


def curl_command(base_url: str, query: Query, key_variable: str = API_VIDEO_KEY) -> str:
    """``curl --get URL --user "$API_VIDEO_KEY:" --data-urlencode 'from=…' …`` (HTTP Basic:
    the key is the user name, the password is empty). The key never appears, only the
    variable, which the shell expands, so it stays double-quoted."""
    url = base_url.rstrip("/") + query.path()
    lines = [f"curl --get {shlex.quote(url)}", f'--user "${key_variable}:"']
    lines += [
        f"--data-urlencode {shlex.quote(f'{name}={value}')}" for name, value in query.to_params()
    ]
    return " \\\n  ".join(lines)


def videocloud_curl(
    base_url: str, request: ReportRequest, key_variable: str = VIDEOCLOUD_KEY
) -> str:
    """The VideoCloud request as curl (``Authorization: Bearer`` with the key's variable)."""
    path, params = request.target()
    url = base_url.rstrip("/") + path
    lines = [f"curl --get {shlex.quote(url)}", f'--header "Authorization: Bearer ${key_variable}"']
    lines += [f"--data-urlencode {shlex.quote(f'{name}={value}')}" for name, value in params]
    return " \\\n  ".join(lines)
