"""``{% contact_panel demand %}``: the personal request's contact on the staff demand page."""

from __future__ import annotations

from django import template

from linli.demands.contact import can_reveal_contact, resident_candidates
from linli.privacy.models import RevealReason

register = template.Library()


@register.inclusion_tag("demands/_contact_panel.html", takes_context=True)
def contact_panel(context, demand):
    user = context["request"].user
    return {
        "demand": demand, "csrf_token": context.get("csrf_token"),
        "can_reveal": can_reveal_contact(user=user, demand=demand),
        "candidates": resident_candidates(user=user, demand=demand),
        "reasons": RevealReason.choices,
    }
