#!/usr/bin/env python3
"""Generates core/src/schema/generated.rs from libvirt's RELAX NG domain schema.

For every <element name=...> the schema defines, it records what may appear directly
inside it (through group, interleave, choice, optional, zeroOrMore, oneOrMore, mixed and
ref, but not into nested elements): attribute names, child element names, whether any
element or attribute is allowed, whether it holds text, the values an attribute may take
when its content is only a choice of <value>s, and which attributes are required (as a
list of alternatives, so that "type='network' needs network=" can be told).

Rules are keyed by (parent element name, element name), the union over every definition
reached from a parent of that name, plus a fallback keyed by element name alone. Union
is deliberate: vmxml must never call a valid document invalid.

Usage: python3 scripts/gen-schema-names.py [--schemas DIR] [--version V] [--out FILE]
       python3 scripts/gen-schema-names.py --print-version
Standard library only.
"""

import argparse
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

RNG = "{http://relaxng.org/ns/structure/1.0}"
NONE = 0xFFFF  # "no value list" (free text) and "no parent" in the tables
MAX_ALTS = 64  # beyond this many alternatives, required attributes are approximated


def tag(node):
    return node.tag[len(RNG):] if node.tag.startswith(RNG) else None


# ---------------------------------------------------------------- loading


class Grammar:
    def __init__(self):
        self.defines = defaultdict(list)  # name -> [(combine, node)]
        self.ns = {}  # id(node) -> inherited ns, for element patterns
        self.keep = []  # keeps parsed trees alive so that id() stays unique


def load(path, g):
    """Reads one grammar file; returns its components, includes resolved."""
    tree = ET.parse(path)
    g.keep.append(tree)
    root = tree.getroot()
    annotate_ns(root, "", g)
    comps = defaultdict(list)
    add_components(root, comps, os.path.dirname(path), g)
    return comps


def annotate_ns(node, ns, g):
    ns = node.get("ns", ns)
    if tag(node) == "element":
        g.ns[id(node)] = ns
    for child in node:
        annotate_ns(child, ns, g)


def add_components(container, comps, base, g):
    for child in container:
        t = tag(child)
        if t == "define":
            comps[child.get("name")].append((child.get("combine"), child))
        elif t == "start":
            comps["#start"].append((child.get("combine"), child))
        elif t == "div":
            add_components(child, comps, base, g)
        elif t == "include":
            included = load(os.path.join(base, child.get("href")), g)
            overrides = defaultdict(list)
            add_components(child, overrides, base, g)
            # Definitions inside <include> replace the included ones of the same name.
            for name, lst in included.items():
                if name not in overrides:
                    comps[name].extend(lst)
            for name, lst in overrides.items():
                comps[name].extend(lst)


# ---------------------------------------------------------------- analysis


class Summary:
    """What one pattern allows directly (not inside nested elements)."""

    def __init__(self):
        self.attrs = {}  # name -> frozenset of values, or None for free text
        self.any_attr = False
        self.elems = []  # element pattern nodes
        self.any_elem = False
        self.text = False

    def merge(self, o):
        for name, vals in o.attrs.items():
            self.add_attr(name, vals)
        self.any_attr |= o.any_attr
        self.elems.extend(o.elems)
        self.any_elem |= o.any_elem
        self.text |= o.text

    def add_attr(self, name, vals):
        if name in self.attrs:
            old = self.attrs[name]
            self.attrs[name] = None if old is None or vals is None else old | vals
        else:
            self.attrs[name] = vals


def norm_token(s):
    return " ".join(s.split())


class Analyzer:
    def __init__(self, defines):
        self.defines = defines
        self.memo_summary = {}
        self.memo_alts = {}
        self.memo_values = {}

    def define(self, name):
        lst = self.defines.get(name)
        if not lst:
            raise SystemExit(f"undefined reference: {name}")
        return lst

    # names ---------------------------------------------------------
    def names(self, node):
        """Names of an element/attribute pattern; None means a wildcard."""
        if node.get("name") is not None:
            return [node.get("name").strip()]
        for child in node:
            if tag(child) is not None:
                return self.nameclass(child)
        return None

    def nameclass(self, nc):
        t = tag(nc)
        if t == "name":
            return [(nc.text or "").strip()]
        if t == "choice":
            out = []
            for c in nc:
                if tag(c) is None:
                    continue
                sub = self.nameclass(c)
                if sub is None:
                    return None
                out.extend(sub)
            return out
        return None  # anyName, nsName

    def content(self, node):
        """Child patterns of an element/attribute, without its name class."""
        kids = [c for c in node if tag(c) is not None]
        if node.get("name") is None and kids:
            kids = kids[1:]
        return kids

    # summary -------------------------------------------------------
    def summary_of(self, nodes):
        s = Summary()
        for n in nodes:
            self.summarize(n, s)
        return s

    def summarize(self, n, s):
        t = tag(n)
        if t is None:
            return
        if t == "element":
            s.elems.append(n)
            if self.names(n) is None:
                s.any_elem = True
        elif t == "attribute":
            names = self.names(n)
            if names is None:
                s.any_attr = True
            elif n.get("ns"):
                pass  # a namespaced attribute: the checker never flags those
            else:
                vals = self.values_of(self.content(n))
                for name in names:
                    s.add_attr(name, vals)
        elif t == "ref":
            name = n.get("name")
            if name not in self.memo_summary:
                self.memo_summary[name] = None  # guards against a cycle without element
                sub = Summary()
                for _, d in self.define(name):
                    for c in d:
                        self.summarize(c, sub)
                self.memo_summary[name] = sub
            sub = self.memo_summary[name]
            if sub is not None:
                s.merge(sub)
        elif t in ("text", "data", "value", "list"):
            s.text = True
        elif t == "mixed":
            s.text = True
            for c in n:
                self.summarize(c, s)
        elif t in ("group", "interleave", "choice", "optional", "zeroOrMore", "oneOrMore"):
            for c in n:
                self.summarize(c, s)
        elif t in ("empty", "notAllowed"):
            pass
        elif t == "parentRef" or t == "externalRef" or t == "grammar":
            raise SystemExit(f"unsupported pattern <{t}>")

    # attribute values ----------------------------------------------
    def values_of(self, nodes):
        """Values an attribute content allows, or None when it allows free text."""
        kids = [c for c in nodes if tag(c) is not None]
        if not kids:
            return None  # <attribute name="x"/> means text
        if len(kids) > 1:
            return None  # a group inside an attribute: not a plain enumeration
        return self.values_one(kids[0])

    def values_one(self, n):
        t = tag(n)
        if t == "value":
            typ = n.get("type")
            text = n.text or ""
            if typ in (None, "token"):
                return frozenset([norm_token(text)])
            if typ == "string":
                return frozenset([text])
            return None  # another datatype: compare as that type is beyond us
        if t == "choice":
            out = frozenset()
            for c in n:
                if tag(c) is None:
                    continue
                v = self.values_one(c)
                if v is None:
                    return None
                out |= v
            return out
        if t == "ref":
            name = n.get("name")
            if name not in self.memo_values:
                self.memo_values[name] = None
                out = frozenset()
                for _, d in self.define(name):
                    v = self.values_of(list(d))
                    if v is None:
                        out = None
                        break
                    out |= v
                self.memo_values[name] = out
            return self.memo_values[name]
        if t == "group":
            return self.values_of(list(n))
        if t == "notAllowed":
            return frozenset()
        return None

    # required attributes -------------------------------------------
    # An alternative is a dict attr -> frozenset of values (or None): attributes that
    # must all be present for one way of matching. The list over-approximates: every
    # valid attribute set satisfies at least one alternative.
    def alts_of(self, nodes):
        out = [dict()]
        for n in nodes:
            if tag(n) is None:
                continue
            out = product(out, self.alts(n))
        return out

    def alts(self, n):
        t = tag(n)
        if t == "attribute":
            names = self.names(n)
            if names is None or n.get("ns") or len(names) != 1:
                return [dict()]
            return [{names[0]: self.values_of(self.content(n))}]
        if t in ("group", "interleave", "mixed", "oneOrMore"):
            return self.alts_of(list(n))
        if t == "choice":
            out = []
            for c in n:
                if tag(c) is None:
                    continue
                out.extend(self.alts(c))
            return cap(dedupe(out))
        if t == "ref":
            name = n.get("name")
            if name not in self.memo_alts:
                self.memo_alts[name] = [dict()]
                lst = self.define(name)
                if any(c == "interleave" for c, _ in lst):
                    out = [dict()]
                    for _, d in lst:
                        out = product(out, self.alts_of(list(d)))
                else:
                    out = []
                    for _, d in lst:
                        out.extend(self.alts_of(list(d)))
                    out = cap(dedupe(out))
                self.memo_alts[name] = out
            return self.memo_alts[name]
        if t == "notAllowed":
            return []
        # optional, zeroOrMore, element, text, data, value, empty, list
        return [dict()]


def dedupe(alts):
    seen = {}
    for a in alts:
        seen.setdefault(alt_key(a), a)
    return list(seen.values())


def alt_key(a):
    return tuple(sorted((k, tuple(sorted(v)) if v is not None else None) for k, v in a.items()))


def product(xs, ys):
    out = []
    for x in xs:
        for y in ys:
            m = dict(x)
            for k, v in y.items():
                if k in m:
                    old = m[k]
                    m[k] = v if old is None else old if v is None else old & v
                else:
                    m[k] = v
            out.append(m)
    return cap(dedupe(out))


def cap(alts):
    """Collapses too many alternatives into one that every one of them satisfies."""
    if len(alts) <= MAX_ALTS:
        return alts
    return [collapse(alts)]


def collapse(alts):
    common = set(alts[0])
    for a in alts[1:]:
        common &= set(a)
    out = {}
    for k in common:
        vals = frozenset()
        for a in alts:
            if a[k] is None:
                vals = None
                break
            vals |= a[k]
        out[k] = vals
    return out


# ---------------------------------------------------------------- tables


class Rule:
    def __init__(self):
        self.attrs = {}
        self.any_attr = False
        self.children = set()
        self.any_elem = False
        self.text = False
        self.alts = []

    def merge(self, o):
        for name, vals in o.attrs.items():
            if name in self.attrs:
                old = self.attrs[name]
                self.attrs[name] = None if old is None or vals is None else old | vals
            else:
                self.attrs[name] = vals
        self.any_attr |= o.any_attr
        self.children |= o.children
        self.any_elem |= o.any_elem
        self.text |= o.text
        self.alts = dedupe(self.alts + o.alts)


def build(schemas):
    g = Grammar()
    comps = load(os.path.join(schemas, "domain.rng"), g)
    starts = comps.pop("#start", [])
    a = Analyzer(comps)

    element_rule = {}  # id(element node) -> (names, Rule, child element nodes)

    def rule_of(enode):
        key = id(enode)
        if key not in element_rule:
            content = a.content(enode)
            s = a.summary_of(content)
            r = Rule()
            r.attrs = dict(s.attrs)
            r.any_attr = s.any_attr
            r.any_elem = s.any_elem
            r.text = s.text
            kids = []
            for c in s.elems:
                names = a.names(c)
                if names is None or g.ns.get(id(c)):
                    continue  # wildcards and foreign-namespace elements
                r.children.update(names)
                kids.append(c)
            r.alts = a.alts_of(content)
            element_rule[key] = (a.names(enode), r, kids)
        return element_rule[key]

    roots = []
    for _, st in starts:
        roots.extend(a.summary_of(list(st)).elems)

    rules = {}  # (parent or None, name) -> Rule
    seen = set()
    queue = [(None, e) for e in roots]
    while queue:
        parent, enode = queue.pop()
        if (parent, id(enode)) in seen:
            continue
        seen.add((parent, id(enode)))
        names, r, kids = rule_of(enode)
        if names is None or g.ns.get(id(enode)):
            continue
        for name in names:
            rules.setdefault((parent, name), Rule()).merge(r)
            for k in kids:
                queue.append((name, k))

    by_name = {}
    for (_, name), r in rules.items():
        by_name.setdefault(name, Rule()).merge(r)
    return rules, by_name


# ---------------------------------------------------------------- output


def version_of(explicit):
    if explicit:
        return explicit
    tries = [
        ["dpkg-query", "-W", "-f=${Version}", "libvirt0"],
        ["rpm", "-q", "--qf", "%{VERSION}", "libvirt-libs"],
    ]
    for cmd in tries:
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
        if out:
            # Upstream version only: "9.0.0-4+deb12u2" -> "9.0.0".
            return out.split(":")[-1].split("-")[0].split("+")[0]
    return "unknown"


def render(rules, by_name, version):
    names = set()
    for (p, n), r in rules.items():
        names.add(n)
        if p is not None:
            names.add(p)
        names.update(r.attrs)
        names.update(r.children)
        for vals in r.attrs.values():
            if vals:
                names.update(vals)
        for alt in r.alts:
            names.update(alt)
            for vals in alt.values():
                if vals:
                    names.update(vals)
    names = sorted(names)
    index = {s: i for i, s in enumerate(names)}
    if len(names) >= NONE:
        raise SystemExit("too many names for u16 indexes")

    pool = []
    interned = {}

    def intern(items):
        key = tuple(items)
        if key not in interned:
            interned[key] = len(pool)
            pool.append(len(items))
            pool.extend(items)
        return interned[key]

    def name_list(strings):
        return intern(sorted(index[s] for s in strings))

    def attr_list(attrs):
        items = []
        for name in sorted(attrs, key=lambda s: index[s]):
            vals = attrs[name]
            items.append(index[name])
            items.append(NONE if vals is None else name_list(vals))
        return intern(items)

    def alts_list(alts):
        offsets = sorted(attr_list(alt) for alt in alts)
        return intern(offsets)

    def flags(r):
        return int(r.any_elem) | int(r.any_attr) << 1 | int(r.text) << 2

    def row(parent, name, r):
        useful = [alt for alt in r.alts if alt]
        # An empty alternative makes nothing required; storing it is enough to say so.
        alts = r.alts if useful else []
        return (
            NONE if parent is None else index[parent],
            index[name],
            flags(r),
            name_list(r.children),
            attr_list(r.attrs),
            alts_list(alts),
        )

    rows = sorted(row(p, n, r) for (p, n), r in rules.items())
    # A name with a single rule needs no union: the reader finds that rule itself.
    rule_count = {}
    for _, n in rules:
        rule_count[n] = rule_count.get(n, 0) + 1
    fallback = sorted(row(None, n, r) for n, r in by_name.items() if rule_count[n] > 1)
    if len(pool) >= NONE:
        raise SystemExit("pool too large for u16 offsets")

    out = []
    w = out.append
    w("// @generated by scripts/gen-schema-names.py: do not edit by hand.")
    w(f"// From libvirt {version}'s /usr/share/libvirt/schemas/domain.rng (domaincommon.rng and")
    w("// everything it includes). Regenerate after installing another libvirt with:")
    w("//     python3 scripts/gen-schema-names.py --out core/src/schema/generated.rs")
    w("")
    w("use super::Rule;")
    w("")
    w("/// The libvirt release whose schema these tables come from.")
    w(f'pub const SCHEMA_VERSION: &str = "{version}";')
    w("")
    if any("\0" in s for s in names):
        raise SystemExit("a name holds NUL, the separator")
    # Separators rather than a table of offsets: the text compresses far better than the
    # numbers did (about 1 KB less in the brotli'd wasm).
    w("/// Every name and value, sorted (index order is string order), each followed by NUL;")
    w("/// name i is the i-th piece.")
    w(f"pub const NAME_COUNT: usize = {len(names)};")
    w("pub static NAME_TEXT: &str = \"\\")
    line = ""
    for s in names:
        piece = rust_escape(s) + "\\x00"
        if line and len(line) + len(piece) > 94:
            w("    " + line + "\\")
            line = ""
        line += piece
    w("    " + line + "\";")
    w("")
    w("/// Length-prefixed lists shared by the rules: names (sorted), attributes as")
    w(f"/// (name, value list or {NONE}) pairs, and required-attribute alternatives.")
    w(f"pub static POOL: [u16; {len(pool)}] = [")
    emit_numbers(w, pool)
    w("];")
    w("")
    w("/// (parent, element, flags, children, attributes, alternatives), sorted by (parent, element).")
    w(f"pub static RULES: [Rule; {len(rows)}] = [")
    emit_rows(w, rows)
    w("];")
    w("")
    w("/// The same, keyed by element name alone (parent is unused): the union over parents, for")
    w("/// names with more than one rule.")
    w(f"pub static BY_NAME: [Rule; {len(fallback)}] = [")
    emit_rows(w, fallback)
    w("];")
    return "\n".join(out) + "\n", len(names), len(pool), len(rows), len(fallback)


def rust_escape(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def emit_numbers(w, nums):
    line = "   "
    for n in nums:
        piece = f" {n},"
        if len(line) + len(piece) > 99:
            w(line)
            line = "   "
        line += piece
    if line.strip():
        w(line)


def emit_rows(w, rows):
    line = "   "
    for r in rows:
        piece = " Rule(" + ", ".join(str(x) for x in r) + "),"
        if len(line) + len(piece) > 99:
            w(line)
            line = "   "
        line += piece
    if line.strip():
        w(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--schemas", default="/usr/share/libvirt/schemas")
    ap.add_argument("--version", help="libvirt version to name in the header")
    ap.add_argument("--out", help="output file (default: standard output)")
    ap.add_argument(
        "--print-version", action="store_true", help="print the installed libvirt version and stop"
    )
    args = ap.parse_args()
    if args.print_version:
        print(version_of(args.version))
        return
    rules, by_name = build(args.schemas)
    text, n_names, n_pool, n_rules, n_fallback = render(
        rules, by_name, version_of(args.version)
    )
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    print(
        f"{n_names} names, {n_pool} pool entries, {n_rules} rules, {n_fallback} by name",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
