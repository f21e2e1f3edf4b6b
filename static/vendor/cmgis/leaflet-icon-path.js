/* cmgis: tell Leaflet where its default marker images are.
   Leaflet 1.9.3 guesses the path from leaflet.css; when the stylesheet is not applied yet
   (maps injected by streamlit-folium) the guess drops "/images/" and the icons 404. */
(function () {
  if (typeof L === "undefined" || !L.Icon || !L.Icon.Default) { return; }
  var s = document.querySelector('script[src$="leaflet-1.9.3/leaflet.js"]');
  if (s) { L.Icon.Default.imagePath = s.src.replace(/leaflet\.js$/, "images/"); }
})();
