"""The APIs the sandbox can serve, by name (`SandboxService(flavor=…)`, `sandbox --flavor`).

Each flavour's module is imported when a service of that flavour starts: the command line
names them all, and the api.video demo starts, without loading VideoCloud's."""

from __future__ import annotations

from explorer.sandbox.flavor import Flavor, FlavorFactory, Served


def _apivideo(served: Served) -> Flavor:
    from explorer.sandbox.apivideo import ApiVideoFlavor

    return ApiVideoFlavor(served)


def _videocloud(served: Served) -> Flavor:
    from explorer.sandbox.videocloud import VideoCloud

    return VideoCloud(served)


FLAVORS: dict[str, FlavorFactory] = {
    "apivideo": _apivideo,
    "videocloud": _videocloud,
}
