"""The verdict of one contract, from what the rules established on its launch date and what it published.

- `non_soumis`: the rules in force did not make a social execution condition mandatory (below the EU
  threshold, or launched before the obligation existed);
- `conforme`: mandatory, and the record says « Clause sociale » in `considerationsSociales`;
- `non_conforme_ou_derogation_non_publiee`: mandatory, and the record says « Pas de considération sociale » or
  only « Critère social » (a criterion does not replace the execution condition). DECP has no field for a
  derogation, so this is never a firm breach;
- `indetermine`: what is missing is said — no amount, CPV or date, law not covered on that date, social
  considerations not published (2019 format, tabular extract, empty list), a reserved contract without a
  clause (the law does not say whether a reservation dispenses from the condition), or a lot / subsequent
  contract below the threshold whose whole (all lots, the framework agreement) would reach it.
"""

from __future__ import annotations

from pydantic import ValidationError

from engine.errors import NoApplicableVersion
from engine.market.model import Market
from engine.reasoning.assessment import assess

from . import quirks
from .mapping import Mapped
from .records import Record

CONFORME, NON_CONFORME, NON_SOUMIS, INDETERMINE = (
    "conforme", "non_conforme_ou_derogation_non_publiee", "non_soumis", "indetermine")
VERDICTS = (CONFORME, NON_CONFORME, NON_SOUMIS, INDETERMINE)
# Fact names of rulesets/vocabulaire.yaml (`faits`): the obligation (marchés, concessions) and the threshold sides.
SUBJECT_FACTS = frozenset({"clause_sociale_obligatoire", "obligation_sociale_concession"})
THRESHOLD_FACTS = ("au_dessus_seuil_ue", "sous_seuil_ue")
# Values of `considerationSociale` (official DECP vocabulary), compared without case or accents.
_CLAUSE, _CRITERION, _NONE = "clause sociale", "critere social", "pas de consideration sociale"
_RESERVED = ("marche reserve", "concession reservee")


def threshold(assessment) -> tuple[float | None, str]:
    for fact in THRESHOLD_FACTS:
        for name, value in assessment.established_by.get(fact, {}).items():
            return float(value), name
    return None, ""


def decide(r: Record, m: Mapped, rulesets=None) -> dict:
    """Verdict, reason, hours and threshold of one mapped record."""
    out = {"verdict": INDETERMINE, "motif": "", "heures_theoriques": None, "seuil": None, "seuil_parametre": "",
           "date_droit": m.launch}
    if m.market is None:
        out["motif"] = " ; ".join(m.missing)
        return out
    try:
        a = assess(Market.model_validate(m.market), rulesets=rulesets)
    except NoApplicableVersion:
        out["motif"] = f"droit applicable au {m.launch.isoformat()} non couvert par les règles"
        return out
    except ValidationError as exc:  # a value the market contract refuses (an amount beyond 1 000 billion €…)
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "marché"
        if where == "amount":
            r.flags.add("montant_fictif")
            out["motif"] = f"montant invraisemblable ({r.amount:g} €), refusé par le moteur"
        else:
            out["motif"] = f"valeur refusée par le moteur ({where} = {first.get('input')!r})"[:200]
        return out
    out["heures_theoriques"] = a.hours
    out["seuil"], out["seuil_parametre"] = threshold(a)
    if not (a.facts & SUBJECT_FACTS):
        partial = r.flags & {"lot", "marche_subsequent"}
        if partial and "sous_seuil_ue" in a.facts and out["seuil"] and _subject_at(m, out["seuil"], rulesets):
            what = "lot publié seul" if "lot" in partial else "marché subséquent"
            out["motif"] = (f"{what} sous le seuil : la valeur de l'ensemble (tous lots, accord-cadre) n'est pas "
                            "publiée et pourrait l'atteindre")
            return out
        out["verdict"] = NON_SOUMIS
        out["motif"] = "sous le seuil européen" if "sous_seuil_ue" in a.facts else "pas d'obligation à cette date"
        return out
    social = [quirks.key(s) for s in r.social] if r.social is not None else None
    if not social:
        out["motif"] = ("considérations sociales non publiées (format sans ce champ)" if social is None
                        else "considérations sociales publiées vides")
    elif _CLAUSE in social:
        out["verdict"], out["motif"] = CONFORME, "clause sociale publiée"
    elif any(s in _RESERVED for s in social):
        out["motif"] = ("marché réservé sans clause sociale publiée : la loi ne dit pas si la réservation "
                        "dispense de la condition d'exécution sociale")
    elif _CRITERION in social:
        out["verdict"] = NON_CONFORME
        out["motif"] = "seulement un critère social : il ne remplace pas la condition d'exécution"
    elif _NONE in social:
        out["verdict"], out["motif"] = NON_CONFORME, "« Pas de considération sociale » publié"
    else:
        out["motif"] = "considérations sociales illisibles : " + ", ".join(r.social)[:80]
    return out


def _subject_at(m: Mapped, value: float, rulesets) -> bool:
    """Whether the same contract at the threshold value would be subject (the whole could reach it)."""
    try:
        a = assess(Market.model_validate({**m.market, "amount": value}), rulesets=rulesets)
    except (NoApplicableVersion, ValidationError):
        return False
    return bool(a.facts & SUBJECT_FACTS)
