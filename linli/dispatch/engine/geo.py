"""Distances on the sphere, as the model defines them."""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Haversine distance in metres, rounded to the nearest integer.

    Computed by :func:`haversine_many_m`, so that one pair and a million pairs round alike.
    """
    return int(np.rint(haversine_many_m(lat1, lon1, np.array([lat2]), np.array([lon2]))[0]))


def haversine_many_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Haversine distances in metres from one point to many, unrounded (``np.rint`` them)."""
    p1, p2 = np.radians(np.float64(lat)), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - np.float64(lon))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def unit_vectors(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Points on the unit sphere, for a k-d tree whose chord radius bounds the great-circle one."""
    la, lo = np.radians(lats), np.radians(lons)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def chord_for_metres(metres: float) -> float:
    """Chord length on the unit sphere of an arc of ``metres`` (monotone, so a safe search radius)."""
    return 2 * math.sin(min(math.pi, metres / EARTH_RADIUS_M) / 2)
