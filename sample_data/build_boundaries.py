"""Build data_access/reference/lac_boundaries.geojson from world-atlas's Natural Earth TopoJSON.

Sample-data tooling: `python sample_data/build_boundaries.py PATH/countries-50m.json`, deterministic
(same input, same bytes). Source, version and licence: data_access/reference/BOUNDARIES.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script, the repository is not on the path
    sys.path.insert(0, str(REPO))

from data_access.core.catalogues import lac_countries  # noqa: E402

OUT = REPO / "data_access" / "reference" / "lac_boundaries.geojson"
DECIMALS = 2  # about 1 km: finer than any chart draws
MIN_RING_AREA = 0.004  # square degrees (about 50 km2); smaller islets are dropped, never a whole country

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Absolute coordinates of every arc: undo the delta encoding, then the quantisation."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def stitch(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    """One closed ring from arc indexes; a negative index ~i is arc i reversed."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def signed_area(ring: list[Point]) -> float:
    """Shoelace area in square degrees; negative when clockwise (d3's orientation for an exterior)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)) / 2


def round_ring(ring: list[Point]) -> list[list[float]]:
    """Coordinates rounded to DECIMALS, repeated points dropped, the ring kept closed."""
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or point != out[-1]:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def orient(ring: list[list[float]], exterior: bool) -> list[list[float]] | None:
    """The ring wound as d3 expects (exterior clockwise, hole anticlockwise); None when too small."""
    area = signed_area([(x, y) for x, y in ring])
    if len(ring) < 4 or abs(area) < MIN_RING_AREA:
        return None
    return ring if (area < 0) == exterior else ring[::-1]


def polygons(geometry: dict, arcs: list[list[Point]]) -> list[list[list[list[float]]]]:
    """The geometry's polygons, rounded, oriented and without islets (the largest always kept)."""
    raw = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    kept, largest = [], None
    for polygon in raw:
        rings = [round_ring(stitch(ring, arcs)) for ring in polygon]
        outer = orient(rings[0], exterior=True)
        size = abs(signed_area([(x, y) for x, y in rings[0]]))
        if largest is None or size > largest[0]:
            largest = (size, rings[0])
        if outer is not None:
            holes = [h for h in (orient(r, exterior=False) for r in rings[1:]) if h is not None]
            kept.append([outer, *holes])
    if not kept and largest is not None:
        ring = largest[1] if signed_area([(x, y) for x, y in largest[1]]) < 0 else largest[1][::-1]
        kept.append([ring])
    return kept


def build(topology: dict) -> dict:
    """A FeatureCollection of the 33 LAC countries, sorted by ISO3, properties iso3 and name."""
    arcs = decode_arcs(topology)
    by_numeric = {g["id"]: g for g in topology["objects"]["countries"]["geometries"] if "id" in g}
    features = []
    for country in lac_countries():
        geometry = by_numeric.get(country.numeric)
        if geometry is None:
            print(f"missing at this scale: {country.iso3} ({country.numeric})", file=sys.stderr)
            continue
        parts = polygons(geometry, arcs)
        shape = {"type": "Polygon", "coordinates": parts[0]}
        if len(parts) > 1:
            shape = {"type": "MultiPolygon", "coordinates": parts}
        props = {"iso3": country.iso3, "name": geometry["properties"]["name"]}
        features.append({"type": "Feature", "properties": props, "geometry": shape})
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("topojson", type=Path, help="countries-50m.json from the world-atlas package")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    collection = build(json.loads(args.topojson.read_text(encoding="utf-8")))
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(collection['features'])} countries, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
