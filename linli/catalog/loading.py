"""Load the default catalog from ``data/default_catalog.json`` (also used by a data migration)."""

from __future__ import annotations

import json
from pathlib import Path

DEFAULT_CATALOG = Path(__file__).parent / "data" / "default_catalog.json"


def load_catalog(category_model, item_model, *, path: Path = DEFAULT_CATALOG, update: bool = False) -> tuple[int, int]:
    """Create missing categories and items by code; with ``update`` also overwrite their labels.

    Returns (created, updated). Items that an operator added or deactivated are left alone.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = updated = 0
    for c_order, cat in enumerate(data["categories"]):
        category, was_created = category_model.objects.get_or_create(
            code=cat["code"], defaults={"name": cat["name"], "name_en": cat["name_en"], "sort_order": c_order * 10},
        )
        created += was_created
        if update and not was_created:
            category.name, category.name_en = cat["name"], cat["name_en"]
            category.save(update_fields=["name", "name_en"])
            updated += 1
        for i_order, item in enumerate(cat["items"]):
            defaults = {
                "category": category, "name": item["name"], "name_en": item["name_en"],
                "source": cat.get("source", ""), "sort_order": i_order * 10,
            }
            obj, was_created = item_model.objects.get_or_create(code=item["code"], defaults=defaults)
            created += was_created
            if update and not was_created:
                for key, value in defaults.items():
                    setattr(obj, key, value)
                obj.save()
                updated += 1
    return created, updated
