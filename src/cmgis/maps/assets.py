"""Offline map assets: folium's scripts and styles from ``static/vendor`` instead of CDNs.

A workshop hall may have no internet: `use_local_assets` points folium's classes at the
copies under ``static/vendor`` (fetched by ``scripts/vendor_assets.sh``, listed in
``static/vendor/README.md``), `use_cdn_assets` gives them their public URLs back.
"""

from __future__ import annotations

import folium
import folium.plugins

#: Where each asset folium's classes load lives under ``static/vendor/`` (see
#: ``static/vendor/README.md`` and ``scripts/vendor_assets.sh``), keyed by the name folium
#: gives it in ``default_js``/``default_css``.
LOCAL_ASSETS: dict[str, str] = {
    # folium.Map
    "leaflet": "leaflet-1.9.3/leaflet.js",
    "leaflet_icon_path": "cmgis/leaflet-icon-path.js",
    "jquery": "jquery-3.7.1/jquery.min.js",
    "bootstrap": "bootstrap-5.2.2/js/bootstrap.bundle.min.js",
    "awesome_markers": "leaflet.awesome-markers-2.0.5/leaflet.awesome-markers.js",
    "leaflet_css": "leaflet-1.9.3/leaflet.css",
    "bootstrap_css": "bootstrap-5.2.2/css/bootstrap.min.css",
    "glyphicons_css": "bootstrap-glyphicons-3.4.1/css/bootstrap-glyphicons.css",
    "awesome_markers_font_css": "fontawesome-free-6.2.0/css/all.min.css",
    "awesome_markers_css": "leaflet.awesome-markers-2.0.5/leaflet.awesome-markers.css",
    "awesome_rotate_css": "folium-0.20.0/leaflet.awesome.rotate.css",
    # MarkerCluster, FastMarkerCluster
    "markerclusterjs": "leaflet.markercluster-1.1.0/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster-1.1.0/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster-1.1.0/MarkerCluster.Default.css",
    # Draw
    "leaflet_draw_js": "leaflet-draw-1.0.4/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw-1.0.4/leaflet.draw.css",
    # Fullscreen
    "Control.Fullscreen.js": "leaflet.fullscreen-3.0.0/Control.FullScreen.js",
    "Control.FullScreen.css": "leaflet.fullscreen-3.0.0/Control.FullScreen.css",
    # MeasureControl
    "leaflet_measure_js": "leaflet-measure-2.1.7/leaflet-measure.js",
    "leaflet_measure_css": "leaflet-measure-2.1.7/leaflet-measure.css",
    # HeatMap
    "leaflet-heat.js": "folium-0.20.0/leaflet_heat.min.js",
    # MousePosition
    "Control_MousePosition_js": "leaflet-mouse-position-1.2.0/L.Control.MousePosition.js",
    "Control_MousePosition_css": "leaflet-mouse-position-1.2.0/L.Control.MousePosition.css",
}

#: The folium classes whose assets are served locally.
LOCAL_ASSET_CLASSES: tuple[type, ...] = (
    folium.Map,
    folium.plugins.MarkerCluster,
    folium.plugins.FastMarkerCluster,
    folium.plugins.Draw,
    folium.plugins.Fullscreen,
    folium.plugins.MeasureControl,
    folium.plugins.HeatMap,
    folium.plugins.MousePosition,
)

#: URL prefix of ``static/vendor`` as the browser sees it from inside streamlit-folium's
#: iframe (Streamlit serves ``./static`` at ``/app/static``).
DEFAULT_ASSET_BASE_URL = "/app/static/vendor"

_CDN_DEFAULTS: dict[type, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    cls: (list(getattr(cls, "default_js", [])), list(getattr(cls, "default_css", [])))
    for cls in LOCAL_ASSET_CLASSES
}


def _localise(assets: list[tuple[str, str]], base_url: str) -> list[tuple[str, str]]:
    """Replace each CDN URL with its local copy under ``base_url``; refuse unknown assets.

    Right after Leaflet itself comes ``cmgis/leaflet-icon-path.js``, which sets
    ``L.Icon.Default.imagePath`` (Leaflet 1.9.3's own guess fails inside streamlit-folium).
    """
    out = []
    for name, _url in assets:
        if name not in LOCAL_ASSETS:
            raise KeyError(
                f"folium asset {name!r} has no local copy: add it to LOCAL_ASSETS and "
                "scripts/vendor_assets.sh"
            )
        out.append((name, f"{base_url}/{LOCAL_ASSETS[name]}"))
        if name == "leaflet":
            out.append(("leaflet_icon_path", f"{base_url}/{LOCAL_ASSETS['leaflet_icon_path']}"))
    return out


def use_local_assets(base_url: str = DEFAULT_ASSET_BASE_URL) -> None:
    """Point folium's classes at the assets in ``static/vendor`` instead of public CDNs.

    Sets ``default_js`` and ``default_css`` of `folium.Map` and of the plugins in
    `LOCAL_ASSET_CLASSES` (MarkerCluster, FastMarkerCluster, Draw, Fullscreen,
    MeasureControl, HeatMap, MousePosition). Idempotent: the URLs are always computed from
    folium's original lists, so calling it again (even with another ``base_url``) is safe.

    Parameters
    ----------
    base_url
        URL of ``static/vendor`` as the map's page sees it, without a trailing slash. In
        the Streamlit app (maps live in streamlit-folium's iframe) that is
        ``/app/static/vendor``; for a standalone HTML file next to a copy of the folder,
        a relative path such as ``"vendor"``.
    """
    base = base_url.rstrip("/")
    for cls, (js, css) in _CDN_DEFAULTS.items():
        setattr(cls, "default_js", _localise(js, base))  # noqa: B010
        setattr(cls, "default_css", _localise(css, base))  # noqa: B010


def use_cdn_assets() -> None:
    """Undo `use_local_assets`: give folium's classes their public CDN URLs back."""
    for cls, (js, css) in _CDN_DEFAULTS.items():
        setattr(cls, "default_js", list(js))  # noqa: B010
        setattr(cls, "default_css", list(css))  # noqa: B010
