"""data/README.md documents the vocabularies the code enforces: the two must agree."""

import re
from pathlib import Path

import pytest

from ca_atlas import model, source_kinds

README = Path(__file__).resolve().parents[2] / "data" / "README.md"

#: The README's name for each vocabulary, and the code's.
VOCABULARIES = {
    "sector": model.SECTORS,
    "location precision": model.LOCATION_PRECISIONS,
    "investor role": model.INVESTOR_ROLES,
    "financing type": model.FINANCING_TYPES,
    "amount measure": model.AMOUNT_MEASURES,
    "project status": model.PROJECT_STATUSES,
    "project flags": model.PROJECT_FLAGS,
    "confidence": model.CONFIDENCE,
    "corridor kind": model.CORRIDOR_KINDS,
    "corridor status": model.CORRIDOR_STATUSES,
    "node kind": model.NODE_KINDS,
    "risk category": model.RISK_CATEGORIES,
    "risk severity": model.RISK_SEVERITIES,
    "risk status": model.RISK_STATUSES,
    "claim status": model.CLAIM_STATUSES,
    "source kind": source_kinds.SOURCE_KINDS,
}


def _documented() -> dict[str, list[str]]:
    text = README.read_text(encoding="utf-8")
    table = text.split("## Vocabularies", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] not in ("name", "---"):
            rows[cells[0]] = re.findall(r"`([^`]+)`", cells[1])
    return rows


def test_every_vocabulary_is_documented():
    assert set(VOCABULARIES) | {"country"} == set(_documented())


@pytest.mark.parametrize("name", list(VOCABULARIES))
def test_the_documented_values_are_the_code_s(name):
    assert _documented()[name] == list(VOCABULARIES[name])


def test_the_five_countries_are_documented():
    assert _documented()["country"][:5] == list(model.FOCUS_COUNTRIES)
