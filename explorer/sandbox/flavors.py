"""The APIs the sandbox can serve, by name (`SandboxService(flavor=…)`, `sandbox --flavor`)."""

from __future__ import annotations

from explorer.sandbox.apivideo import ApiVideoFlavor
from explorer.sandbox.flavor import FlavorFactory
from explorer.sandbox.videocloud import VideoCloud

FLAVORS: dict[str, FlavorFactory] = {
    "apivideo": ApiVideoFlavor,
    "videocloud": VideoCloud,
}
