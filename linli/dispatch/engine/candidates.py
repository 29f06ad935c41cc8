"""Every feasible (need, volunteer, slot) triple, with its distance and cost, as numpy arrays.

A k-d tree over the needs (unit vectors on the sphere) finds, for each volunteer, the needs within
its reach; the exact rounded haversine distance, the skill test (bit masks) and the slot test
(epoch seconds) then keep only the feasible ones. Nothing is pruned for speed: every feasible
triple is returned, so the solver's optimum is the model's optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from linli.dispatch.engine.geo import chord_for_metres, haversine_many_m, unit_vectors
from linli.dispatch.engine.model import Problem


@dataclass(frozen=True)
class Arcs:
    need: np.ndarray  # index into problem.needs
    volunteer: np.ndarray  # index into problem.volunteers
    slot: np.ndarray  # index into that volunteer's slots
    distance: np.ndarray  # metres, rounded
    cost: np.ndarray  # distance less the familiarity bonus

    def __len__(self) -> int:
        return len(self.need)


def _skill_masks(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """(needs × words) and (volunteers × words) uint64 bit masks over the skills needs ask for."""
    asked = sorted({s for n in problem.needs for s in n.skills})
    bit = {s: i for i, s in enumerate(asked)}
    words = max(1, (len(asked) + 63) // 64)
    need_masks = np.zeros((len(problem.needs), words), dtype=np.uint64)
    vol_masks = np.zeros((len(problem.volunteers), words), dtype=np.uint64)
    for masks, people in ((need_masks, problem.needs), (vol_masks, problem.volunteers)):
        for row, person in enumerate(people):
            for skill in person.skills:
                if skill in bit:
                    masks[row, bit[skill] // 64] |= np.uint64(1) << np.uint64(bit[skill] % 64)
    return need_masks, vol_masks


def feasible_arcs(problem: Problem) -> Arcs:
    needs, vols = problem.needs, problem.volunteers
    empty = np.zeros(0, dtype=np.int64)
    if not needs or not vols:
        return Arcs(empty, empty, empty, empty, empty)
    n_lat = np.array([n.lat for n in needs], dtype=np.float64)
    n_lon = np.array([n.lon for n in needs], dtype=np.float64)
    n_start = np.array([n.start.timestamp() for n in needs], dtype=np.float64)
    n_end = np.array([n.end.timestamp() for n in needs], dtype=np.float64)
    need_masks, vol_masks = _skill_masks(problem)
    tree = cKDTree(unit_vectors(n_lat, n_lon))
    reach = [v.max_km * 1000 for v in vols]
    v_vecs = unit_vectors(np.array([v.lat for v in vols]), np.array([v.lon for v in vols]))
    radii = np.array([chord_for_metres(r + 1.0) * (1 + 1e-9) for r in reach])
    near = tree.query_ball_point(v_vecs, radii, workers=-1)
    parts: list[tuple[np.ndarray, ...]] = []
    for vi, (vol, candidates) in enumerate(zip(vols, near, strict=True)):
        if not candidates or vol.capacity <= 0 or not vol.slots:
            continue
        idx = np.asarray(candidates, dtype=np.int64)
        dist = np.rint(haversine_many_m(vol.lat, vol.lon, n_lat[idx], n_lon[idx])).astype(np.int64)
        ok = (dist <= reach[vi]) & ~np.any(need_masks[idx] & ~vol_masks[vi], axis=1)
        idx, dist = idx[ok], dist[ok]
        if not len(idx):
            continue
        for si, (s_start, s_end) in enumerate(vol.slots):
            inside = (s_start.timestamp() <= n_start[idx]) & (n_end[idx] <= s_end.timestamp())
            if inside.any():
                k = int(inside.sum())
                parts.append((idx[inside], np.full(k, vi), np.full(k, si), dist[inside]))
    if not parts:
        return Arcs(empty, empty, empty, empty, empty)
    need_i, vol_i, slot_i, dist = (np.concatenate(col).astype(np.int64) for col in zip(*parts, strict=True))
    return Arcs(need_i, vol_i, slot_i, dist, dist - _bonus(problem, need_i, vol_i))


def _bonus(problem: Problem, need_i: np.ndarray, vol_i: np.ndarray) -> np.ndarray:
    bonus = problem.weights.familiar_bonus_m
    if not bonus:
        return np.zeros(len(need_i), dtype=np.int64)
    vol_index = {v.id: i for i, v in enumerate(problem.volunteers)}
    width = len(problem.volunteers)
    familiar = [ni * width + vol_index[vid] for ni, n in enumerate(problem.needs) for vid in n.familiar if vid in vol_index]
    if not familiar:
        return np.zeros(len(need_i), dtype=np.int64)
    hit = np.isin(need_i * width + vol_i, np.array(familiar, dtype=np.int64))
    return hit.astype(np.int64) * bonus
