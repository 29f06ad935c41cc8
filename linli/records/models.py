"""Service records (志愿服务记录) as the 《志愿服务记录与证明出具办法》 (2021) requires, corrections
and certificates.

- A :class:`ServiceRecord` holds the §7 fields: activity name, date, place, content, duration,
  organising unit and the person in charge (plus, from the 2012 rules, whom the service was for and
  who recorded it). It is made from a booking that was checked in and out, or entered by the
  organising unit for a group activity; it is *pending* until the unit confirms it, which §11 asks
  within 10 working days (``due_on``). Confirming posts the hours, and the points and coins the
  rules give, to the ledgers.
- Records are never deleted or edited after confirmation. A correction the unit accepts adds a
  *reversing* record (the same minutes, negative, ``reverses`` the original) and a *corrected*
  record with the right figures; the ledgers get the matching reversal and new postings.
- A :class:`CorrectionRequest` is the volunteer's request (§12–13), accepted or refused with a reason.
- A :class:`Certificate` is a snapshot of a volunteer's confirmed records with a code anyone can
  check at ``/verify/``. Its wording is 平台记录 (a platform record) unless the organising unit
  has certified it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.regions.models import Level


class RecordState(models.TextChoices):
    PENDING = "pending", _("Waiting for the organising unit")
    CONFIRMED = "confirmed", _("Confirmed")
    DISCARDED = "discarded", _("Not recorded")


class RecordKind(models.TextChoices):
    SERVICE = "service", _("Service")
    REVERSAL = "reversal", _("Reversal")
    CORRECTED = "corrected", _("Corrected")


class ServiceRecord(models.Model):
    volunteer = models.ForeignKey("supply.Volunteer", on_delete=models.PROTECT, related_name="service_records",
                                  verbose_name=_("volunteer"))
    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices, default=RecordKind.SERVICE)
    state = models.CharField(_("state"), max_length=10, choices=RecordState.choices, default=RecordState.PENDING)
    # §7 of the 2021 rules
    activity = models.CharField(_("activity name"), max_length=120)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    content = models.TextField(_("service content"))
    minutes = models.IntegerField(_("service time (minutes)"),
                                  help_text=_("Time actually given, without travel; negative only on a reversal"))
    organisation = models.ForeignKey("supply.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organising organisation"),
                                     help_text=_("Empty: the residents' committee of the community"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    path = models.CharField(max_length=64, editable=False, db_index=True)
    person_in_charge = models.CharField(_("person in charge"), max_length=50)
    # from the 2012 rules
    recipient = models.CharField(_("served"), max_length=120, blank=True)
    recorder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("recorded by"))
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("service item"))
    booking = models.OneToOneField("dispatch.Booking", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="service_record")
    due_on = models.DateField(_("to be completed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    hours_transfer = models.OneToOneField("ledger.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    points_transfer = models.OneToOneField("ledger.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    coins_transfer = models.OneToOneField("ledger.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["state", "due_on"], name="record_state_due"),
            models.Index(fields=["volunteer", "-date"], name="record_volunteer_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind="reversal", minutes__lt=0) | ~models.Q(kind="reversal") & models.Q(minutes__gt=0),
                                   name="record_minutes_sign"),
            models.CheckConstraint(condition=~models.Q(kind="reversal") | models.Q(reverses__isnull=False),
                                   name="reversal_names_original"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.date}"

    @property
    def unit_name(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        return f"{self.region.name}居民委员会" if self.region.level == Level.COMMUNITY else self.region.name


class CorrectionState(models.TextChoices):
    PENDING = "pending", _("Waiting for the organising unit")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class CorrectionRequest(models.Model):
    record = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, related_name="correction_requests",
                               verbose_name=_("record"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField(_("correct service time (minutes)"))
    content = models.TextField(_("correct service content"), blank=True)
    reason = models.TextField(_("why"))
    state = models.CharField(_("state"), max_length=10, choices=CorrectionState.choices, default=CorrectionState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    result = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["record"], condition=models.Q(state="pending"), name="one_open_correction"),
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="correction_minutes_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.record} → {self.minutes}"


class Certificate(models.Model):
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    volunteer = models.ForeignKey("supply.Volunteer", on_delete=models.PROTECT, related_name="hour_certificates")
    minutes = models.PositiveIntegerField(_("service time (minutes)"))
    records = models.PositiveIntegerField(_("records"))
    first_date = models.DateField(_("from"), null=True, blank=True)
    last_date = models.DateField(_("to"), null=True, blank=True)
    snapshot = models.JSONField(default=list, help_text="The records it certifies, as they were when issued.")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    certifying_unit = models.CharField(_("certifying unit"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.code

    @property
    def certified(self) -> bool:
        return self.certified_at is not None
