"""Convert Natural Earth's 1:110m countries (npm `world-atlas`, TopoJSON) into the package's
compact country shapes, keyed by ISO 3166 alpha-2 (run once; its output is committed).

    npm install world-atlas@2.0.2 i18n-iso-countries@7.14.0   # in any scratch folder
    python tools/build_country_shapes.py SCRATCH/node_modules

Natural Earth is in the public domain; world-atlas (ISC licence) converted it to TopoJSON;
i18n-iso-countries (MIT) gives the numeric-to-alpha-2 code table and the English names of
every code (for countries too small to have a shape, such as Singapore). The output keeps rings of
longitude/latitude in tenths of a degree (about 11 km), with points closer than that dropped.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "explorer/ui/charts/country_shapes.json"
UNCODED = {"Kosovo": "XK"}  # Natural Earth gives no numeric code to these


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's delta-encoded, quantized arcs as absolute longitude/latitude points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _unwrapped(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian made continuous (longitudes past ±180, which the
    map draws again 360° over), and a ring round a pole closed along the map's edge."""
    out = [points[0]]
    shift = 0.0
    for (lon0, _), (lon, lat) in itertools.pairwise(points):
        if lon - lon0 > 180:
            shift -= 360
        elif lon0 - lon > 180:
            shift += 360
        out.append((lon + shift, lat))
    span = out[-1][0] - out[0][0]
    if abs(span) > 180:  # round a pole: down (or up) to it and back along the edge
        pole = -90.0 if min(lat for _, lat in out) < 0 else 90.0
        out += [(out[-1][0], pole), (out[0][0], pole), out[0]]
    return out


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[int]:
    """One ring as a flat [lon10, lat10, …] list of integers."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    points = _unwrapped(points)
    flat: list[int] = []
    last = None
    for lon, lat in points:
        q = (round(lon * 10), round(lat * 10))
        if q != last:
            flat.extend(q)
            last = q
    return flat


def main(node_modules: Path) -> None:
    topology = json.loads((node_modules / "world-atlas/countries-110m.json").read_text())
    codes = json.loads((node_modules / "i18n-iso-countries/codes.json").read_text())
    english = json.loads((node_modules / "i18n-iso-countries/langs/en.json").read_text())
    names = {
        code: name if isinstance(name, str) else name[0]
        for code, name in sorted(english["countries"].items())
    }
    alpha2 = {numeric: a2 for a2, _a3, numeric, *_ in codes}
    arcs = _arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        code = alpha2.get(geometry.get("id") or "", UNCODED.get(name, ""))
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [_ring(ring, arcs) for polygon in polygons for ring in polygon]
        rings = [r for r in rings if len(r) >= 6]  # three points at least
        countries.append({"code": code, "name": name, "rings": rings})
    countries.sort(key=lambda c: (c["code"], c["name"]))
    document = {
        "origin": "Natural Earth 1:110m Admin 0 countries (public domain, naturalearthdata.com), "
        "as TopoJSON by the npm package world-atlas 2.0.2 (ISC); ISO codes from "
        "i18n-iso-countries 7.14.0 (MIT); converted by tools/build_country_shapes.py",
        "licence": "public domain (Natural Earth)",
        "units": "rings of longitude, latitude pairs in tenths of a degree",
        "names": names,
        "countries": countries,
    }
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"{len(countries)} countries, {OUT.stat().st_size} bytes -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
