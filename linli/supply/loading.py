"""Load the skill and certificate vocabularies from ``data/skills.json`` (also used by a migration).

Existing rows keep their edited labels: loading adds what is missing and never overwrites.
"""

from __future__ import annotations

import json
from pathlib import Path

DEFAULT_SKILLS = Path(__file__).parent / "data" / "skills.json"


def load_skills(kind_model, skill_model, *, path: Path = DEFAULT_SKILLS) -> int:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = 0
    kinds = {}
    for kind in data["certificate_kinds"]:
        obj, was_created = kind_model.objects.get_or_create(
            code=kind["code"], defaults={k: kind[k] for k in ("name", "name_en", "sort_order")},
        )
        kinds[obj.code] = obj
        created += was_created
    for skill in data["skills"]:
        needs = skill.get("needs_certificate")
        _obj, was_created = skill_model.objects.get_or_create(
            code=skill["code"],
            defaults={
                **{k: skill[k] for k in ("name", "name_en", "sort_order")},
                "needs_certificate": kinds[needs] if needs else None,
            },
        )
        created += was_created
    return created
