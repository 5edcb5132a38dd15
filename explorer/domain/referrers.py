"""Referrer URLs grouped by site (host name), for a breakdown by referrer."""

from __future__ import annotations

import math
from dataclasses import replace
from urllib.parse import urlsplit

import numpy as np

from explorer.domain.frames import BucketFrame

SITE_BREAKDOWN = "referrer-site"
"""The breakdown name of a frame grouped by site (what its CSV header says)."""


def site_of(referrer: str) -> str:
    """The site a referrer URL belongs to: its host name, lower case, without a leading
    ``www.`` (``https://www.Blog.example.com/post?x=1`` -> ``blog.example.com``). An empty
    referrer stays empty; a value with no host name (an app's identifier) stays as it is."""
    text = referrer.strip()
    if not text:
        return ""
    try:
        host = urlsplit(text if "//" in text else f"//{text}").hostname
    except ValueError:  # a malformed host (an unclosed IPv6 bracket): keep the value
        return text
    if not host:
        return text
    return host.removeprefix("www.")


def can_group_by_site(frame: BucketFrame) -> str:
    """Why the frame cannot be grouped by site ("" when it can)."""
    if frame.context.breakdown != "referrer":
        return "only a breakdown by referrer can be grouped by site"
    if frame.other_count:
        return "a frame already folded into Other cannot be grouped"
    if not frame.context.is_additive:
        return (
            f"{frame.context.metric} values do not add up across referrers "
            "(unique viewers, averages and rates would be counted twice)"
        )
    return ""


def group_by_site(frame: BucketFrame) -> BucketFrame:
    """The referrers' values summed per site, largest first (ties in order of first
    appearance); ValueError, in words, when the metric does not add up (see
    `can_group_by_site`). A NaN value makes its site's sum NaN: it is not known."""
    reason = can_group_by_site(frame)
    if reason:
        raise ValueError(reason)
    sums: dict[str, float] = {}
    for referrer, value in zip(frame.dimensions, frame.values, strict=True):
        site = site_of(str(referrer))
        sums[site] = sums.get(site, 0.0) + float(value)
    order = sorted(sums, key=lambda s: (math.isnan(sums[s]), -sums[s] if sums[s] == sums[s] else 0))
    return replace(
        frame,
        context=replace(frame.context, breakdown=SITE_BREAKDOWN),
        dimensions=np.array(order, dtype=object),
        values=np.array([sums[s] for s in order], dtype=np.float64),
    )
