"""Message templates, in English source strings translated through gettext (zh-hans, en).

A template is a subject and a body with ``%(name)s`` placeholders. ``notify`` renders each message
in its recipient's language.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TEMPLATES: dict[str, tuple[object, object]] = {
    "demand_received": (
        _("Your demand %(tracking)s was received"),
        _("We received your demand (%(item)s). Tracking number: %(tracking)s. "
          "Follow it at %(link)s with this number and your mobile number."),
    ),
    "track_code": (
        _("Your code: %(code)s"),
        _("Your code to see your requests is %(code)s. It is valid for 10 minutes. If you did not ask for "
          "it, ignore this message."),
    ),
    "demand_crisis": (
        _("URGENT: crisis words in demand %(tracking)s"),
        _("Demand %(tracking)s (%(community)s) contains the words “%(phrases)s”. Contact the "
          "resident now. The demand cannot be closed without a social worker's note."),
    ),
    "demand_assigned": (
        _("New demand %(tracking)s for your unit"),
        _("Demand %(tracking)s (%(item)s, %(urgency)s) was assigned to %(org)s. Due by %(due)s."),
    ),
    "demand_reminder": (
        _("Demand %(tracking)s is due soon"),
        _("Demand %(tracking)s (%(item)s) is due by %(due)s and is still %(state)s."),
    ),
    "demand_escalated": (
        _("Overdue demand %(tracking)s escalated to you"),
        _("Demand %(tracking)s (%(item)s, %(community)s) was due by %(due)s and is still %(state)s. "
          "It is now escalated to %(level)s."),
    ),
    "demand_resolved": (
        _("Was it resolved? Demand %(tracking)s"),
        _("Your demand %(tracking)s was marked resolved. Please confirm, rate the service or complain "
          "at %(link)s."),
    ),
    "demand_followup": (
        _("Was it resolved? (解决了吗？) Demand %(tracking)s"),
        _("A while ago your demand %(tracking)s was marked resolved. Was it really? Confirm, rate or "
          "complain at %(link)s."),
    ),
    "demand_merged": (
        _("Demand %(tracking)s is handled together with %(original)s"),
        _("Your demand %(tracking)s asks for the same as demand %(original)s, so both are handled together "
          "as %(original)s. Follow it at %(link)s."),
    ),
    "demand_complaint": (
        _("Complaint on demand %(tracking)s"),
        _("The resident says demand %(tracking)s was not resolved: %(note)s"),
    ),
    "shop_thanks": (
        _("Thank you for your donation"),
        _("Thank you, %(donor)s! %(quantity)s × %(item)s are now on the shelf of the community's 爱心铺 "
          "for volunteers."),
    ),
    "record_correction_answered": (
        _("Your correction request was answered"),
        _("Your request to correct the record “%(activity)s” of %(date)s was %(decision)s. %(reason)s"),
    ),
    "dispatch_offer": (
        _("A task for you: %(task)s"),
        _("Can you help? %(task)s at %(start)s. Accept or decline on your task page before %(expires)s: "
          "nobody is ever assigned without saying yes."),
    ),
    "record_confirmed": (
        _("Your service was recorded"),
        _("%(unit)s recorded your service “%(activity)s” on %(date)s: %(hours)s hours. Thank you!"),
    ),
}
