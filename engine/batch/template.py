"""The procurement plan template (`clausier batch-template`): French column headers and one example row."""

from __future__ import annotations

import csv
import io

from engine.batch.csv_plan import CSV_HEADERS

# The example row, by field: codes are replaced by their French labels (from the vocabulary) in the file,
# numbers and dates are written as a French spreadsheet shows them.
EXAMPLE = {
    "reference": "2026-TRX-001",
    "title": "Réhabilitation de l'école (exemple à remplacer)",
    "buyer_name": "Commune exemple",
    "buyer_type": "collectivite",
    "segment": "travaux",
    "cpv": "45214200-2",
    "amount": "1 250 000",
    "procedure": "appel_offres",
    "contract_type": "marche",
    "mode": "condition_execution",
    "launch_date": "15/03/2026",
    "duration_months": "24",
}
_SECTIONS = {"buyer_type": "acheteurs", "segment": "segments", "procedure": "procedures", "contract_type": "contrats",
             "mode": "modes"}


def plan_template(vocabulary) -> bytes:
    """The template's bytes: « ; »-separated UTF-8 with BOM (opened as is by Excel and LibreOffice)."""
    row = dict(EXAMPLE)
    for field, section in _SECTIONS.items():
        row[field] = getattr(vocabulary, section)[row[field]].libelle
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS.values())
    writer.writerow(row.get(field, "") for field in CSV_HEADERS)
    return buf.getvalue().encode("utf-8-sig")
