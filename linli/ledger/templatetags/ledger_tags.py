from django import template

from linli.ledger.units import hours_text

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Minutes as hours with one decimal."""
    return hours_text(minutes)


@register.filter
def units(amount, ledger: str) -> str:
    """An entry's amount in its ledger's unit: signed hours for hours and coins, points as they are."""
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        return ""
    if ledger == "points":
        return f"{amount:+d}"
    return f"{amount / 60:+.1f}"
