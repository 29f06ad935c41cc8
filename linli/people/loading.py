"""Load the target-group vocabulary from ``data/target_groups.json`` (also used by a migration)."""

from __future__ import annotations

import json
from pathlib import Path

DEFAULT_TAGS = Path(__file__).parent / "data" / "target_groups.json"


def load_tags(tag_model, *, path: Path = DEFAULT_TAGS) -> int:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = 0
    for tag in data["tags"]:
        _obj, was_created = tag_model.objects.get_or_create(
            code=tag["code"],
            defaults={k: tag[k] for k in ("name", "name_en", "group", "sensitivity", "has_grade", "sort_order")},
        )
        created += was_created
    return created
