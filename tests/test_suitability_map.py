"""Tests of cmgis.maps.suitability: display lookup, colours, PNG, legend, map HTML."""

import base64
import io

import numpy as np
from affine import Affine
from PIL import Image
from pyproj import Transformer

from cmgis.maps.suitability import (
    base_map,
    display_lookup,
    png_data_url,
    ramp_colours,
    suitability_legend_html,
    surface_layer,
    surface_rgba,
)
from cmgis.suitability.criteria import (
    CriteriaStack,
    Criterion,
    Grid,
    Normalisation,
    normalise_stack,
)
from cmgis.suitability.surface import weighted_surface

UTM = "EPSG:32647"


def tiny():
    # 4x4 grid of 100 m cells; the top-left cell is outside the extent
    grid = Grid(UTM, Affine(100.0, 0, 500_000.0, 0, -100.0, 2_080_000.0), 4, 4)
    cell_index = np.arange(1, 16, dtype=np.int64)
    raw = np.linspace(0, 1, 15, dtype=np.float32)[None, :]
    raw[0, -1] = np.nan  # bottom-right cell: no data
    stack = CriteriaStack(grid, ("a",), cell_index, raw, np.full(15, np.inf, np.float32))
    crit = Criterion(
        "a",
        "a",
        "a",
        "",
        "",
        "",
        "inside",
        (),
        "benefit",
        Normalisation("linear", 0.0, 1.0),
        "full",
    )
    return stack, weighted_surface(normalise_stack(stack, [crit]), {"a": 1})


def test_lookup_maps_pixels_to_the_right_cells():
    stack, _ = tiny()
    lk = display_lookup(stack, max_px=40)
    (s, w), (n, e) = lk.bounds_latlon
    assert s < n
    assert w < e
    h, wpx = lk.position.shape
    to_merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    to_utm = Transformer.from_crs("EPSG:3857", UTM, always_xy=True)
    (mx0, mx1), (my0, my1) = to_merc.transform([w, e], [s, n])
    for r, c in [(0, 0), (h // 2, wpx // 2), (h - 1, wpx - 1), (3, wpx - 4)]:
        mx = mx0 + (c + 0.5) * (mx1 - mx0) / wpx
        my = my1 - (r + 0.5) * (my1 - my0) / h
        x, y = to_utm.transform(mx, my)
        col, row = int((x - 500_000) // 100), int((2_080_000 - y) // 100)
        flat = row * 4 + col
        expected = flat - 1 if (0 <= col < 4 and 0 <= row < 4 and flat != 0) else -1
        assert lk.position[r, c] == expected


def test_rgba_is_transparent_without_a_score_and_png_round_trips():
    stack, surface = tiny()
    lk = display_lookup(stack, max_px=40)
    rgba = surface_rgba(surface, lk, opacity=0.5)
    shown = lk.position >= 0
    unscored = ~shown | (lk.position == 14)
    assert (rgba[unscored, 3] == 0).all()
    assert (rgba[~unscored, 3] == 128).all()
    # cell 13 scores 13/14 * 100 = 92.86 -> ramp entry round(0.9286 * 255) = 237
    best = lk.position == 13
    assert (rgba[best][:, :3] == ramp_colours()[237][:3]).all()
    assert (rgba[lk.position == 0][:, :3] == ramp_colours()[0][:3]).all()
    url = png_data_url(rgba)
    img = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert img.size == (rgba.shape[1], rgba.shape[0])
    assert np.array_equal(np.asarray(img), rgba)


def test_legend_and_map_escape_text_and_carry_credits():
    stack, surface = tiny()
    lk = display_lookup(stack, max_px=40)
    legend = suitability_legend_html("Score <b>", "note <script>alert(1)</script>")
    assert "<script>" not in legend
    assert "&lt;script&gt;" in legend
    m = base_map(lk, legend=legend)
    surface_layer(surface, lk, name="surface").add_to(m)
    page = m.get_root().render()
    assert "OpenStreetMap contributors" in page
    assert "Copernicus DEM GLO-90" in page
    assert "data:image/png;base64," in page
    assert "<script>alert(1)" not in page
    assert ".leaflet-control-attribution{font-size:10px" in page  # credits fit on the map
