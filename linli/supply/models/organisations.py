"""Organisations and social workers: who serves, apart from volunteers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    SOCIAL_ORG = "social_org", _("Social organisation")
    PROPERTY = "property", _("Property-management company")
    LOCAL_UNIT = "local_unit", _("Local unit (school, hospital, agency)")
    BUSINESS = "business", _("Business")
    CHARITY = "charity", _("Charity / foundation")


class SocialOrgRole(models.TextChoices):
    HUB = "hub", _("Hub (枢纽型)")
    SPECIALIST = "specialist", _("Specialist (专业型)")


class LegalStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered with civil affairs (登记)")
    FILED = "filed", _("Filed with the street or community (备案)")
    UNREGISTERED = "none", _("Neither")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("based in"),
    )
    social_role = models.CharField(_("hub or specialist"), max_length=20, choices=SocialOrgRole.choices, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=20, choices=LegalStatus.choices, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    domains = models.ManyToManyField(
        "catalog.ServiceCategory", blank=True, related_name="organisations", verbose_name=_("service domains"),
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="social_org") | (models.Q(social_role="") & models.Q(legal_status="")),
                name="org_social_fields_only_for_social_orgs",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationProject(models.Model):
    """A project an organisation has run: its track record."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="projects", verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    funder = models.CharField(_("funder"), max_length=120, blank=True)
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"), default=0)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("past project")
        verbose_name_plural = _("past projects")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class CertificationLevel(models.TextChoices):
    NONE = "none", _("Not certified")
    ASSISTANT = "assistant", _("Assistant social worker (助理社会工作师)")
    SOCIAL_WORKER = "social_worker", _("Social worker (社会工作师)")
    SENIOR = "senior", _("Senior social worker (高级社会工作师)")


class SocialWorker(models.Model):
    name = models.CharField(_("name"), max_length=50)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="social_worker", verbose_name=_("account"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="social_workers", verbose_name=_("organisation"),
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="social_workers", verbose_name=_("serves"))
    certification = models.CharField(_("certification level"), max_length=20, choices=CertificationLevel.choices, default=CertificationLevel.NONE)
    certified_year = models.PositiveSmallIntegerField(_("year certified"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("social worker")
        verbose_name_plural = _("social workers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
