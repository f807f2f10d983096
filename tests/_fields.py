"""The text fields of a market that reach the document, and how a test puts a text in one of them."""

from __future__ import annotations

TEXT_FIELDS = ("title", "buyer_name", "reference", "facilitator.name", "facilitator.contact", "lots[0].title",
               "derogation.justification")


def put_text(market: dict, field: str, text: str) -> dict:
    """Set `field` (one of TEXT_FIELDS) of `market` to `text`, creating what holds it; returns `market`.

    The market's first lot is written in place: give a copy of the lots when the market is shared.
    """
    if field == "derogation.justification":
        market["derogation"] = {"reason": "lien_insuffisant", "justification": text}
    elif field.startswith("facilitator."):
        market.setdefault("facilitator", {})[field.split(".")[1]] = text
    elif field == "lots[0].title":
        market["lots"][0]["title"] = text
    else:
        market[field] = text
    return market
