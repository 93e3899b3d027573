"""The committed JSON Schemas in schemas/json/ must match the pydantic contracts."""

from pathlib import Path

from faceschemas.json_schemas import render_schemas

JSON_DIR = Path(__file__).resolve().parents[1] / "json"


def test_committed_json_schemas_are_current():
    rendered = render_schemas()
    stale = [name for name, text in rendered.items()
             if not (JSON_DIR / name).exists() or (JSON_DIR / name).read_text() != text]
    assert not stale, f"stale JSON Schemas {stale}: run `make schemas` and commit schemas/json/"
    extra = sorted(p.name for p in JSON_DIR.glob("*.json") if p.name not in rendered)
    assert not extra, f"schemas/json/ has files for no contract: {extra}"
