"""The region tree (M1): 区 → 街道 → 社区/村 → 网格 → 微网格 → 楼栋.

One table holds every level. Each node stores a materialised ``path`` (its ancestors' 4-character
segments plus its own), so "this node and everything under it" is one indexed prefix query; that
query is how every staff account is scoped to its subtree.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

SEGMENT = 4  # characters per level in ``path``


class Level(models.IntegerChoices):
    DISTRICT = 1, _("District")
    STREET = 2, _("Street / township")
    COMMUNITY = 3, _("Community / village")
    GRID = 4, _("Grid")
    MICROGRID = 5, _("Micro-grid")
    BUILDING = 6, _("Building")


# A child must be exactly one level below its parent, except a building may hang off a grid
# directly where a community has not drawn micro-grids.
ALLOWED_PARENT = {
    Level.STREET: {Level.DISTRICT},
    Level.COMMUNITY: {Level.STREET},
    Level.GRID: {Level.COMMUNITY},
    Level.MICROGRID: {Level.GRID},
    Level.BUILDING: {Level.MICROGRID, Level.GRID},
}


class CommunityType(models.TextChoices):
    URBAN = "urban", _("Urban community")
    RURAL = "rural", _("Rural village")
    MIXED = "mixed", _("Large mixed community")
    URBAN_VILLAGE = "urban_village", _("Urban village / relocation community")


class RegionQuerySet(models.QuerySet):
    def subtree(self, node: Region) -> RegionQuerySet:
        from linli.accounts.scoping import prefix_q

        return self.filter(prefix_q("path", node.path))

    def current(self) -> RegionQuerySet:
        from django.utils import timezone

        today = timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=today),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=today),
        )


class Region(models.Model):
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"), max_length=32, unique=True,
        help_text=_("Unique code used in imports and the API, e.g. the statistics code or 330502001001-G03."),
    )
    stats_code = models.CharField(
        _("statistics code"), max_length=12, blank=True, db_index=True,
        help_text=_("Official 12-digit statistics code (统计用区划代码) where one exists."),
    )
    community_type = models.CharField(
        _("community type"), max_length=20, choices=CommunityType.choices, blank=True,
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    path = models.CharField(max_length=64, unique=True, editable=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    # A representative point (WGS-84), e.g. a grid's service station: where dispatch places a need
    # that has no location of its own.
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        indexes = [
            # Prefix (LIKE 'x%') queries on PostgreSQL need the pattern operator class; SQLite uses
            # the unique index on path.
            models.Index(fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "sort_order"], name="region_children"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stats_code="") | models.Q(stats_code__regex=r"^[0-9]{12}$"),
                name="region_stats_code_12_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="region_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return len(self.path) // SEGMENT

    def ancestor_paths(self) -> list[str]:
        return [self.path[: i * SEGMENT] for i in range(1, self.depth)]

    def ancestors(self) -> RegionQuerySet:
        """Root first, excluding this node (one query)."""
        return Region.objects.filter(path__in=self.ancestor_paths()).annotate(
            _len=Length("path")
        ).order_by("_len")

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)

    def community(self) -> Region | None:
        if self.level == Level.COMMUNITY:
            return self
        if self.level < Level.COMMUNITY:
            return None
        return Region.objects.get(path=self.path[: 3 * SEGMENT])
