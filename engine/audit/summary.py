"""Aggregates of the output rows for synthese.json and the report: counts, amounts and hours by verdict, per
buyer, segment, year and source format, flag counts, unreadable records with their reasons.

Memory grows with the number of buyers, segments and years, not with the number of contracts.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .contract import COLUMNS, FLAGS
from .verdict import CONFORME, INDETERMINE, NON_CONFORME, VERDICTS

_AT = {name: i for i, name in enumerate(COLUMNS)}
_FLAG_AT = [(f, _AT[f]) for f in FLAGS]
_VARIABLE = re.compile(r"\d{4}-\d{2}-\d{2}|\(\s*[-\d.,e+]+\s*€\)|« [^»]*»")
EXAMPLES = 20


def _cell() -> dict:
    return {"contrats": 0, "montant": 0.0, "heures": 0}


def _verdicts() -> dict:
    return {v: _cell() for v in VERDICTS}


class Summary:
    def __init__(self):
        self.records_read = 0
        self.duplicates = 0
        self.worker_failures = 0
        self.problems: Counter = Counter()
        self.problem_examples: list[dict] = []
        self.files: dict[str, dict] = {}
        self.by_verdict = _verdicts()
        self.by_year: dict[str, dict] = defaultdict(_verdicts)
        self.by_segment: dict[str, dict] = defaultdict(_verdicts)
        self.by_format: dict[str, dict] = defaultdict(_verdicts)
        self.buyers: dict[str, dict] = {}
        self.flags: Counter = Counter()
        self.reasons: Counter = Counter()
        self.buyer_sources: Counter = Counter()
        self.date_sources: Counter = Counter()

    def file(self, name: str, fmt: str | None) -> dict:
        return self.files.setdefault(name, {"format": fmt, "enregistrements": 0, "illisibles": 0, "doublons": 0})

    def problem(self, file: str, position: int, reason: str, detail: str) -> None:
        self.problems[reason] += 1
        self.file(file, None)["illisibles"] += 1
        if len(self.problem_examples) < EXAMPLES:
            self.problem_examples.append({"fichier": file, "position": position, "raison": reason, "detail": detail})

    def add(self, c: list[str]) -> None:
        """Count one output row (its CSV cells)."""
        v = c[_AT["verdict"]]
        # an absent, symbolic or implausible amount is not summed (one typing error would swamp the totals)
        amount = 0.0 if c[_AT["montant_fictif"]] else float(c[_AT["montant"]] or 0)
        hours = int(c[_AT["heures_theoriques"]] or 0)
        year = c[_AT["date_notification"]][:4] or "inconnue"
        for cell in (self.by_verdict[v], self.by_year[year][v], self.by_segment[c[_AT["segment"]] or "inconnu"][v],
                     self.by_format[c[_AT["format_source"]]][v]):
            cell["contrats"] += 1
            cell["montant"] += amount
            cell["heures"] += hours
        buyer, name = c[_AT["acheteur_id"]], c[_AT["acheteur_nom"]]
        b = self.buyers.get(buyer)
        if b is None:
            b = self.buyers[buyer] = {"nom": name, "type": c[_AT["type_acheteur"]], "contrats": 0,
                                      **{x: 0 for x in VERDICTS}, "heures_non_portees": 0, "montant": 0.0}
        b["contrats"] += 1
        b[v] += 1
        b["montant"] += amount
        if not b["nom"] and name:
            b["nom"] = name
        if v == NON_CONFORME:
            b["heures_non_portees"] += hours
        for f, i in _FLAG_AT:
            if c[i]:
                self.flags[f] += 1
        if v == INDETERMINE:
            for part in c[_AT["motif"]].split(" ; "):
                self.reasons[_VARIABLE.sub("…", part)] += 1
        self.buyer_sources[c[_AT["type_acheteur_source"]]] += 1

    def as_dict(self, meta: dict) -> dict:
        contracts = sum(c["contrats"] for c in self.by_verdict.values())
        subject = sum(self.by_verdict[v]["contrats"] for v in (CONFORME, NON_CONFORME))
        return {
            **meta,
            "enregistrements": {"lus": self.records_read, "illisibles": sum(self.problems.values()),
                                "doublons_ecartes": self.duplicates, "contrats_distincts": contracts,
                                "processus_interrompus": self.worker_failures},
            "illisibles_par_raison": dict(self.problems.most_common()),
            "exemples_illisibles": self.problem_examples,
            "fichiers": self.files,
            "par_verdict": self.by_verdict,
            "contrats_soumis_au_statut_connu": subject,
            "par_annee": dict(sorted(self.by_year.items())),
            "par_segment": dict(sorted(self.by_segment.items())),
            "par_format": dict(sorted(self.by_format.items())),
            "par_acheteur": dict(sorted(self.buyers.items(), key=lambda kv: (-kv[1]["heures_non_portees"], kv[0]))),
            "drapeaux": {f: self.flags.get(f, 0) for f in FLAGS},
            "indetermines_par_motif": dict(self.reasons.most_common()),
            "type_acheteur_par_source": dict(self.buyer_sources.most_common()),
        }
