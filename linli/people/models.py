"""Households, residents and target-group tags (M1).

Target groups (who a person *is*: 独居老人, 低保, 残疾人 …) are a vocabulary of their own, kept apart
from service categories (what is *done*: catalog.ServiceItem). Tags carry a sensitivity; a role sees
a tag only if its clearance reaches it (accounts.roles).

ID and mobile numbers are stored encrypted, with a keyed blind index for exact search and the last
four ID digits in clear for the "name + last digits" lookup workers use on the phone.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import PUBLIC, RESTRICTED, SENSITIVE
from linli.privacy.fields import EncryptedTextField
from linli.privacy.identifiers import mask_id_number, mask_mobile


class Sensitivity(models.IntegerChoices):
    PUBLIC = PUBLIC, _("Ordinary")
    SENSITIVE = SENSITIVE, _("Sensitive")
    RESTRICTED = RESTRICTED, _("Highly sensitive (need to know)")


class TagGroup(models.TextChoices):
    ELDERLY = "elderly", _("Older people")
    DISABILITY = "disability", _("People with disabilities")
    CHILDREN = "children", _("Children")
    HARDSHIP = "hardship", _("Families in hardship")
    VETERANS = "veterans", _("Veterans and entitled groups")
    MIGRANTS = "migrants", _("Migrants")
    SPECIAL = "special", _("Special groups")


class TargetGroupTag(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    group = models.CharField(_("group"), max_length=20, choices=TagGroup.choices)
    sensitivity = models.PositiveSmallIntegerField(_("sensitivity"), choices=Sensitivity.choices, default=PUBLIC)
    has_grade = models.BooleanField(_("has a grade"), default=False, help_text=_("Disability grades 1–4"))
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("target-group tag")
        verbose_name_plural = _("target-group tags")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Residence(models.TextChoices):
    REGISTERED = "registered", _("Registered (hukou here)")
    RESIDENT = "resident", _("Resident, hukou elsewhere")
    FLOATING = "floating", _("Floating population")


class ResidentStatus(models.TextChoices):
    ACTIVE = "active", _("Living here")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class Household(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="households", verbose_name=_("region"))
    number = models.CharField(_("household number"), max_length=40, unique=True)
    address_detail = models.CharField(_("address detail"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class ResidentQuerySet(models.QuerySet):
    def by_id_number(self, number: str):
        from linli.privacy.crypto import blind_index

        return self.filter(id_number_hash=blind_index(number))

    def by_mobile(self, number: str):
        from linli.privacy.crypto import blind_index

        return self.filter(mobile_hash=blind_index(number))


class Resident(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="residents", verbose_name=_("region"))
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("household"),
    )
    relation_to_head = models.CharField(_("relation to head of household"), max_length=20, blank=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_tail = models.CharField(max_length=4, blank=True, editable=False, db_index=True)
    mobile = EncryptedTextField(_("mobile number"), blank=True)
    mobile_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    address_detail = models.CharField(_("address detail"), max_length=100, blank=True)
    residence = models.CharField(_("residence"), max_length=20, choices=Residence.choices, default=Residence.REGISTERED)
    status = models.CharField(_("status"), max_length=20, choices=ResidentStatus.choices, default=ResidentStatus.ACTIVE)
    user = models.OneToOneField(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="resident", verbose_name=_("account"),
    )
    tags = models.ManyToManyField(TargetGroupTag, through="ResidentTag", related_name="residents", verbose_name=_("target groups"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~models.Q(id_number_hash=""), name="resident_unique_id_number",
            ),
        ]
        indexes = [models.Index(fields=["region", "id"], name="resident_region_id")]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class ResidentTag(models.Model):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="resident_tags")
    tag = models.ForeignKey(TargetGroupTag, on_delete=models.PROTECT, related_name="resident_tags")
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("target-group tag of a resident")
        verbose_name_plural = _("target-group tags of residents")
        constraints = [
            models.UniqueConstraint(fields=["resident", "tag"], name="resident_tag_unique"),
            models.CheckConstraint(
                condition=models.Q(grade__isnull=True) | models.Q(grade__gte=1, grade__lte=4),
                name="resident_tag_grade_1_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tag.label}{self.grade_label}"

    @property
    def grade_label(self) -> str:
        if not self.grade:
            return ""
        from django.utils.translation import gettext

        return gettext(" (grade %(grade)s)") % {"grade": self.grade}


class ImportJob(models.Model):
    """A large import (residents or sweep results) run by the worker instead of the web request.

    The file waits under ``MEDIA_ROOT/imports`` (mode 0600) only while the job is queued or running
    and is deleted when the job ends, whatever the outcome; the report is kept here as JSON."""

    class Kind(models.TextChoices):
        RESIDENTS = "residents", _("residents")
        SWEEP = "sweep", _("sweep results")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    filename = models.CharField(_("file name"), max_length=120)
    stored_name = models.CharField(max_length=80, unique=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    only_good = models.BooleanField(default=False)
    dry_run = models.BooleanField(default=False)
    language = models.CharField(max_length=10, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    rows_scanned = models.PositiveIntegerField(_("rows scanned"), default=0)
    attempts = models.PositiveSmallIntegerField(default=0)  # a worker that died leaves it running; the next takes it
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}
