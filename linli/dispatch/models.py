"""The dispatch service (志愿服务指挥系统, M5): tasks, offers volunteers accept or decline, bookings
that can never overlap, and emergency calls with a quota that is never exceeded.

- A :class:`Task` is a piece of work at a place and time needing some skills: made from a demand
  (or, later, an occurrence of a recurring plan).
- An :class:`Offer` asks one volunteer to take a task. The 志愿服务条例 forbids forced assignment:
  nothing is booked until the volunteer accepts. A declined or expired offer passes to the next
  best volunteer; every offer keeps the reason it was made, so fairness can be audited.
- A :class:`Booking` is an accepted offer. It claims the volunteer's time in 5-minute quanta
  (:class:`BookingQuantum`, unique per volunteer and quantum), so two overlapping bookings of one
  volunteer are refused by the database itself, on SQLite as on PostgreSQL.
- A :class:`MobilisationCall` asks for N people; ``filled`` rises by a conditional UPDATE
  (``WHERE filled < quota``), so the first N who accept are booked and never N+1.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Bookings claim time in quanta of this many minutes (start rounded down, end rounded up).
QUANTUM_MINUTES = 5


class TaskState(models.TextChoices):
    OPEN = "open", _("Waiting for a volunteer")
    OFFERED = "offered", _("Offered")
    BOOKED = "booked", _("Booked")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    demand = models.ForeignKey("demands.Demand", on_delete=models.PROTECT, null=True, blank=True, related_name="tasks",
                               verbose_name=_("demand"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    path = models.CharField(max_length=64, editable=False)
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("service item"))
    title = models.CharField(_("title"), max_length=120, blank=True, help_text=_("Only when there is no service item"))
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    skills = models.JSONField(_("skills needed"), default=list, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    priority = models.PositiveSmallIntegerField(_("priority"), default=3)
    familiar = models.JSONField(default=list, blank=True, help_text="Volunteer ids who served this resident before.")
    state = models.CharField(_("state"), max_length=12, choices=TaskState.choices, default=TaskState.OPEN)
    plan = models.ForeignKey("RecurringPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    resident = models.ForeignKey("people.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    occurs_on = models.DateField(_("occurrence"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["state", "start"], name="task_state_start")]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="task_end_after_start"),
            models.CheckConstraint(condition=models.Q(priority__gte=1, priority__lte=5), name="task_priority_1_5"),
            # Generating a plan twice never makes a second task for the same resident and day.
            models.UniqueConstraint(fields=["plan", "resident", "occurs_on"], condition=models.Q(plan__isnull=False),
                                    name="task_once_per_plan_resident_day"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """What is to be done, in the reader's language."""
        return self.item.label if self.item_id else self.title


class PlanRule(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")


class RecurringPlan(models.Model):
    """A service that comes back: a monthly visit to every senior living alone, a daily meal, a
    weekly class. ``plan_generate`` turns it into one task per resident and occurrence."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    path = models.CharField(max_length=64, editable=False)
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("service item"))
    rule = models.CharField(_("repeats"), max_length=10, choices=PlanRule.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday (0 = Monday)"), null=True, blank=True)
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    target_tag = models.ForeignKey("people.TargetGroupTag", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("for everyone in the target group"))
    residents = models.ManyToManyField("people.Resident", blank=True, related_name="+", verbose_name=_("for these residents"))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recurring plan")
        verbose_name_plural = _("recurring plans")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")), name="plan_end_after_start"),
            models.CheckConstraint(condition=~models.Q(rule="weekly") | models.Q(weekday__gte=0, weekday__lte=6),
                                   name="plan_weekly_has_weekday"),
            models.CheckConstraint(condition=~models.Q(rule="monthly") | models.Q(day_of_month__gte=1, day_of_month__lte=28),
                                   name="plan_monthly_has_day"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_rule_display()}"


class OfferState(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Offer(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="offers", verbose_name=_("task"))
    volunteer = models.ForeignKey("supply.Volunteer", on_delete=models.PROTECT, related_name="offers",
                                  verbose_name=_("volunteer"))
    state = models.CharField(_("state"), max_length=10, choices=OfferState.choices, default=OfferState.PENDING)
    rank = models.PositiveSmallIntegerField(_("rank"), default=1, help_text=_("1 = the first choice for the task"))
    distance_m = models.PositiveIntegerField(_("distance (m)"))
    cost = models.IntegerField(_("cost"), help_text=_("The matching cost that ranked this volunteer"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    method = models.CharField(_("method"), max_length=20, help_text=_("batch (the optimum), next_best, chosen (by the coordinator) or broadcast"))
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.CharField(_("why declined"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-id"]
        constraints = [
            # A volunteer is asked about a task once; after a decline or expiry the next one is asked.
            models.UniqueConstraint(fields=["task", "volunteer"], name="offer_once_per_volunteer"),
            # At most one pending offer a task: offers go out one at a time, best first; only a
            # broadcast (the coordinator asking several at once for a stand-in) has more.
            models.UniqueConstraint(fields=["task"], condition=models.Q(state="pending") & ~models.Q(method="broadcast"),
                                    name="offer_one_pending"),
        ]
        indexes = [
            models.Index(fields=["volunteer", "state"], name="offer_volunteer_state"),
            models.Index(fields=["state", "expires_at"], name="offer_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.volunteer}"


class Booking(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings")
    call = models.ForeignKey("MobilisationCall", on_delete=models.PROTECT, null=True, blank=True, related_name="bookings")
    volunteer = models.ForeignKey("supply.Volunteer", on_delete=models.PROTECT, related_name="bookings")
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="booking")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    no_show = models.BooleanField(_("no-show"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(task__isnull=False) | models.Q(call__isnull=False),
                                   name="booking_for_a_task_or_a_call"),
            # A task has one live booking; a no-show stays on record beside the stand-in's.
            models.UniqueConstraint(fields=["task"], condition=models.Q(task__isnull=False, no_show=False),
                                    name="one_live_booking_per_task"),
            models.UniqueConstraint(fields=["call", "volunteer"], condition=models.Q(call__isnull=False),
                                    name="booking_once_per_call"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.start:%Y-%m-%d %H:%M}"


class BookingQuantum(models.Model):
    """One 5-minute quantum of a volunteer's time held by a booking: the database's guarantee that
    a volunteer is never booked twice for overlapping times."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="quanta")
    volunteer = models.ForeignKey("supply.Volunteer", on_delete=models.CASCADE, related_name="+")
    quantum = models.BigIntegerField(help_text="Minutes since the epoch divided by QUANTUM_MINUTES")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["volunteer", "quantum"], name="volunteer_time_once")]

    def __str__(self) -> str:
        return f"{self.volunteer_id}@{self.quantum}"


class MobilisationCall(models.Model):
    """An emergency call for ``quota`` people with requirements; the first who accept are booked."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    path = models.CharField(max_length=64, editable=False)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    quota = models.PositiveIntegerField(_("people needed"))
    filled = models.PositiveIntegerField(_("people booked"), default=0)
    requires_insurance = models.BooleanField(_("insured only"), default=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    skills = models.JSONField(_("skills needed"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("mobilisation call")
        verbose_name_plural = _("mobilisation calls")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(filled__lte=models.F("quota")), name="call_never_over_quota"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="call_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.title
