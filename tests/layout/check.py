#!/usr/bin/env python3
"""The layout stage of `make test`: is every file where its role says?

Two sets of rules, each in its own module:

  layers.py   the include graph and the call graph (from `nm` of the
              kernel's objects in BUILD) against the declared layers:
              no arrow upward, no circle, one family per prefix;
  cites.py    every citation resolves inside the repository, and
              nothing names a document or a path outside it.

Before the rules run on the tree, each is run on a small made-up tree
that breaks it, and must say so: a control that the rule can fail.

    python3 tests/layout/check.py             # the stage; ends "N passed, N failed"
    python3 tests/layout/check.py -v          # also the graph's edges per folder
    python3 tests/layout/check.py --build DIR # objects from DIR, not build/
"""

import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cites     # noqa: E402
import layers    # noqa: E402


def control_layers():
    """Each layer rule must catch a planted break: [(rule, caught)]."""
    out = []
    inc = {"drivers/ident/ident_x.c": ["drivers/pvbus/pvbusvar.h"],
           "drivers/pvbus/pvconf.c": ["drivers/vmt/vmtvar.h"],
           "drivers/vmt/vmt.c": ["sim/simvar.h"]}
    found = dict(layers.judge(inc, {}, {}))
    up = found["every #include goes down the layers"]
    out.append(("a decoder including the bus's header",
                any("ident_x.c" in p for p in up)))
    out.append(("the bus's table including a child's header",
                any("pvconf.c" in p for p in up)))
    out.append(("a child including the simulator's header",
                any("vmt.c includes sim" in p for p in up)))
    calls = {
        "drivers/hyperv/hyperv.c": {"drivers/hyperv/hyperv_tsc.c": ["a"]},
        "drivers/hyperv/hyperv_tsc.c": {"drivers/hyperv/hyperv.c": ["b"]},
        "drivers/xen/xen.c": {"drivers/vmt/vmt.c": ["c"]},
        "sim/sim_xen.c": {"drivers/xen/xen.c": ["d"]},
        "drivers/pvbus/pvbus.c": {"drivers/ident/ident_kvm.c": ["e"],
                                  "drivers/xen/xen.c": ["f"]},
        "drivers/pvbus/pvconf.c": {"drivers/xen/xen.c": ["xen_driver"]},
        "drivers/ident/ident_kvm.c": {"drivers/pvbus/pvbus.c": ["g"]},
    }
    owner = {"hyperv_decode": "drivers/ident/ident_hyperv.c",
             "hyperv_attach": "drivers/hyperv/hyperv.c",
             "hyperv_page_free": "drivers/hyperv/hyperv_page.c"}
    found = dict(layers.judge({}, calls, owner))
    up = found["every use of another file's symbol goes down the layers"]
    circ = found["no circle between files or folders"]
    pre = found["each exported prefix belongs to one file's family"]
    out.append(("a child calling another child",
                any(p.startswith("drivers/xen/xen.c uses") for p in up)))
    out.append(("a simulator calling a guest driver",
                any(p.startswith("sim/sim_xen.c") for p in up)))
    out.append(("the bus calling a child outside its table",
                any(p.startswith("drivers/pvbus/pvbus.c uses f") for p in
                    up)))
    out.append(("the bus's table naming a child is allowed",
                not any("pvconf.c" in p for p in up)))
    out.append(("two files calling each other",
                any("hyperv.c <-> drivers/hyperv/hyperv_tsc.c" in p
                    for p in circ)))
    out.append(("a decoder calling the bus back",
                any("ident_kvm.c <-> drivers/pvbus/pvbus.c" in p
                    for p in circ)))
    out.append(("two files exporting one prefix",
                any(p.startswith("hyperv_decode") for p in pre) and
                not any(p.startswith("hyperv_page_free") for p in pre)))
    return out


def control_cites():
    """Each citation rule must catch a planted break: [(rule, caught)]."""
    out = []
    probs = []
    cites.check_citations("x.c", 'docs/reference/hyperv.md "Hypercall '
                          'page", "No such heading"', probs)
    out.append(("a heading that does not exist",
                any("No such heading" in p for p in probs) and
                not any("Hypercall page" in p for p in probs)))
    probs = []
    cites.check_citations("x.c", 'hyperv.md "Hypercall page"', probs)
    out.append(("a short citation without the file cited in full",
                len(probs) == 1))
    probs = []
    cites.check_citations("x.c", 'docs/reference/nosuch.md "X"', probs)
    out.append(("a reference file that does not exist", len(probs) == 1))
    probs = []
    cites.check_paths("x.c", "see drivers/pvbus/nosuch.c and "
                      "drivers/pvbus/pvbus.c", probs)
    out.append(("a path that does not exist",
                len(probs) == 1 and "nosuch" in probs[0]))
    old = "hypervisor-" + "interfaces.md 4.5 and the " + "fact" + " sheet"
    hits = [rx.search(old) for rx, _ in cites.FORBIDDEN]
    out.append(("a citation of the notes outside the repository",
                sum(h is not None for h in hits) == 2))
    return out


def edges_by_folder(build):
    files = layers.sources()
    objs = {f: layers.nm_symbols(layers.object_of(build, f))
            for f in files if f.endswith((".c", ".asm")) and
            os.path.exists(layers.object_of(build, f))}
    calls, _ = layers.call_graph(objs)
    folders = collections.defaultdict(set)
    for f, es in calls.items():
        for g in es:
            if layers.node(f) != layers.node(g):
                folders[layers.node(f)].add(layers.node(g))
    return folders


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    build = os.path.join(layers.REPO, args.build)
    passed = failed = 0
    for name, caught in control_layers() + control_cites():
        ok = bool(caught)
        print("%s  control: %s%s" % ("PASS" if ok else "FAIL", name,
                                     "" if ok else " is not caught"))
        passed, failed = passed + ok, failed + (not ok)
    for name, problems in layers.run(build) + cites.run():
        print("%s  %s" % ("FAIL" if problems else "PASS", name))
        for p in problems:
            print("      " + p)
        passed, failed = passed + (not problems), failed + bool(problems)
    if args.verbose:
        for f, gs in sorted(edges_by_folder(build).items()):
            print("  %s -> %s" % (f, ", ".join(sorted(gs))))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
