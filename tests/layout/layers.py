"""The include graph and the call graph against the declared layers.

The layers, lowest first; a file may include and call what lies below
it, never what lies above:

    spec      spec/            numbers from specifications (headers only)
    kernel    kernel/, boot/   the kernel proper
    hvio      drivers/hvio/    the hvio interface and its backends
    ident     drivers/ident/   the CPUID decoders
    fw        drivers/fw/      the firmware's tables (ACPI, SMBIOS, EFI):
                               it reads physical memory and the boot
                               information (kernel), and the bus holds
                               CPUID against its verdict, so it lies
                               below the bus and needs nothing above
                               the kernel
    pvbus     drivers/pvbus/   the bus core
    child     drivers/hyperv/, drivers/xen/, drivers/pvclock/,
              drivers/vmt/     the child drivers; none uses another
    sim       sim/             the simulated hypervisors: spec, kernel
                               and hvio only, never a guest driver
    boot      kernel/main.c    the boot story: uses any layer but sim

Three configuration tables reach upward, by name only and each for one
purpose, as OpenBSD's generated ioconf.c names the drivers: the bus's
pvconf.c names the children, hvio_backends.c names the simulators'
backend, kernel/cmdline_keys.c names the checks of the keys the hvio,
pvbus (expect.*), sim and child layers read.  They declare what they
name themselves: their #includes obey their own layer like any file's.

Checked, from the sources and from `nm` of the kernel's objects in
BUILD (the call graph: which file's object uses which one's symbols):

  - every header name is unique, so a bare #include "x.h" is one file;
  - no #include and no symbol use goes upward or sideways against the
    table above (the three tables' named uses excepted);
  - no two files use each other, directly or round a circle (the
    configuration tables' uses count here too), and no two folders do
    (without them: a bus calls its children through its table, and they
    call the bus's services);
  - an exported name is its own file's: a symbol whose name starts with
    the stem of another file ("hyperv_" of hyperv.c) is defined in that
    file or in one whose stem starts with it (hyperv_hypercall.c), so
    no two files of different names export the same prefix.
"""

import collections
import os
import re
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

RANK = {"spec": 0, "kernel": 1, "hvio": 2, "ident": 3, "fw": 4, "pvbus": 5,
        "child": 6, "boot": 9}
SIM_USES = ("spec", "kernel", "hvio")

FOLDERS = {
    "spec": "spec", "kernel": "kernel", "boot": "kernel",
    "drivers/hvio": "hvio", "drivers/ident": "ident",
    # Below the bus: the bus compares CPUID with what the tables say.
    "drivers/fw": "fw",
    "drivers/pvbus": "pvbus", "drivers/hyperv": "child",
    "drivers/xen": "child", "drivers/pvclock": "child",
    "drivers/vmt": "child", "sim": "sim",
}
FILES = {"kernel/main.c": "boot"}

# The CPU enters the kernel at the boot code and at the trap stubs; their
# jumps into C are the machine's way in, not uses of a layer.
ENTRIES = {("boot/boot.asm", "kmain"), ("kernel/trapasm.asm", "trap")}

# The boot code names its entry points after the boot paths (pvh_entry).
OWN_NAMES = ("boot/boot.asm",)

# The configuration tables, and the layers each may name upward.
CONF = {
    "drivers/pvbus/pvconf.c": ("child",),
    "drivers/hvio/hvio_backends.c": ("sim",),
    # expect.* belong to the bus (pvbus_expect.c); pvclock.hypercall= is a
    # child driver's own key (pvclock_pv.c).
    "kernel/cmdline_keys.c": ("hvio", "pvbus", "sim", "child"),
}

SOURCE = re.compile(r"\.(c|h|asm)$")
INCLUDE = re.compile(r'^\s*(?:#\s*include|%include)\s+"([^"]+)"', re.M)


def folder(path):
    return os.path.dirname(path)


def node(path):
    """A file's place in the folder graph: its folder, or the boot story."""
    return "(boot story)" if layer(path) == "boot" else folder(path)


def layer(path):
    return FILES.get(path) or FOLDERS.get(folder(path))


def may_use(src, dst, named=False):
    """May file src use (include, or call) file dst?"""
    a, b = layer(src), layer(dst)
    if a is None or b is None or src == dst:
        return True
    if named and b in CONF.get(src, ()):
        return True
    if a == "sim":
        return b in SIM_USES or b == "sim"
    if b == "sim":
        return False
    if a == "child" and b == "child":
        return folder(src) == folder(dst)
    return RANK[b] <= RANK[a]


def sources(root=REPO):
    out = []
    for top in ("boot", "kernel", "spec", "drivers", "sim"):
        for d, _, names in os.walk(os.path.join(root, top)):
            for n in names:
                if SOURCE.search(n):
                    out.append(os.path.relpath(os.path.join(d, n), root))
    return sorted(out)


def include_graph(files, read):
    """{file: [header files it includes]}, and the problems found."""
    by_name = collections.defaultdict(list)
    for f in files:
        if f.endswith(".h"):
            by_name[os.path.basename(f)].append(f)
    problems = ["header name %s is not unique: %s" % (n, ", ".join(p))
                for n, p in sorted(by_name.items()) if len(p) > 1]
    graph = {}
    for f in files:
        graph[f] = []
        for name in INCLUDE.findall(read(f)):
            if name.endswith((".txt",)):
                continue        # incbin data, not a header
            hits = by_name.get(os.path.basename(name), [])
            if len(hits) == 1:
                graph[f].append(hits[0])
            elif not hits:
                problems.append("%s includes %s, which is no header of "
                                "the tree" % (f, name))
    return graph, problems


def nm_symbols(obj):
    out = subprocess.run(["nm", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, used = set(), set()
    for line in out.split("\n"):
        p = line.split()
        if len(p) == 3 and p[1] in "TDRBCV":
            defined.add(p[2])
        elif len(p) == 2 and p[0] == "U":
            used.add(p[1])
    return defined, used


def call_graph(objects):
    """objects: {source file: (defined, used)} -> {file: {file: [sym]}}."""
    owner = {}
    for f, (defined, _) in objects.items():
        for s in defined:
            owner[s] = f
    graph = {}
    for f, (_, used) in objects.items():
        edges = collections.defaultdict(list)
        for s in sorted(used):
            if s in owner and owner[s] != f and (f, s) not in ENTRIES:
                edges[owner[s]].append(s)
        graph[f] = dict(edges)
    return graph, owner


def cycles(graph):
    """Strongly connected sets of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                out.append(sorted(scc))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def prefix_problems(owner):
    """A symbol that starts with another file's stem, defined elsewhere."""
    stems = {}
    for f in set(owner.values()):
        stems.setdefault(stem(f), set()).add(f)
    problems = []
    for sym, f in sorted(owner.items()):
        if f in OWN_NAMES:
            continue
        for s, files in stems.items():
            if f in files or not (sym == s or sym.startswith(s + "_")):
                continue
            if not stem(f).startswith(s):
                problems.append("%s, defined in %s, has the prefix of %s"
                                % (sym, f, " ".join(sorted(files))))
    return problems


def judge(includes, calls, owner):
    """The four checks on the two graphs: [(name, [problem])]."""
    up_inc = ["%s includes %s (%s above %s)" % (f, h, layer(h), layer(f))
              for f, hs in sorted(includes.items()) for h in hs
              if not may_use(f, h)]
    up_call = ["%s uses %s of %s (%s above %s)" % (f, ", ".join(s[:3]), g,
                                                    layer(g), layer(f))
               for f, es in sorted(calls.items()) for g, s in es.items()
               if not may_use(f, g, named=True)]
    file_graph = {f: list(es) for f, es in calls.items()}
    for f, hs in includes.items():
        if f.endswith(".c"):
            continue
        file_graph.setdefault(f, [])
    circles = ["files use each other: " + " <-> ".join(c)
               for c in cycles(file_graph)]
    folders = collections.defaultdict(set)
    for f, es in calls.items():
        for g in es:
            if node(f) != node(g) and f not in CONF:
                folders[node(f)].add(node(g))
    circles += ["folders use each other: " + " <-> ".join(c)
                for c in cycles({k: sorted(v) for k, v in folders.items()})]
    return [("every #include goes down the layers", up_inc),
            ("every use of another file's symbol goes down the layers",
             up_call),
            ("no circle between files or folders", circles),
            ("each exported prefix belongs to one file's family",
             prefix_problems(owner))]


def object_of(build, src):
    return os.path.join(build, os.path.splitext(src)[0] + ".o")


def run(build):
    """[(name, problems)]; build is the kernel's BUILD directory."""
    files = sources()

    def read(f):
        with open(os.path.join(REPO, f), errors="replace") as fh:
            return fh.read()

    includes, problems = include_graph(files, read)
    objects, missing = {}, []
    for f in files:
        if f.endswith((".c", ".asm")):
            o = object_of(build, f)
            if os.path.exists(o):
                objects[f] = nm_symbols(o)
            else:
                missing.append(o)
    calls, owner = call_graph(objects)
    result = [("every header name is unique, every include a file",
               problems),
              ("every source file has its kernel object (make first)",
               missing)]
    return result + judge(includes, calls, owner)
