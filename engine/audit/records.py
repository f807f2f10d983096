"""One published record (any format) -> a Record: the fields the audit needs, cleaned, with quirk flags.

Field by field (v2 JSON path / v1 JSON path / CSV column):
- id: `id` / `id` / `id` (tabular: also `uid` = buyer SIRET + id, not used as the id)
- buyer: `acheteur.id` or `autoriteConcedante.id` / same (+ `.nom`) / `acheteur.id`, `acheteur_id` (+ `acheteur.nom`,
  `acheteur_nom`)
- amount: `montant`, concessions `valeurGlobale` (strings and scientific notation read as numbers)
- notification: `dateNotification`, concessions `dateSignature`; missing -> `datePublicationDonnees` (an upper
  bound: flag « date réparée »); time-zone offsets and times dropped (flag « date réparée »)
- cpv: `codeCPV` (check digit kept apart); procedure, nature: verbatim labels, matched without case or accents
- social considerations: v2 `considerationsSociales.considerationSociale[]`, CSV `considerationsSociales`
  (Python list in a cell); absent in v1 and in the 17-column tabular extract (None: unknown)
- techniques / execution modes: v2 `techniques.technique[]`, `modalitesExecution.modaliteExecution[]`, CSV
  `technique(s)`, `modaliteExecution`/`modalitesExecution`; framework agreement id: `idAccordCadre`
- amendments: `modifications[]` non-empty, CSV `idModification`/`booleanModification`/`montantModification`
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from . import quirks
from .readers import CSV_AUGMENTED, CSV_TABULAR

_LOT = re.compile(r"\blots?\s*(?:n\s*°|n°|no\.?|num[ée]ro)?\s*[0-9]+\b", re.IGNORECASE)


@dataclass(slots=True)
class Record:
    fmt: str
    file: str
    position: int
    id: str
    buyer_id: str
    buyer_name: str
    objet: str
    amount: float | None
    notification: dt.date | None
    published: dt.date | None
    cpv: str | None
    cpv_check: str | None
    cpv_raw: str
    procedure: str  # comparison key of the published label ("" when absent)
    nature: str  # comparison key of the published label
    concession: bool
    techniques: list[str]
    modalities: list[str]
    social: list[str] | None  # None: the format or record does not say
    framework_id: str
    amended: bool
    flags: set[str] = field(default_factory=set)

    @property
    def dedup_key(self) -> tuple[str, str]:
        return self.buyer_id, self.id.strip().upper()


def _get(raw: dict, *paths):
    for path in paths:
        value = raw
        for part in path.split("."):
            if isinstance(value, dict) and part in value:
                value = value[part]
            else:
                value = None
                break
        if value is not None and not quirks.is_placeholder(value):
            return value
    return None


def _csv_view(raw: dict) -> dict:
    """CSV columns -> the JSON paths the mapping reads (both CSV flavours, placeholders dropped)."""
    out: dict = {}
    for column, value in raw.items():
        if column is None or quirks.is_placeholder(value):
            continue
        out[column.strip().replace("_", ".") if column.startswith("acheteur_") else column.strip()] = value
    flat = {}
    for name, value in out.items():
        if name.startswith("acheteur."):
            flat.setdefault("acheteur", {})[name.split(".", 1)[1]] = value
        else:
            flat[name] = value
    return flat


def raw_key(fmt: str, raw: dict) -> tuple[str, str]:
    """(buyer id, id) of a raw record, cleaned as `normalise` cleans them (for deduplication in the reader)."""
    if fmt in (CSV_TABULAR, CSV_AUGMENTED):
        buyer = raw.get("acheteur.id") or raw.get("acheteur_id")
        return quirks.identifier(buyer), quirks.identifier(raw.get("id"))
    buyer = raw.get("acheteur") or raw.get("autoriteConcedante")
    ident = raw.get("id")
    return (quirks.identifier(buyer.get("id")) if isinstance(buyer, dict) else "",
            quirks.identifier(ident) if not isinstance(ident, (dict, list)) else "")


def normalise(fmt: str, raw: dict, file: str, position: int, today: dt.date) -> Record:
    """Build the Record of one raw record; never raises on odd values (they become None and flags)."""
    csv_row = fmt in (CSV_TABULAR, CSV_AUGMENTED)
    r = _csv_view(raw) if csv_row else raw
    flags: set[str] = set()
    nature = quirks.key(_get(r, "nature"))
    concession = bool(r.get("_concession")) or quirks.key(r.get("_type")) == "contrat de concession" or (
        "concession" in nature or "delegation de service public" in nature)
    buyer = _get(r, "acheteur", "autoriteConcedante") or {}
    buyer_id = quirks.identifier(buyer.get("id")) if isinstance(buyer, dict) else ""
    buyer_name = quirks.text(buyer.get("nom")) if isinstance(buyer, dict) else ""
    amount = quirks.amount(_get(r, "valeurGlobale", "montant") if concession else _get(r, "montant", "valeurGlobale"))
    notified, repaired = quirks.date(_get(r, "dateSignature", "dateNotification") if concession
                                     else _get(r, "dateNotification", "dateSignature"), today)
    published, _ = quirks.date(_get(r, "datePublicationDonnees"), today)
    if notified is None and published is not None:
        notified, repaired = published, True
    if repaired:
        flags.add("date_reparee")
    cpv_raw = quirks.text(_get(r, "codeCPV"))
    code, check = quirks.cpv(cpv_raw)
    modifications = r.get("modifications")
    amended = bool(modifications) if isinstance(modifications, list) else False
    if csv_row:
        amended = amended or any(
            not quirks.is_placeholder(r.get(c)) and str(r.get(c)).strip() not in ("0", "False", "false")
            for c in ("idModification", "modification_id", "booleanModification", "montantModification"))
    techniques = quirks.listing(_get(r, "techniques", "technique")) or []
    if "accord-cadre" in quirks.key(r.get("_type")):  # decp-rama: `_type` says what `nature` no longer does
        techniques.append("Accord-cadre")
    modalities = quirks.listing(_get(r, "modalitesExecution", "modaliteExecution")) or []
    social = quirks.listing(r.get("considerationsSociales"))
    objet = quirks.text(_get(r, "objet"))
    record = Record(
        fmt=fmt, file=file, position=position,
        id=quirks.identifier(_get(r, "id")), buyer_id=buyer_id, buyer_name=buyer_name, objet=objet,
        amount=amount, notification=notified, published=published,
        cpv=code, cpv_check=check, cpv_raw=cpv_raw,
        procedure=quirks.key(_get(r, "procedure")), nature=nature, concession=concession,
        techniques=[quirks.key(t) for t in techniques], modalities=[quirks.key(m) for m in modalities],
        social=social, framework_id=quirks.identifier(_get(r, "idAccordCadre")), amended=amended, flags=flags,
    )
    if amended:
        flags.add("modifie")
    if _LOT.search(objet):
        flags.add("lot")
    return record
