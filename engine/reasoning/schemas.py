"""The published JSON Schemas of clausier's two contracts: the market description (input) and the Decision.

Both carry `$schema`, `$id` and a version, a French description for every field, and the French label of
every allowed value (`oneOf` of `{const, title}`), taken from the vocabulary (rulesets/vocabulaire.yaml).
Field descriptions of the market live on its model (engine/market/model.py); those of the Decision, which
is built by the reasoning stage, are listed here. Shared by the command line and any other front end.
"""

from __future__ import annotations

from pathlib import Path

from engine.version import DECISION_SCHEMA_VERSION, MARKET_SCHEMA_VERSION

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# What each object of the two contracts is (the models' docstrings are for developers, in English).
OBJECTS = {
    "Market": "Description d'un marché : ce que l'acheteur s'apprête à acheter, comment, et le mode "
              "d'insertion qu'il souhaite.",
    "Insertion": "Valeurs du calcul des heures d'insertion, à la place des valeurs de pratique.",
    "Derogation": "Dérogation motivée à la condition d'exécution sociale obligatoire.",
    "Weights": "Pondérations des critères d'attribution, en % ; celles qui manquent restent à compléter.",
    "Facilitator": "Facilitateur de la clause d'insertion.",
    "Lot": "Un lot : les seuils s'apprécient sur le marché entier, les clauses lot par lot.",
    "Decision": "Ce que le droit permet et impose pour un marché à sa date de lancement, et pourquoi.",
    "Statement": "Une phrase de la décision (obligation, avertissement, recommandation) avec sa règle.",
    "HoursComputation": "Heures d'insertion et données du calcul, chacune avec sa source.",
    "ParameterUse": "Valeur datée utilisée par une règle.",
    "TraceStep": "Une règle appliquée : laquelle, sur quel fondement, et ce qu'elle a établi.",
    "LotDecision": "La décision pour un lot.",
}

# Fields of the Decision and of its parts (pydantic model name -> field -> French description).
DECISION_FIELDS: dict[str, dict[str, str]] = {
    "Decision": {
        "launch_date": "Date dont le droit est appliqué",
        "date_source": "Origine de cette date",
        "ruleset_version": "Version des règles appliquées",
        "market": "Description du marché, telle que lue et complétée (valeurs par défaut)",
        "public": "Vrai si l'acheteur est soumis au Code de la commande publique",
        "segment": "Segment d'achat retenu (donné, ou déduit du code CPV)",
        "category": "Catégorie du marché (travaux, fournitures ou services)",
        "mode": "Mode d'insertion du document : le mode demandé, sinon le mode recommandé",
        "requested_mode": "Mode demandé par la description du marché ou l'option --mode (absent : aucun)",
        "allowed": "Vrai si le mode est admis pour ce marché",
        "reasons": "Motifs du refus quand le mode n'est pas admis",
        "eligible_modes": "Modes admis pour ce marché",
        "recommended_mode": "Mode recommandé",
        "recommendation_reason": "Pourquoi ce mode est recommandé",
        "hours": "Heures d'insertion et leur calcul (absent quand la clause n'est pas exprimée en heures)",
        "obligations": "Obligations à respecter, chacune avec sa règle et ses références",
        "warnings": "Avertissements, dont les points non vérifiés des notes juridiques",
        "recommendations": "Recommandations de pratique",
        "blocks": "Blocs de clause retenus pour le document",
        "references": "Références juridiques citées",
        "trace": "Règles appliquées, dans l'ordre",
        "lots": "Décision lot par lot",
        "clausier_version": "Version de clausier qui a pris la décision",
        "schema_version": "Version de ce format de décision",
    },
    "Statement": {
        "text": "La phrase, en français",
        "rule": "Identifiant de la règle qui l'établit (voir « clausier rules list »)",
        "references": "Références juridiques de la règle",
        "verified": "Faux si la phrase repose sur un point non vérifié",
    },
    "HoursComputation": {
        "value": "Nombre d'heures d'insertion",
        "formula": "Formule du calcul",
        "amount": "Montant HT pris en compte",
        "labour_share": "Part de main-d'œuvre (0 à 1)",
        "rate": "Taux d'insertion (0 à 1)",
        "hourly_cost": "Coût horaire moyen chargé (€/h)",
        "sources": "Source de chaque donnée du calcul",
        "overridden": "Données fournies par la description du marché plutôt que par la pratique",
        "lots": "Heures de chaque lot (numéro → heures) quand le chiffre du marché est la somme de ses lots",
    },
    "ParameterUse": {
        "name": "Identifiant du paramètre daté",
        "value": "Valeur appliquée",
        "nature": "Nature de la valeur (loi, règlement, pratique…)",
        "verified": "Faux si la valeur n'est pas vérifiée dans les notes juridiques",
        "references": "Références de la valeur",
    },
    "TraceStep": {
        "rule": "Identifiant de la règle (voir « clausier rules list »)",
        "label": "Intitulé de la règle",
        "text": "Ce que dit la règle",
        "references": "Fondement juridique",
        "asserted": "Faits établis par la règle (identifiants techniques)",
        "parameters": "Valeurs datées utilisées",
        "scope": "Portée : le marché entier ou un lot",
    },
    "LotDecision": {
        "number": "Numéro du lot",
        "title": "Intitulé du lot",
        "segment": "Segment d'achat du lot",
        "amount": "Valeur estimée HT du lot",
        "mode": "Mode d'insertion du lot",
        "allowed": "Vrai si le mode est admis pour le lot",
        "reasons": "Motifs du refus",
        "eligible_modes": "Modes admis pour le lot",
        "recommended_mode": "Mode recommandé pour le lot",
        "hours": "Heures d'insertion du lot",
        "obligations": "Obligations propres au lot",
        "warnings": "Avertissements propres au lot",
        "recommendations": "Recommandations propres au lot",
        "blocks": "Blocs de clause retenus pour le lot",
    },
}

# Decision fields holding a code of the vocabulary: they get its values and labels in the schema.
_CODED = {"segment": "segments", "mode": "modes", "requested_mode": "modes", "recommended_mode": "modes",
          "eligible_modes": "modes"}
_DATE_SOURCES = {
    "launch_date": "date de lancement de la consultation (champ « launch_date »)",
    "option": "date donnée par l'option --date",
    "aujourd_hui": "date du jour, faute de date de lancement",
}
_CATEGORIES = ("travaux", "fournitures", "services")


def _labels(rulesets: Path | None) -> dict[str, dict[str, str]]:
    """Vocabulary section -> code -> French label (from the loaded rulesets, kept for the process: the
    service publishes the schema on every request without reading the files again)."""
    from engine.law.knowledge import knowledge

    return knowledge(rulesets).vocabulary.labels()


def _one_of(labels: dict[str, str]) -> list[dict]:
    return [{"const": code, "title": label} for code, label in labels.items()]


def _label_enums(node: dict, labels: dict[str, dict[str, str]]) -> None:
    """In a schema node and those below it: every `enum` of vocabulary codes becomes a `oneOf` of
    `{const, title}` with the French labels, and pydantic's English titles (« Buyer Type ») go."""
    if not isinstance(node, dict):
        return
    values = node.get("enum")
    if isinstance(values, list):
        section = next((s for s in labels.values() if set(values) <= set(s)), None)
        if section is not None:
            node.pop("enum")
            node["oneOf"] = _one_of({v: section[v] for v in values})
    if "const" not in node:
        node.pop("title", None)
    for key in ("properties", "$defs"):
        for child in node.get(key, {}).values():
            _label_enums(child, labels)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for child in node.get(key, []):
            _label_enums(child, labels)
    for key in ("items", "additionalProperties"):
        _label_enums(node.get(key), labels)


def _describe_objects(schema: dict, root: str) -> None:
    schema["description"] = OBJECTS[root]
    for name, definition in schema.get("$defs", {}).items():
        definition["description"] = OBJECTS[name]


_TITLES = {"Market": "Description d'un marché (clausier)", "Decision": "Décision (clausier)"}


def _finish(schema: dict, root: str, ident: str, version: str, labels) -> dict:
    _label_enums(schema, labels)
    _describe_objects(schema, root)
    return {"$schema": DIALECT, "$id": ident, "title": _TITLES[root], "version": version, **schema}


def market_schema(rulesets: Path | None = None) -> dict:
    """The JSON Schema of a market description (`clausier schema`)."""
    from engine.market.model import Market

    return _finish(Market.model_json_schema(), "Market", f"urn:clausier:schema:marche:{MARKET_SCHEMA_VERSION}",
                   MARKET_SCHEMA_VERSION, _labels(rulesets))


def decision_schema(rulesets: Path | None = None) -> dict:
    """The JSON Schema of a Decision (`clausier schema --decision`)."""
    from engine.reasoning.decision import Decision

    schema = Decision.model_json_schema()
    labels = _labels(rulesets)
    for name, fields in DECISION_FIELDS.items():
        target = schema if name == "Decision" else schema["$defs"][name]
        for field, description in fields.items():
            target["properties"][field]["description"] = description
    for target in (schema, schema["$defs"]["LotDecision"]):
        props = target["properties"]
        for field, section in _CODED.items():
            if field in props:
                _code_values(props[field], labels[section])
        if "category" in props:
            props["category"]["oneOf"] = [{"const": c, "title": c} for c in _CATEGORIES]
    props = schema["properties"]
    props["date_source"].pop("enum", None)
    props["date_source"]["oneOf"] = _one_of(_DATE_SOURCES)
    return _finish(schema, "Decision", f"urn:clausier:schema:decision:{DECISION_SCHEMA_VERSION}",
                   DECISION_SCHEMA_VERSION, labels)


def _code_values(prop: dict, labels: dict[str, str]) -> None:
    """A string (or list of strings, or nullable string) field restricted to vocabulary codes, with labels."""
    coded = {"type": "string", "oneOf": _one_of(labels)}
    if prop.get("type") == "array":
        prop["items"] = coded
    elif "anyOf" in prop:
        prop["anyOf"] = [coded if alt.get("type") == "string" else alt for alt in prop["anyOf"]]
    else:
        prop.pop("type", None)
        prop.update(coded)
