"""Simulated per-session figures of the VideoCloud sandbox: likes, quality, errors, by formula.

The dataset has no likes, comments, shares, bitrates, buffering or player errors, so each
session gets them from a fixed hash of its row id `sid` (the same answer on every request
and in every window, so sums over days equal the figure over the period):

    u(sid, trait) = (sid × M[trait]) mod 2³² / 2³²       (a number in [0, 1))

    liked       u(sid, "like") < 0.10      (counted over views only)
    commented   u(sid, "comment") < 0.02
    shared      u(sid, "share") < 0.015
    errored     u(sid, "error") < 0.01     (counted over sessions loaded)
    bitrate     BITRATE_KBPS[device] × (0.75 + 0.5 × u(sid, "bitrate")), rounded to kbit/s
    buffering   BUFFERING[device] × 2 × u(sid, "buffering")   (share of its playing time)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MULTIPLIERS = {
    "like": 2_654_435_761,
    "comment": 2_246_822_519,
    "share": 3_266_489_917,
    "error": 3_323_198_485,
    "bitrate": 668_265_263,
    "buffering": 374_761_393,
    "incident": 2_869_860_233,  # system outages, hashed on the hour's index
    "outage": 1_500_450_271,
}
LIKE_P, COMMENT_P, SHARE_P, ERROR_P = 0.10, 0.02, 0.015, 0.01
BITRATE_KBPS = {"computer": 4500.0, "tv": 6000.0, "tablet": 3000.0, "phone": 1800.0}
BUFFERING = {"computer": 0.01, "tv": 0.008, "tablet": 0.02, "phone": 0.03}
DEFAULT_BITRATE_KBPS, DEFAULT_BUFFERING = 2500.0, 0.02

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def unit_hash(sids: Ints, trait: str) -> Floats:
    product = sids.astype(np.uint64) * np.uint64(MULTIPLIERS[trait])  # wraps mod 2⁶⁴
    low = product & np.uint64(0xFFFFFFFF)  # = sid × M mod 2³²
    return np.asarray(low.astype(np.float64) / 2.0**32, dtype=np.float64)


def liked(sids: Ints) -> Bools:
    return unit_hash(sids, "like") < LIKE_P


def commented(sids: Ints) -> Bools:
    return unit_hash(sids, "comment") < COMMENT_P


def shared(sids: Ints) -> Bools:
    return unit_hash(sids, "share") < SHARE_P


def errored(sids: Ints) -> Bools:
    return unit_hash(sids, "error") < ERROR_P


def _by_device(devices: list[str], table: dict[str, float], default: float) -> Floats:
    return np.array([table.get(d, default) for d in devices], dtype=np.float64)


def bitrate_kbps(sids: Ints, devices: list[str]) -> Floats:
    base = _by_device(devices, BITRATE_KBPS, DEFAULT_BITRATE_KBPS)
    return np.asarray(np.round(base * (0.75 + 0.5 * unit_hash(sids, "bitrate"))), np.float64)


def buffering(sids: Ints, devices: list[str]) -> Floats:
    base = _by_device(devices, BUFFERING, DEFAULT_BUFFERING)
    return np.asarray(base * 2.0 * unit_hash(sids, "buffering"), np.float64)


DEVICE_NAMES = {"computer": "desktop", "phone": "mobile", "tablet": "tablet", "tv": "tv"}


def device_name(device_type: str) -> str:
    """The seed's device words: desktop, mobile, tablet, tv (else "other")."""
    return DEVICE_NAMES.get(device_type, "other")


def platform(client_type: str, os_name: str) -> str:
    """web for a browser; ios or android for a mobile app; else other."""
    if client_type == "browser":
        return "web"
    if os_name in ("ios", "android"):
        return os_name
    return "other"


def source(medium: str, url: str) -> str:
    """Where a viewer came from: organic, social, paid, referral (another site), direct."""
    if medium in ("organic", "social", "paid"):
        return medium
    return "referral" if url else "direct"
