"""Each project's amount in US dollars, converted at the year's rate from the FX table."""

from __future__ import annotations

import pandas as pd

from .dataset import FILES
from .model import Problem

#: The largest amount in US dollars a project may convert to: the region's largest
#: projects are tens of billions, so a trillion means a wrong value, currency or rate.
USD_MAX = 1e12


def convert_amounts(projects: list[dict], fx: pd.DataFrame, fx_ok: bool,
                     problems: list[Problem]) -> dict[str, float | None]:
    """Each project's amount in US dollars (None when unknown). A currency the rates table
    has no rates for at all is an error (unless the table itself failed: that is reported
    there); a missing year of a known currency is a warning."""
    rates = {(r.currency, int(r.year)): r.usd_per_unit for r in fx.itertuples()}
    known = set(fx["currency"])
    out: dict[str, float | None] = {}
    for p in projects:
        amount = p["amount"]
        out[p["id"]] = None
        if not amount or amount["value"] is None or amount["currency"] is None:
            continue
        currency = amount["currency"]
        if currency == "USD":
            usd = amount["value"]
        elif currency not in known:
            if fx_ok:
                have = f"it has rates for {', '.join(sorted(known))}" if known else "it has none"
                problems.append(Problem(FILES["projects"], p["_row"], p["id"], "amount.currency",
                                        f"{currency} has no rates in {FILES['fx']} ({have}): "
                                        f"add {currency} rates there, or give the amount in "
                                        "USD or a currency it has rates for"))
            continue
        elif amount["year"] is None:  # already reported: no year to convert at
            continue
        elif (currency, amount["year"]) not in rates:
            problems.append(Problem(FILES["projects"], p["_row"], p["id"], "amount",
                                    f"no {currency} rate for {amount['year']} in "
                                    f"{FILES['fx']}; USD value unknown", level="warning"))
            continue
        else:
            usd = amount["value"] * rates[(currency, amount["year"])]
        if usd > USD_MAX:
            problems.append(Problem(FILES["projects"], p["_row"], p["id"], "amount.value",
                                    f"{amount['value']:,.0f} {currency} is US${usd:,.0f}, more "
                                    f"than the US${USD_MAX:,.0f} any project may be; check the "
                                    "value, its currency and the rate"))
            continue
        out[p["id"]] = usd
    return out
