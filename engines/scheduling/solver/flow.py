"""Assigning patients to clinicians within two nested capacities, by augmenting paths.

A patient may take a place of clinician ``m`` in part ``k``: at most ``part_caps[m, k]`` in
each part (the clinician's slots there) and at most ``caps[m]`` in all (the caseload cap).
This is a maximum flow source → patient → (m, k) → m → sink with unit patient supplies; each
patient is routed by a breadth-first search for an augmenting path in the residual graph, so
earlier options are preferred and a placement found is never lost later.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping, Sequence

Place = tuple[str, str]  # (clinician, part)
Node = tuple[
    str, str, str
]  # ("patient", id, "") | ("place", clinician, part) | ("clinician", id, "") | ("sink", "", "")
SINK: Node = ("sink", "", "")


class _Flow:
    def __init__(self, part_caps: Mapping[Place, int], caps: Mapping[str, int]) -> None:
        self.part_caps, self.caps = part_caps, caps
        self.placed: dict[str, Place] = {}
        self.holders: dict[Place, list[str]] = defaultdict(list)
        self.in_part: dict[Place, int] = defaultdict(int)
        self.places_of: dict[str, set[Place]] = defaultdict(set)  # places with flow, by clinician
        self.total: dict[str, int] = defaultdict(int)

    def augment(self, start: str, options: Mapping[str, Sequence[Place]]) -> bool:
        origin: Node = ("patient", start, "")
        parent: dict[Node, Node | None] = {origin: None}
        queue: deque[Node] = deque([origin])
        while queue:
            node = queue.popleft()
            for step in self._steps(node, options):
                if step in parent:
                    continue
                parent[step] = node
                if step == SINK:
                    self._apply(parent)
                    return True
                queue.append(step)
        return False

    def _steps(self, node: Node, options: Mapping[str, Sequence[Place]]) -> list[Node]:
        kind, first, second = node
        if kind == "patient":
            return [("place", m, k) for m, k in options[first] if self.placed.get(first) != (m, k)]
        if kind == "place":
            place = (first, second)
            steps: list[Node] = [("patient", p, "") for p in self.holders[place]]
            if self.in_part[place] < self.part_caps.get(place, 0):
                steps.insert(0, ("clinician", first, ""))
            return steps
        steps = [("place", m, k) for m, k in sorted(self.places_of[first])]
        if self.total[first] < self.caps.get(first, 0):
            steps.insert(0, SINK)
        return steps

    def _apply(self, parent: Mapping[Node, Node | None]) -> None:
        node: Node = SINK
        while (before := parent[node]) is not None:
            self._push(before, node)
            node = before

    def _push(self, tail: Node, head: Node) -> None:
        if tail[0] == "patient":  # the patient takes this place
            self.placed[tail[1]] = (head[1], head[2])
            self.holders[head[1], head[2]].append(tail[1])
        elif tail[0] == "place" and head[0] == "patient":  # the patient leaves it
            self.holders[tail[1], tail[2]].remove(head[1])
        elif tail[0] == "place":  # one more of this clinician's places in the part is used
            self.in_part[tail[1], tail[2]] += 1
            self.places_of[tail[1]].add((tail[1], tail[2]))
        elif head[0] == "place":  # one fewer
            self.in_part[head[1], head[2]] -= 1
            if not self.in_part[head[1], head[2]]:
                self.places_of[tail[1]].discard((head[1], head[2]))
        else:  # clinician -> sink
            self.total[tail[1]] += 1


def assign(
    options: Mapping[str, Sequence[Place]], part_caps: Mapping[Place, int], caps: Mapping[str, int]
) -> dict[str, str] | None:
    """Each patient's clinician (options tried in order), or None when one cannot be placed."""
    flow = _Flow(part_caps, caps)
    for patient in options:
        if not flow.augment(patient, options):
            return None
    return {p: place[0] for p, place in flow.placed.items()}
