"""Volunteers (志愿者): skills, certificates, insurance, where and when they can serve, teams.

The fields follow what the 志愿服务条例 (art. 7, 15–17) and the 2021 记录办法 (§5) ask to be
registered: identity, residence area, contact, skills, service time. A volunteer may be a resident
of the register (``resident``) and may have an account (``user``); a community worker can register
someone without an account, with their consent. The mobile number is encrypted like a resident's.

Volunteer hours are never paid: a volunteer has no price (priced services are
:class:`~linli.supply.models.resources.ServiceOffering`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from linli.people.models import Gender
from linli.privacy.fields import EncryptedTextField
from linli.privacy.identifiers import mask_mobile

MIN_AGE = 16  # 志愿服务条例: younger volunteers only with a guardian's consent
MAX_KM_RANGE = (Decimal("0.1"), Decimal("50"))
DAILY_CAPACITY_RANGE = (1, 20)


class Vocabulary(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=80)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name


class CertificateKind(Vocabulary):
    """A kind of certificate or licence a task may require (健康证, driving licence …)."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("certificate kind")
        verbose_name_plural = _("certificate kinds")


class Skill(Vocabulary):
    """What a volunteer can do, from a vocabulary with stable codes (``meal_delivery`` 送餐)."""

    needs_certificate = models.ForeignKey(
        CertificateKind, on_delete=models.PROTECT, null=True, blank=True, related_name="skills",
        verbose_name=_("needs certificate"),
        help_text=_("A volunteer is qualified for this skill only with a valid certificate of this kind."),
    )

    class Meta(Vocabulary.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    LEFT = "left", _("Left")


class VolunteerQuerySet(models.QuerySet):
    def by_mobile(self, number: str):
        from linli.privacy.crypto import blind_index

        return self.filter(mobile_hash=blind_index(number))


class Volunteer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="volunteer", verbose_name=_("account"),
    )
    resident = models.OneToOneField(
        "people.Resident", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="volunteer", verbose_name=_("resident record"),
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    guardian_consent = models.BooleanField(
        _("guardian's consent"), default=False, help_text=_("Required for volunteers under 16."),
    )
    mobile = EncryptedTextField(_("mobile number"), blank=True)
    mobile_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("home region"),
    )
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="volunteers", verbose_name=_("skills"))
    max_km = models.DecimalField(_("maximum distance (km)"), max_digits=3, decimal_places=1, default=2)
    daily_capacity = models.PositiveSmallIntegerField(_("services per day"), default=3)
    insurer = models.CharField(_("insurer"), max_length=80, blank=True)
    insurance_policy = models.CharField(_("policy number"), max_length=60, blank=True)
    insurance_valid_until = models.DateField(_("insured until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("registered by"),
    )
    consent_at = models.DateTimeField(
        _("consent recorded at"), null=True, blank=True,
        help_text=_("When a worker registered the volunteer: the moment the volunteer agreed."),
    )

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["id"]
        indexes = [models.Index(fields=["region", "status"], name="volunteer_region_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_km__gte=MAX_KM_RANGE[0], max_km__lte=MAX_KM_RANGE[1]),
                name="volunteer_max_km_range",
            ),
            models.CheckConstraint(
                condition=models.Q(daily_capacity__gte=DAILY_CAPACITY_RANGE[0], daily_capacity__lte=DAILY_CAPACITY_RANGE[1]),
                name="volunteer_daily_capacity_range",
            ),
            models.CheckConstraint(
                condition=(models.Q(lat__isnull=True) & models.Q(lon__isnull=True))
                | (models.Q(lat__isnull=False) & models.Q(lon__isnull=False)),
                name="volunteer_location_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def age(self) -> int:
        return age_on(self.birth_date, timezone.localdate())

    def is_insured_on(self, day: dt.date) -> bool:
        return self.insurance_valid_until is not None and self.insurance_valid_until >= day

    @property
    def insured(self) -> bool:
        return self.is_insured_on(timezone.localdate())

    @property
    def insurance_expired(self) -> bool:
        """Insurance was recorded but its end date has passed: shown as a warning, never refused."""
        return self.insurance_valid_until is not None and not self.insured

    def qualified_skill_codes(self, day: dt.date | None = None) -> set[str]:
        """Codes of the skills the volunteer may be dispatched for on ``day``: skills needing a
        certificate count only with a certificate of that kind valid on the day. Uses the prefetched
        ``skills`` and ``certificates`` when present."""
        day = day or timezone.localdate()
        valid_kinds = {c.kind_id for c in self.certificates.all() if c.is_valid_on(day)}
        return {s.code for s in self.skills.all() if s.needs_certificate_id is None or s.needs_certificate_id in valid_kinds}


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class VolunteerCertificate(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("volunteer"))
    kind = models.ForeignKey(CertificateKind, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("kind"))
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: does not expire."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer certificate")
        verbose_name_plural = _("volunteer certificates")
        ordering = ["kind__sort_order", "-valid_until", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True) | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="certificate_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}".strip()

    def is_valid_on(self, day: dt.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until

    @property
    def expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyAvailability(models.Model):
    """A window the volunteer is usually free, every week (several per day allowed)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="weekly", verbose_name=_("volunteer"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))

    class Meta:
        verbose_name = _("weekly service time")
        verbose_name_plural = _("weekly service times")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="weekly_start_before_end"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="weekly_weekday_0_6"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class AvailabilityException(models.Model):
    """A change to the weekly pattern on one date: unavailable (the whole day or a window), or an
    extra window (``available=True``, start and end required)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("volunteer"))
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"), null=True, blank=True)
    end = models.TimeField(_("to"), null=True, blank=True)
    available = models.BooleanField(_("extra time"), default=False)

    class Meta:
        verbose_name = _("service time exception")
        verbose_name_plural = _("service time exceptions")
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(start__isnull=True) & models.Q(end__isnull=True) & models.Q(available=False))
                | (models.Q(start__isnull=False) & models.Q(end__isnull=False) & models.Q(start__lt=models.F("end"))),
                name="exception_window_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.start or ''}–{self.end or ''}"

    @property
    def whole_day(self) -> bool:
        return self.start is None


class Team(models.Model):
    """A volunteer team, e.g. 银龄互助团 (a mutual-aid team of older residents)."""

    name = models.CharField(_("name"), max_length=80)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="teams", verbose_name=_("region"))
    leader = models.ForeignKey(
        Volunteer, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_teams", verbose_name=_("leader"),
    )
    members = models.ManyToManyField(Volunteer, through="TeamMembership", related_name="teams", verbose_name=_("members"))
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="team_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="team_memberships", verbose_name=_("volunteer"))
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["joined_on", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="team_member_unique")]

    def __str__(self) -> str:
        return f"{self.team} · {self.volunteer}"
