#!/usr/bin/env bash
# Re-fetch the JS/CSS/font/image assets the folium maps use into static/vendor/ so the
# app works with no network. Sources: the npm registry (`npm pack`) and, for the two files
# folium ships itself, the folium sdist on PyPI. Versions are pinned here and listed in
# static/vendor/README.md; cmgis.maps.assets.use_local_assets() points folium at these paths.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=static/vendor
PY="${PYTHON:-python3}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

untar() { tar --warning=no-unknown-keyword -xzf "$1" -C "$2"; }

# fetch NPM_SPEC DIRNAME: unpack the npm tarball into $TMP/DIRNAME/package
fetch() {
  local spec=$1 name=$2
  mkdir -p "$TMP/$name"
  (cd "$TMP/$name" && npm pack --silent "$spec" >/dev/null 2>&1)
  untar "$TMP/$name"/*.tgz "$TMP/$name"
}

# put DIRNAME SRC_REL DEST_REL: copy one file (or directory) into static/vendor/DIRNAME/
put() {
  local name=$1 src=$2 dst=$3
  mkdir -p "$(dirname "$DEST/$name/$dst")"
  cp -r "$TMP/$name/package/$src" "$DEST/$name/$dst"
}

# replace every vendored package; keep cmgis/ (the project's own small fixes) and README.md
mkdir -p "$DEST"
find "$DEST" -mindepth 1 -maxdepth 1 ! -name cmgis ! -name README.md -exec rm -rf {} +

fetch leaflet@1.9.3 leaflet-1.9.3
put leaflet-1.9.3 LICENSE LICENSE
put leaflet-1.9.3 dist/leaflet.js leaflet.js
put leaflet-1.9.3 dist/leaflet.css leaflet.css
put leaflet-1.9.3 dist/images images

fetch jquery@3.7.1 jquery-3.7.1
put jquery-3.7.1 LICENSE.txt LICENSE.txt
put jquery-3.7.1 dist/jquery.min.js jquery.min.js

fetch bootstrap@5.2.2 bootstrap-5.2.2
put bootstrap-5.2.2 LICENSE LICENSE
put bootstrap-5.2.2 dist/js/bootstrap.bundle.min.js js/bootstrap.bundle.min.js
put bootstrap-5.2.2 dist/css/bootstrap.min.css css/bootstrap.min.css

# folium asks for netdna's bootstrap 3.0.0 "bootstrap-glyphicons.css" (icon font only);
# the same rules and fonts are cut here from bootstrap 3.4.1's dist/css/bootstrap.css.
fetch bootstrap@3.4.1 bootstrap-glyphicons-3.4.1
put bootstrap-glyphicons-3.4.1 LICENSE LICENSE
put bootstrap-glyphicons-3.4.1 dist/fonts fonts
"$PY" - "$TMP/bootstrap-glyphicons-3.4.1/package/dist/css/bootstrap.css" \
  "$DEST/bootstrap-glyphicons-3.4.1/css/bootstrap-glyphicons.css" <<'EOF'
import re, sys, pathlib
css = pathlib.Path(sys.argv[1]).read_text()
# keep the @font-face block and every rule whose selector is a .glyphicon one
blocks = re.findall(r"[^{}]+\{[^{}]*\}", css)
keep = [b.strip() for b in blocks
        if "Glyphicons Halflings" in b or b.strip().startswith(".glyphicon")]
out = pathlib.Path(sys.argv[2])
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text("/* Glyphicons rules cut from Bootstrap v3.4.1 dist/css/bootstrap.css (MIT) */\n"
               + "\n".join(keep) + "\n")
EOF

fetch leaflet.awesome-markers@2.0.5 leaflet.awesome-markers-2.0.5
put leaflet.awesome-markers-2.0.5 LICENSE LICENSE
put leaflet.awesome-markers-2.0.5 dist/leaflet.awesome-markers.js leaflet.awesome-markers.js
put leaflet.awesome-markers-2.0.5 dist/leaflet.awesome-markers.css leaflet.awesome-markers.css
put leaflet.awesome-markers-2.0.5 dist/images images

fetch @fortawesome/fontawesome-free@6.2.0 fontawesome-free-6.2.0
put fontawesome-free-6.2.0 LICENSE.txt LICENSE.txt
put fontawesome-free-6.2.0 css/all.min.css css/all.min.css
put fontawesome-free-6.2.0 webfonts webfonts

fetch leaflet.markercluster@1.1.0 leaflet.markercluster-1.1.0
put leaflet.markercluster-1.1.0 MIT-LICENCE.txt MIT-LICENCE.txt
put leaflet.markercluster-1.1.0 dist/leaflet.markercluster.js leaflet.markercluster.js
put leaflet.markercluster-1.1.0 dist/MarkerCluster.css MarkerCluster.css
put leaflet.markercluster-1.1.0 dist/MarkerCluster.Default.css MarkerCluster.Default.css

fetch leaflet-draw@1.0.4 leaflet-draw-1.0.4
put leaflet-draw-1.0.4 dist/leaflet.draw.js leaflet.draw.js
put leaflet-draw-1.0.4 dist/leaflet.draw.css leaflet.draw.css
put leaflet-draw-1.0.4 dist/images images
put leaflet-draw-1.0.4 package.json package.json
# the npm tarball carries no licence file: package.json says "license": "MIT" and the
# header of dist/leaflet.draw-src.js names the copyright holders; the MIT text follows.
cat > "$DEST/leaflet-draw-1.0.4/LICENSE" <<'EOF'
leaflet-draw 1.0.4 (https://github.com/Leaflet/Leaflet.draw), licence MIT per its
package.json. Copyright line from the header of dist/leaflet.draw-src.js:
(c) 2012-2017, Jacob Toye, Jon West, Smartrak, Leaflet

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify, merge,
publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
EOF

fetch leaflet.fullscreen@3.0.0 leaflet.fullscreen-3.0.0
put leaflet.fullscreen-3.0.0 LICENSE LICENSE
put leaflet.fullscreen-3.0.0 Control.FullScreen.js Control.FullScreen.js
put leaflet.fullscreen-3.0.0 Control.FullScreen.css Control.FullScreen.css
put leaflet.fullscreen-3.0.0 icon-fullscreen.svg icon-fullscreen.svg

fetch leaflet-measure@2.1.7 leaflet-measure-2.1.7
put leaflet-measure-2.1.7 LICENSE LICENSE
put leaflet-measure-2.1.7 dist/leaflet-measure.js leaflet-measure.js
put leaflet-measure-2.1.7 dist/leaflet-measure.css leaflet-measure.css
put leaflet-measure-2.1.7 dist/images images

fetch leaflet-mouse-position@1.2.0 leaflet-mouse-position-1.2.0
put leaflet-mouse-position-1.2.0 MIT-LICENCE.txt MIT-LICENCE.txt
put leaflet-mouse-position-1.2.0 src/L.Control.MousePosition.js L.Control.MousePosition.js
put leaflet-mouse-position-1.2.0 src/L.Control.MousePosition.css L.Control.MousePosition.css

# vector tiles (PMTiles) of big imported layers (cmgis.maps.tiled)
fetch protomaps-leaflet@5.1.0 protomaps-leaflet-5.1.0
put protomaps-leaflet-5.1.0 LICENSE LICENSE
put protomaps-leaflet-5.1.0 dist/protomaps-leaflet.js protomaps-leaflet.js

# folium's own copies (HeatMap's leaflet-heat build and the awesome-marker rotate css)
# are in folium's sdist on PyPI, not on npm.
mkdir -p "$TMP/folium"
"$PY" -m pip download --quiet --no-deps --no-binary :all: folium==0.20.0 -d "$TMP/folium" >/dev/null 2>&1
untar "$TMP"/folium/folium-0.20.0.tar.gz "$TMP/folium"
F="$TMP/folium/folium-0.20.0"
mkdir -p "$DEST/folium-0.20.0"
cp "$F/LICENSE.txt" "$DEST/folium-0.20.0/LICENSE.txt"
cp "$F/folium/templates/leaflet_heat.min.js" "$DEST/folium-0.20.0/leaflet_heat.min.js"
cp "$F/folium/templates/leaflet.awesome.rotate.css" "$DEST/folium-0.20.0/leaflet.awesome.rotate.css"

echo "assets in $DEST:"
du -sh "$DEST"/* | sed 's/^/  /'
