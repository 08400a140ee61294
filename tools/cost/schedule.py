"""Task counts over a week from Application Auto Scaling scheduled actions.

Supported cron subset (AWS six-field form): ``cron(M H ? * DAYS *)`` and ``cron(M H * * ? *)``,
where M and H are single numbers and DAYS is ``*``/``?``, a day (MON or 1=SUN .. 7=SAT), a range
(MON-FRI) or a comma list of either. Anything else (``rate()``, ``at()``, day-of-month or month
lists) raises UnsupportedSchedule so the report says so instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MINUTES_PER_WEEK = 7 * 24 * 60
# Monday = 0, matching datetime.weekday(); only the fraction of the week matters, not the zone.
DAY_NAMES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# AWS cron numbers days 1 = SUN .. 7 = SAT.
AWS_DAY_NUMBER_TO_INDEX = {1: 6, 2: 0, 3: 1, 4: 2, 5: 3, 6: 4, 7: 5}

CRON_PATTERN = re.compile(r"^cron\((?P<body>[^)]*)\)$")


class UnsupportedSchedule(ValueError):
    pass


@dataclass(frozen=True)
class CronTimes:
    minute: int
    hour: int
    days: frozenset[int]

    def minutes_of_week(self) -> list[int]:
        return sorted(day * 1440 + self.hour * 60 + self.minute for day in self.days)


@dataclass(frozen=True)
class ScalingEvent:
    """At these times of the week the capacity bounds change (None keeps the previous bound)."""

    times: CronTimes
    min_capacity: int | None
    max_capacity: int | None
    name: str


@dataclass(frozen=True)
class WeekPeriod:
    fraction_of_week: float
    tasks: int


def _day_index(token: str, expression: str) -> int:
    if token.upper() in DAY_NAMES:
        return DAY_NAMES.index(token.upper())
    if token.isdigit() and int(token) in AWS_DAY_NUMBER_TO_INDEX:
        return AWS_DAY_NUMBER_TO_INDEX[int(token)]
    raise UnsupportedSchedule(f"day {token!r} in {expression!r}")


def _parse_days(field: str, expression: str) -> frozenset[int]:
    if field in ("*", "?"):
        return frozenset(range(7))
    days: set[int] = set()
    for part in field.split(","):
        if "-" in part:
            first, last = (_day_index(t, expression) for t in part.split("-", 1))
            span = (last - first) % 7
            days.update((first + offset) % 7 for offset in range(span + 1))
        else:
            days.add(_day_index(part, expression))
    return frozenset(days)


def parse_cron(expression: str) -> CronTimes:
    match = CRON_PATTERN.match(expression.strip())
    if match is None:
        raise UnsupportedSchedule(f"{expression!r} is not a cron() expression")
    fields = match["body"].split()
    if len(fields) != 6:
        raise UnsupportedSchedule(f"{expression!r} does not have six fields")
    minute, hour, day_of_month, month, day_of_week, year = fields
    if not (minute.isdigit() and hour.isdigit()):
        raise UnsupportedSchedule(f"{expression!r}: only a single minute and hour are supported")
    if month != "*" or year not in ("*", "?"):
        raise UnsupportedSchedule(f"{expression!r}: month and year must be '*'")
    if day_of_month == "?":
        days = _parse_days(day_of_week, expression)
    elif day_of_month == "*" and day_of_week == "?":
        days = frozenset(range(7))
    else:
        raise UnsupportedSchedule(f"{expression!r}: day-of-month must be '?' or '*'")
    if int(minute) > 59 or int(hour) > 23:
        raise UnsupportedSchedule(f"{expression!r}: minute or hour out of range")
    return CronTimes(minute=int(minute), hour=int(hour), days=days)


def _clamp(value: int, low: int, high: int | None) -> int:
    return max(low, value if high is None else min(value, high))


def week_periods(
    desired_count: int,
    events: Sequence[ScalingEvent],
    initial_min: int = 0,
    initial_max: int | None = None,
) -> list[WeekPeriod]:
    """Task counts through a repeating week; ECS holds desired within the scheduled bounds."""
    if not events:
        return [WeekPeriod(1.0, _clamp(desired_count, initial_min, initial_max))]
    timeline = sorted(
        (minute, order, event)
        for order, event in enumerate(events)
        for minute in event.times.minutes_of_week()
    )
    low, high = initial_min, initial_max
    # A first pass over the week settles the bounds in force at Monday 00:00 (the week wraps).
    for _, _, event in timeline:
        low, high = _apply(event, low, high)
    periods: list[WeekPeriod] = []
    cursor = 0
    for minute, _, event in timeline:
        if minute > cursor:
            periods.append(
                WeekPeriod((minute - cursor) / MINUTES_PER_WEEK, _clamp(desired_count, low, high))
            )
        low, high = _apply(event, low, high)
        cursor = minute
    if cursor < MINUTES_PER_WEEK:
        periods.append(
            WeekPeriod(
                (MINUTES_PER_WEEK - cursor) / MINUTES_PER_WEEK, _clamp(desired_count, low, high)
            )
        )
    return _merge(periods)


def _apply(event: ScalingEvent, low: int, high: int | None) -> tuple[int, int | None]:
    new_low = low if event.min_capacity is None else event.min_capacity
    new_high = high if event.max_capacity is None else event.max_capacity
    return new_low, new_high


def _merge(periods: Iterable[WeekPeriod]) -> list[WeekPeriod]:
    by_tasks: dict[int, float] = {}
    for period in periods:
        by_tasks[period.tasks] = by_tasks.get(period.tasks, 0.0) + period.fraction_of_week
    return [WeekPeriod(fraction, tasks) for tasks, fraction in sorted(by_tasks.items())]


def fixed_nightly_periods(desired_count: int, off_hours_per_day: float) -> list[WeekPeriod]:
    """The --compare alternative for a stack without a schedule: zero tasks for N hours a day."""
    off = off_hours_per_day / 24
    return _merge([WeekPeriod(off, 0), WeekPeriod(1 - off, desired_count)])
