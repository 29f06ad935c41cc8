"""From JSON to :class:`~linli.dispatch.engine.model.Problem`, refusing anything malformed with a
message that names the field (``needs[2].priority: must be an integer from 1 to 5``)."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from linli.dispatch.engine.model import Need, Problem, ProblemError, Volunteer, Weights

_NEED_KEYS = {"id", "lat", "lon", "skills", "start", "end", "priority", "familiar"}
_VOLUNTEER_KEYS = {"id", "lat", "lon", "skills", "max_km", "capacity", "slots"}


def load_problem(text: str) -> Problem:
    if not text.strip():
        raise ProblemError("(file)", "the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemError("(file)", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    return parse_problem(data)


def parse_problem(data: Any) -> Problem:
    if not isinstance(data, dict):
        raise ProblemError("(root)", "must be an object with 'needs' and 'volunteers'")
    unknown = set(data) - {"needs", "volunteers", "weights"}
    if unknown:
        raise ProblemError(sorted(unknown)[0], "unknown field")
    needs = tuple(_need(item, f"needs[{i}]") for i, item in enumerate(_list(data, "needs", "(root)")))
    volunteers = tuple(_volunteer(item, f"volunteers[{i}]") for i, item in enumerate(_list(data, "volunteers", "(root)")))
    _unique([n.id for n in needs], "needs")
    _unique([v.id for v in volunteers], "volunteers")
    return Problem(needs, volunteers, _weights(data.get("weights")))


def _list(obj: dict, key: str, where: str) -> list:
    if key not in obj:
        raise ProblemError(_at(where, key), "is required")
    value = obj[key]
    if not isinstance(value, list):
        raise ProblemError(_at(where, key), "must be a list")
    return value


def _at(where: str, key: str) -> str:
    return key if where == "(root)" else f"{where}.{key}"


def _unique(ids: list[str], where: str) -> None:
    seen: dict[str, int] = {}
    for i, value in enumerate(ids):
        if value in seen:
            raise ProblemError(f"{where}[{i}].id", f"duplicate id {value!r} (also {where}[{seen[value]}])")
        seen[value] = i


def _object(item: Any, where: str, keys: set[str]) -> dict:
    if not isinstance(item, dict):
        raise ProblemError(where, "must be an object")
    unknown = set(item) - keys
    if unknown:
        raise ProblemError(f"{where}.{sorted(unknown)[0]}", "unknown field")
    return item


def _need(item: Any, where: str) -> Need:
    obj = _object(item, where, _NEED_KEYS)
    start, end = _time(obj, "start", where), _time(obj, "end", where)
    if end <= start:
        raise ProblemError(f"{where}.end", "must be later than start")
    priority = _integer(obj, "priority", where)
    if not 1 <= priority <= 5:
        raise ProblemError(f"{where}.priority", f"must be an integer from 1 to 5, not {priority}")
    familiar = _strings(obj, "familiar", where) if "familiar" in obj else frozenset()
    return Need(_id(obj, where), _coordinate(obj, "lat", where, 90), _coordinate(obj, "lon", where, 180),
                _strings(obj, "skills", where), start, end, priority, familiar)


def _volunteer(item: Any, where: str) -> Volunteer:
    obj = _object(item, where, _VOLUNTEER_KEYS)
    max_km = _number(obj, "max_km", where)
    if max_km < 0:
        raise ProblemError(f"{where}.max_km", "must not be negative")
    capacity = _integer(obj, "capacity", where)
    if capacity < 0:
        raise ProblemError(f"{where}.capacity", "must not be negative")
    slots = []
    for i, slot in enumerate(_list(obj, "slots", where)):
        at = f"{where}.slots[{i}]"
        if not isinstance(slot, list) or len(slot) != 2:
            raise ProblemError(at, "must be a [start, end] pair")
        start, end = _parse_time(slot[0], f"{at}[0]"), _parse_time(slot[1], f"{at}[1]")
        if end <= start:
            raise ProblemError(f"{at}[1]", "must be later than the slot's start")
        slots.append((start, end))
    return Volunteer(_id(obj, where), _coordinate(obj, "lat", where, 90), _coordinate(obj, "lon", where, 180),
                     _strings(obj, "skills", where), max_km, capacity, tuple(slots))


def _weights(value: Any) -> Weights:
    if value is None:
        return Weights()
    obj = _object(value, "weights", {"unserved_m", "familiar_bonus_m", "load_step_m"})
    given = {}
    for key in obj:
        number = _integer(obj, key, "weights")
        if number < 0:
            raise ProblemError(f"weights.{key}", "must not be negative")
        given[key] = number
    return Weights(**given)


def _id(obj: dict, where: str) -> str:
    if "id" not in obj:
        raise ProblemError(f"{where}.id", "is required")
    value = obj["id"]
    if not isinstance(value, str) or not value:
        raise ProblemError(f"{where}.id", "must be a non-empty string")
    return value


def _number(obj: dict, key: str, where: str) -> float:
    if key not in obj:
        raise ProblemError(f"{where}.{key}", "is required")
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProblemError(f"{where}.{key}", f"must be a number, not {value!r}")
    return float(value)


def _integer(obj: dict, key: str, where: str) -> int:
    if key not in obj:
        raise ProblemError(f"{where}.{key}", "is required")
    value = obj[key]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(f"{where}.{key}", f"must be an integer, not {value!r}")
    return value


def _coordinate(obj: dict, key: str, where: str, limit: int) -> float:
    value = _number(obj, key, where)
    if not -limit <= value <= limit:
        raise ProblemError(f"{where}.{key}", f"must be between -{limit} and {limit}")
    return value


def _strings(obj: dict, key: str, where: str) -> frozenset[str]:
    values = _list(obj, key, where)
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise ProblemError(f"{where}.{key}[{i}]", "must be a string")
    return frozenset(values)


def _time(obj: dict, key: str, where: str) -> dt.datetime:
    if key not in obj:
        raise ProblemError(f"{where}.{key}", "is required")
    return _parse_time(obj[key], f"{where}.{key}")


def _parse_time(value: Any, where: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ProblemError(where, f"must be an ISO 8601 time string, not {value!r}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ProblemError(where, f"is not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise ProblemError(where, f"needs a UTC offset, e.g. 2026-11-23T11:00:00+08:00: {value!r}")
    return parsed
