"""Provenance: the one record of where a layer comes from (source, licence, credit, method).

Used by every catalog layer (`cmgis.data.definitions.LayerDef.provenance`, flattened into
`cmgis.data.catalog.LayerEntry` so ``catalog.json`` keeps its fields) and by every saved
user layer (`cmgis.user_layers.records.UserLayer.provenance`, stored as JSON with the keys
`Provenance.stored_fields`). Exports turn it into their metadata (`cmgis.export`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cmgis import __version__

#: Credit and licence lines shared by many layers.
CREDIT_OSM = "© OpenStreetMap contributors, ODbL 1.0"
CREDIT_ADMIN = (
    "Administrative boundaries: Royal Thai Survey Department, via OCHA HDX COD-AB "
    "(cod-ab-tha), CC BY-IGO 3.0"
)
CREDIT_ELEVATION = "Elevation: Copernicus DEM GLO-90 via Open-Meteo.com, CC BY 4.0"
LICENCE_OSM = "ODbL 1.0"
LICENCE_ADMIN = "CC BY-IGO 3.0"
LICENCE_ELEVATION = "CC BY 4.0"

#: Software line of layers made by cmgis (user layers).
SOFTWARE = f"cmgis {__version__}"


@dataclass(frozen=True)
class Provenance:
    """Where a layer comes from and how it was made.

    ``credit`` may hold several credit lines joined by " | " when a layer is derived from
    several sources (`credit_lines` splits them). ``inputs`` names the catalog layers a
    derived layer was made from; ``software`` what made it; ``approximate`` says the
    geometry is constructed or indicative rather than surveyed.
    """

    credit: str
    licence: str
    method: str
    source: str = ""
    date: str = ""
    approximate: bool = False
    inputs: tuple[str, ...] = ()
    software: str = SOFTWARE

    def credit_lines(self) -> list[str]:
        """The credit lines of this provenance."""
        return [c.strip() for c in self.credit.split(" | ") if c.strip()]

    def text(self) -> str:
        """One readable line for a derived layer: from which layers, by what, with which tool."""
        inputs = ", ".join(self.inputs) or "no catalog layer"
        return f"derived from layers {inputs} by {self.method} ({self.software})"

    def stored_fields(self) -> dict[str, Any]:
        """The fields a saved user layer keeps in the store (JSON), unchanged since v1.

        ``source`` and ``date`` are added only when set (imported layers), so older
        records read the same.
        """
        fields: dict[str, Any] = {
            "inputs": list(self.inputs),
            "credit": self.credit,
            "licence": self.licence,
            "method": self.method,
            "software": self.software,
        }
        fields.update({k: v for k, v in (("source", self.source), ("date", self.date)) if v})
        return fields

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Provenance:
        """The provenance kept by `stored_fields` (missing keys read as empty)."""
        return cls(
            inputs=tuple(str(i) for i in data.get("inputs", [])),
            credit=str(data.get("credit", "")),
            licence=str(data.get("licence", "")),
            method=str(data.get("method", "")),
            software=str(data.get("software", "")),
            source=str(data.get("source", "")),
            date=str(data.get("date", "")),
        )
