"""The demand database (需求库, M3): every need from every channel, and its history.

A :class:`Demand` is one need of one resident (or of a public area, with no single resident): who,
where, what, how urgent, through which channel and with what consent. It moves through the
workflow in ``workflow.py``; every move is a :class:`DemandEvent` row (who, when, from, to, why).
Nothing here is ever deleted: a cancelled or duplicate demand stays, with its reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.demands.workflow import OPEN_STATES, RESIDENT_LABELS, Actor, State
from linli.privacy.fields import EncryptedTextField
from linli.privacy.identifiers import mask_mobile

#: Letters and digits that cannot be mistaken for one another when read out over the phone.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 8
DESCRIPTION_MAX = 2000


class Urgency(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class Channel(models.TextChoices):
    SELF_SERVICE = "self_service", _("Self-service page (我要服务)")
    PHONE = "phone", _("Phone call, recorded by a worker")
    VISIT = "visit", _("Door-to-door visit, recorded by a worker")
    HOTLINE = "hotline", _("24-hour hotline")
    SWEEP_IMPORT = "sweep_import", _("Sweep results import (扫楼排查)")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class Consent(models.TextChoices):
    SELF = "self", _("Given by the resident")
    VERBAL_TO_WORKER = "verbal", _("Given verbally to the worker")
    GUARDIAN = "guardian", _("Given by a family member or guardian")
    PUBLIC_AREA = "public_area", _("Public-area need: no personal data")
    VITAL_INTEREST = "vital_interest", _("Not given: protecting life or health (PIPL Art. 13)")


class Satisfaction(models.IntegerChoices):
    """The resident's verdict (好差评), stored in ``Demand.rating``: 5 is the best, 1 the worst, as the
    earlier 1–5 stars were, so older ratings keep their meaning without a data migration."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class DemandQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Demand(models.Model):
    tracking_number = models.CharField(_("tracking number"), max_length=12, unique=True, editable=False)
    # who
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="demands",
        verbose_name=_("resident"), help_text=_("Empty for a public-area need."),
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_mobile = EncryptedTextField(_("contact mobile number"), blank=True)
    contact_mobile_hash = models.CharField(max_length=64, blank=True, editable=False)
    #: The caller's last four mobile digits in clear (the contact's, else the resident's), for the
    #: queue's "last four digits" search on the phone, as ``Resident.id_number_tail`` is for IDs.
    mobile_tail = models.CharField(max_length=4, blank=True, editable=False, db_index=True)
    # where
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="demands", verbose_name=_("region"),
    )
    path = models.CharField(max_length=64, editable=False, help_text="The region's path, copied for scoped queues.")
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", editable=False,
        verbose_name=_("community"), help_text=_("The community or village the region lies in."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # what
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="demands", verbose_name=_("service item"))
    item_suggested = models.BooleanField(_("service item suggested by triage"), default=False)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    urgency_reasons = models.JSONField(_("urgency reasons"), default=list, blank=True)
    target_groups = models.ManyToManyField("people.TargetGroupTag", blank=True, related_name="demands", verbose_name=_("target groups"))
    crisis = models.BooleanField(_("crisis phrase found"), default=False)
    crisis_phrases = models.JSONField(default=list, blank=True)
    crisis_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("social worker's note by"),
    )
    # how it came
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    consent = models.CharField(_("consent"), max_length=20, choices=Consent.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by"),
    )
    idempotency_scope = models.CharField(max_length=40, blank=True, editable=False)
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    external_ref = models.CharField(_("external reference"), max_length=100, blank=True)
    # where it is
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    version = models.PositiveIntegerField(default=1, editable=False)
    assignee_org = models.ForeignKey(
        "supply.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="demands",
        verbose_name=_("assigned unit"),
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("duplicate of"),
    )
    linked = models.ManyToManyField("self", blank=True, verbose_name=_("linked public-area demands"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    followup_due_at = models.DateTimeField(_("follow-up due"), null=True, blank=True)
    followup_sent_at = models.DateTimeField(_("follow-up sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # the resident's verdict
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    # publication through Open311 (public-area demands only): the text a worker approved; the
    # description and address above stay as they were submitted
    published_description = models.TextField(_("published description"), max_length=DESCRIPTION_MAX, blank=True)
    published_address = models.CharField(_("published address"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("approved for publication"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved for publication by"),
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                name="demand_idempotency_key_once",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="demand_rating_1_5",
            ),
            models.CheckConstraint(condition=models.Q(urgency__gte=1, urgency__lte=4), name="demand_urgency_1_4"),
        ]
        indexes = [
            # The staff queues: open demands of a subtree, newest first, paged by id (keyset).
            models.Index(fields=["community", "state", "-id"], name="demand_queue"),
            models.Index(fields=["path"], name="demand_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["state", "due_at"], name="demand_due"),
            models.Index(fields=["resident", "item", "state"], name="demand_resident_item"),
            models.Index(fields=["contact_mobile_hash"], name="demand_contact_mobile"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is None or {"contact_mobile", "resident", "mobile_tail"} & set(fields):
            number = self.contact_mobile or (self.resident.mobile if self.resident_id else "")
            self.mobile_tail = mobile_tail(number)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "mobile_tail"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def resident_state_label(self) -> str:
        """The state in the resident's words (``workflow.RESIDENT_LABELS``)."""
        return str(RESIDENT_LABELS.get(self.state, self.get_state_display()))

    @property
    def contact_mobile_masked(self) -> str:
        return mask_mobile(self.contact_mobile)

    @property
    def is_public_area(self) -> bool:
        """Marked as about a public place (not a resident), without crisis words: the only demands
        whose words may be published, once a worker approves them."""
        return self.resident_id is None and self.consent == Consent.PUBLIC_AREA and not self.crisis

    @property
    def is_published(self) -> bool:
        return self.is_public_area and self.published_at is not None

    @property
    def tracking_display(self) -> str:
        n = self.tracking_number
        return f"{n[:4]}-{n[4:]}" if len(n) == TRACKING_LENGTH else n


def mobile_tail(number: str) -> str:
    """The last four digits of a mobile number, or "" when it has fewer."""
    digits = "".join(c for c in (number or "") if c.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def normalise_tracking(raw: str) -> str:
    """Tracking numbers are read out and typed: case, dashes and spaces do not matter."""
    return (raw or "").strip().upper().replace("-", "").replace(" ", "")


class DemandEvent(models.Model):
    """One line of a demand's history: a transition, a note, a reminder, an escalation."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("who"),
    )
    actor_role = models.CharField(_("as"), max_length=20, choices=Actor.choices)
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=DESCRIPTION_MAX)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("demand event")
        verbose_name_plural = _("demand history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["demand", "at"], name="demandevent_demand")]

    def __str__(self) -> str:
        return f"{self.demand_id} {self.action} {self.from_state}→{self.to_state}"

    @property
    def label(self) -> str:
        """What happened, in words a resident understands."""
        if self.action in EVENT_LABELS:
            return str(EVENT_LABELS[self.action])
        if self.to_state and self.to_state != self.from_state:
            return str(State(self.to_state).label)
        return self.action


EVENT_LABELS = {
    "submit": _("Submitted"),
    "note": _("Note added"),
    "rate": _("Rated"),
    "remind": _("Reminder sent"),
    "escalate": _("Escalated to the level above"),
    "merge_in": _("A repeat of this demand was merged into it"),
    "follow_up": _("Follow-up sent"),
    "complain": _("Complaint: reopened"),
    "reassign": _("Reassigned"),
    "publish": _("Approved for publication"),
    "unpublish": _("Publication withdrawn"),
    "link_resident": _("Linked to the registered resident"),
}
