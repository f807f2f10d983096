"""One distinct contract -> its output row (the CSV columns, in order, and what the synthesis aggregates)."""

from __future__ import annotations

import datetime as dt

from . import buyers, mapping, verdict
from .records import Record

FLAGS = ("cpv_invalide", "montant_fictif", "doublon", "modifie", "date_reparee", "accord_cadre_maximum",
         "marche_subsequent", "lot")
COLUMNS = ("id", "acheteur_id", "acheteur_nom", "objet", "montant", "date_notification", "cpv", "segment", "seuil",
           "verdict", "heures_theoriques", "motif", *FLAGS, "type_acheteur", "type_acheteur_source",
           "type_contrat", "procedure", "considerations_sociales", "date_droit_applique", "date_droit_source",
           "seuil_parametre", "format_source", "fichier", "position")


def cells(values: dict) -> list[str]:
    """The CSV cells of a row, in COLUMNS order (dates ISO, amounts without useless decimals, flags « oui »)."""
    out = []
    for name in COLUMNS:
        value = values[name]
        if value is None:
            out.append("")
        elif name in FLAGS:
            out.append("oui" if value else "")
        elif isinstance(value, float):
            out.append(str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip("."))
        elif isinstance(value, dt.date):
            out.append(value.isoformat())
        else:
            out.append(str(value))
    return out


def row(r: Record, on: dt.date | None, known_buyers: dict, rulesets=None) -> dict:
    kind, how = buyers.infer(r.buyer_id, r.buyer_name, known_buyers)
    name = r.buyer_name or (known_buyers.get(r.buyer_id, ("", ""))[1] if r.buyer_id in known_buyers else "")
    m = mapping.to_market(r, kind, on, rulesets)
    v = verdict.decide(r, m, rulesets)
    return {
        "id": r.id, "acheteur_id": r.buyer_id, "acheteur_nom": name, "objet": r.objet[:300],
        "montant": r.amount, "date_notification": r.notification, "cpv": r.cpv or r.cpv_raw, "segment": m.segment,
        "seuil": v["seuil"], "verdict": v["verdict"], "heures_theoriques": v["heures_theoriques"],
        "motif": v["motif"], **{f: f in r.flags for f in FLAGS},
        "type_acheteur": kind, "type_acheteur_source": how, "type_contrat": m.contract_type,
        "procedure": m.procedure, "considerations_sociales": "|".join(r.social) if r.social is not None else "",
        "date_droit_applique": v["date_droit"], "date_droit_source": m.date_source,
        "seuil_parametre": v["seuil_parametre"], "format_source": r.fmt, "fichier": r.file, "position": r.position,
    }
