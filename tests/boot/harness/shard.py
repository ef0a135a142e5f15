"""
Shards of the matrix, for CI jobs that run it side by side:
`matrix.py --shard K/N` runs the K-th of N disjoint parts whose union
is the whole selection, balanced by how long each case took when it was
last measured (tests/boot/durations.json).

    parse_shard()   "2/4" -> (2, 4)
    Durations       the recorded seconds per case, per stage ("boot" for
                    tests/boot/cases, "hostile" for tests/hostile), the
                    stages of `make test` that are not the matrix, and a
                    default per boot path (pvh, bios, uefi, tool) for a
                    case not yet recorded
    assign()        cases -> N lists, longest first onto the shard with
                    the least work so far (Graham's LPT rule), so that
                    no shard has more than the longest case's time above
                    the lightest one
    refresh()       new durations from results files (results.py)

Reads and writes durations.json only when asked; runs nothing.  The
file is committed, so every CI job computes the same shards;
`tools/test-results durations build/test-results/results.json` (after
`make test`, or after merging a CI run's shards) writes it again.
"""

import json
import os
import re
import statistics

from .paths import REPO

DURATIONS = os.path.join(REPO, "tests", "boot", "durations.json")
# Before anything is recorded: seconds per boot path (a PVH boot takes
# 0.1-0.5 s under TCG, a BIOS ISO about 1 s, UEFI 5 s), and for tools.
FALLBACK = {"pvh": 0.5, "bios": 1.5, "uefi": 6.0, "tool": 0.3}
SHARD_RE = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(text):
    """'K/N' with 1 <= K <= N -> (K, N); ValueError otherwise."""
    m = SHARD_RE.match(text or "")
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise ValueError("--shard K/N with 1 <= K <= N, not %r" % text)
    return int(m.group(1)), int(m.group(2))


def kind(case):
    return "tool" if case.tool else case.boot or "pvh"


class Durations:
    """The recorded seconds: {"defaults": {kind: s}, "stages": {name: s},
    STAGE: {case: s}}."""

    def __init__(self, data=None):
        self.data = data or {}

    @classmethod
    def load(cls, path=DURATIONS):
        try:
            with open(path, encoding="utf-8") as f:
                return cls(json.load(f))
        except FileNotFoundError:
            return cls()

    def of(self, stage, case):
        """Seconds for one case: recorded, or its boot path's default."""
        got = self.data.get(stage, {}).get(case.name)
        if got is not None:
            return float(got)
        return float(self.data.get("defaults", {}).get(
            kind(case), FALLBACK[kind(case)]))

    def stages(self, names=None):
        """The recorded seconds of `make test`'s other stages (names:
        only these), summed."""
        st = self.data.get("stages", {})
        return sum(float(v) for k, v in st.items()
                   if names is None or k in names)


def assign(cases, n, weight, head=0.0):
    """The cases in n shards: each case, longest first (then by name),
    onto the shard with the least work so far (the first such).  The
    first shard starts with head seconds of other work.  Returns n lists,
    each in the cases' given order."""
    load = [float(head)] + [0.0] * (n - 1)
    where = {}
    for c in sorted(cases, key=lambda c: (-weight(c), c.name)):
        k = min(range(n), key=lambda i: (load[i], i))
        load[k] += weight(c)
        where[c.name] = k
    return [[c for c in cases if where[c.name] == k] for k in range(n)]


def refresh(suites, old=None):
    """New durations data from results (results.Suite list): each matrix
    case's time under its stage, each other stage's time, and the
    defaults (the median per boot path of what was recorded).  Entries
    that the results lack are kept from old."""
    data = json.loads(json.dumps(old.data)) if old else {}
    by_kind = {}
    for s in suites:
        if s.time is None or s.status == "SKIP":
            continue
        # Tenths of a second, and at least one: a case that took no
        # time still counts, so that such cases spread over the shards.
        t = max(0.1, round(float(s.time), 1))
        if s.name == s.stage:               # a stage, not a case
            data.setdefault("stages", {})[s.stage] = t
            continue
        data.setdefault(s.stage, {})[s.name] = t
        k = "tool" if s.properties.get("tool") else \
            s.properties.get("boot")
        if k:
            by_kind.setdefault(k, []).append(t)
    defaults = data.setdefault("defaults", dict(FALLBACK))
    for k, ts in by_kind.items():
        defaults[k] = round(statistics.median(ts), 1)
    return Durations({k: dict(sorted(v.items())) if isinstance(v, dict)
                      else v for k, v in sorted(data.items())})


def save(durations, path=DURATIONS):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(durations.data, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)
