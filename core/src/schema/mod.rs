//! Names libvirt's schema allows at each place, from tables generated out of libvirt's own
//! RELAX NG schema (domain.rng and what it includes) by `scripts/gen-schema-names.py`.
//!
//! The tables are permissive on purpose: each (parent, element) pair holds the union of
//! every schema definition reached that way, so a document libvirt's schema accepts never
//! gets an error here. What they catch is the misspelt or misplaced name, the attribute
//! value outside an enumeration, and the missing attribute that every way of writing the
//! element requires (or every way its `type=` selects, as `<listen type='network'>`).

#[rustfmt::skip]
mod generated;

use crate::diagnostic::{Diagnostics, Severity};
use crate::node::{push_step, sibling_numbers};
use crate::values::{did_you_mean, FirstSeen};
use crate::xml::{Element, Node};

pub use generated::SCHEMA_VERSION;

/// What one element allows: (parent, name, flags, children, attributes, alternatives).
/// The first two are name indexes; the last three are offsets of lists in `POOL`.
pub(crate) struct Rule(u16, u16, u8, u16, u16, u16);

const NONE: u16 = u16::MAX;
const ANY_ELEMENT: u8 = 1;
const ANY_ATTRIBUTE: u8 = 2;
const TEXT: u8 = 4;

/// How many names a hint lists before it says "...".
const HINT_NAMES: usize = 8;

fn name(i: u16) -> &'static str {
    names().get(usize::from(i)).copied().unwrap_or("")
}

/// The names, split out of the generated text on first use.
fn names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut v: Vec<&'static str> = generated::NAME_TEXT.split('\0').collect();
        // The text ends with a separator, which leaves one empty piece.
        v.truncate(generated::NAME_COUNT);
        v
    })
}

/// Slots in [`name_index`]: a power of two, about four times the names, so that probes
/// stay short.
const INDEX_SLOTS: usize = 4096;

/// FxHash-style mixing of a name's bytes; only ever compared within this process.
fn name_hash(s: &str) -> usize {
    let mut h: u64 = 0;
    for &b in s.as_bytes() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    // The high bits are the best mixed.
    (h >> 40) as usize
}

/// Open-addressing hash index of the names (`NONE` marks an empty slot), built on first
/// use. Every element, attribute and enumerated value of every document is looked up: a
/// hash and a comparison or two instead of a binary search's dozen string comparisons.
fn name_index() -> &'static [u16] {
    static INDEX: std::sync::OnceLock<Box<[u16]>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut slots = vec![NONE; INDEX_SLOTS].into_boxed_slice();
        let mask = INDEX_SLOTS - 1;
        for i in 0..names().len() {
            let Ok(i) = u16::try_from(i) else { break };
            let mut at = name_hash(name(i)) & mask;
            // The table has more slots than names, so a free one is always found.
            while let Some(slot) = slots.get_mut(at) {
                if *slot == NONE {
                    *slot = i;
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        slots
    })
}

/// The index of a name in the tables, if the schema knows it.
fn find_name(s: &str) -> Option<u16> {
    let slots = name_index();
    let mask = slots.len() - 1;
    let mut at = name_hash(s) & mask;
    loop {
        let i = *slots.get(at)?;
        if i == NONE {
            return None;
        }
        if name(i) == s {
            return Some(i);
        }
        at = (at + 1) & mask;
    }
}

/// The list stored at `offset` in the pool (its length comes first).
fn list(offset: u16) -> &'static [u16] {
    let o = usize::from(offset);
    let len = generated::POOL.get(o).copied().map_or(0, usize::from);
    generated::POOL.get(o + 1..o + 1 + len).unwrap_or(&[])
}

/// Attribute entries of a list: (name, value-list offset or NONE for free text).
fn pairs(offset: u16) -> impl Iterator<Item = (u16, u16)> {
    list(offset).chunks_exact(2).filter_map(|c| match c {
        [n, v] => Some((*n, *v)),
        _ => None,
    })
}

/// The value list (or `NONE`) of attribute `attr` in the attribute list at `offset`;
/// `None` when the list does not have it. Lists are sorted by name.
fn attr_in(offset: u16, attr: u16) -> Option<u16> {
    let l = list(offset);
    let (mut lo, mut hi) = (0, l.len() / 2);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let n = *l.get(2 * mid)?;
        match n.cmp(&attr) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return l.get(2 * mid + 1).copied(),
        }
    }
    None
}

fn values(offset: u16) -> Option<impl Iterator<Item = &'static str>> {
    (offset != NONE).then(|| list(offset).iter().map(|&i| name(i)))
}

impl Rule {
    fn any_element(&self) -> bool {
        self.2 & ANY_ELEMENT != 0
    }

    fn any_attribute(&self) -> bool {
        self.2 & ANY_ATTRIBUTE != 0
    }

    fn has_text(&self) -> bool {
        self.2 & TEXT != 0
    }

    fn children(&self) -> impl Iterator<Item = &'static str> {
        list(self.3).iter().map(|&i| name(i))
    }

    fn has_child(&self, child: &str) -> bool {
        find_name(child).is_some_and(|i| self.has_child_id(i))
    }

    fn has_child_id(&self, child: u16) -> bool {
        list(self.3).binary_search(&child).is_ok()
    }

    fn attrs(&self) -> impl Iterator<Item = &'static str> {
        pairs(self.4).map(|(n, _)| name(n))
    }

    /// `None`: not allowed; `Some(NONE)`: any value; otherwise the offset of its values.
    fn attr(&self, attr: &str) -> Option<u16> {
        attr_in(self.4, find_name(attr)?)
    }

    /// Ways of satisfying the element's required attributes; each is an attribute list.
    fn alternatives(&self) -> impl Iterator<Item = u16> {
        list(self.5).iter().copied()
    }
}

fn rule(parent: Option<&str>, element: &str) -> Option<&'static Rule> {
    rule_of(parent.and_then(find_name), find_name(element)?)
}

/// The rule for element `n` inside parent `p`, or the union over parents when the pair has
/// none of its own.
fn rule_of(p: Option<u16>, n: u16) -> Option<&'static Rule> {
    if let Some(p) = p {
        let key = (p, n);
        if let Ok(i) = generated::RULES.binary_search_by(|r| (r.0, r.1).cmp(&key)) {
            return generated::RULES.get(i);
        }
    }
    match generated::BY_NAME.binary_search_by(|r| r.1.cmp(&n)) {
        Ok(i) => generated::BY_NAME.get(i),
        // A name with one rule has no union of its own: that rule is it.
        Err(_) => generated::RULES.iter().find(|r| r.1 == n),
    }
}

/// 2008 spellings vmxml reads and upgrades; the schema no longer has them.
fn legacy_element(parent: &str, name: &str) -> bool {
    name == "wiremode" && matches!(parent, "serial" | "parallel" | "console" | "channel")
}

/// The legacy attribute and the attribute it stands for.
fn legacy_attr(element: &str, attr: &str) -> Option<&'static str> {
    match (element, attr) {
        ("clock", "sync") => Some("offset"),
        ("graphics", "password") => Some("passwd"),
        _ => None,
    }
}

/// Whether libvirt's schema (or vmxml's reading of the 2008 format) allows element `name`
/// directly inside an element named `parent`, wherever that parent is.
pub fn is_known(parent: &str, name: &str) -> bool {
    legacy_element(parent, name)
        || rule(None, parent).is_some_and(|r| r.any_element() || r.has_child(name))
}

/// Whether an element named `element` may carry attribute `attr` somewhere in a domain.
pub fn is_known_attr(element: &str, attr: &str) -> bool {
    legacy_attr(element, attr).is_some()
        || rule(None, element).is_some_and(|r| r.any_attribute() || r.attr(attr).is_some())
}

/// The child elements the schema allows in `element` when it sits in `parent` (`None`
/// for the root), sorted.
pub fn allowed_children(parent: Option<&str>, element: &str) -> Vec<&'static str> {
    rule(parent, element).map_or_else(Vec::new, |r| r.children().collect())
}

/// The attributes the schema allows on `element` when it sits in `parent`, sorted.
pub fn allowed_attrs(parent: Option<&str>, element: &str) -> Vec<&'static str> {
    rule(parent, element).map_or_else(Vec::new, |r| r.attrs().collect())
}

/// The values an attribute may take, when the schema enumerates them.
pub fn allowed_values(
    parent: Option<&str>,
    element: &str,
    attr: &str,
) -> Option<Vec<&'static str>> {
    let r = rule(parent, element)?;
    values(r.attr(attr)?).map(Iterator::collect)
}

/// Whether the schema lets `element` hold text (or data).
pub fn allows_text(parent: Option<&str>, element: &str) -> bool {
    rule(parent, element).is_some_and(Rule::has_text)
}

/// An element that belongs to another namespace: a prefixed name, or a default namespace
/// declared on it. libvirt is extended that way, so these are never errors.
fn foreign(el: &Element) -> bool {
    el.name.contains(':') || el.attr("xmlns").is_some_and(|ns| !ns.is_empty())
}

fn foreign_attr(attr: &str) -> bool {
    attr == "xmlns" || attr.contains(':')
}

/// Whether a value is in an enumeration; values compare as XML tokens (spaces collapsed).
fn value_allowed(value: &str, allowed: u16) -> bool {
    if allowed == NONE {
        return true;
    }
    // Value lists are sorted by name index.
    let listed = |v: &str| find_name(v).is_some_and(|i| list(allowed).binary_search(&i).is_ok());
    if listed(value) {
        return true;
    }
    // Most values have no whitespace at all, and are their own token.
    let plain = value
        .bytes()
        .all(|b| b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' '));
    if plain {
        return false;
    }
    let token = value.split_whitespace().collect::<Vec<_>>().join(" ");
    token != value && listed(&token)
}

/// Where a walk is: the root, then for each element entered, the child being visited.
/// Paths are spelt out only for a diagnostic, which most elements never get.
struct Trail<'e> {
    root: &'e Element,
    levels: Vec<Level<'e>>,
}

struct Level<'e> {
    parent: &'e Element,
    /// Position of the child being visited in `parent.children`.
    at: usize,
    /// Each child's (index, count) among its same-named siblings, worked out the first
    /// time a path goes through this level: once per level keeps many diagnostics among
    /// many siblings linear.
    numbering: Option<Vec<(usize, usize)>>,
}

impl<'e> Trail<'e> {
    fn new(root: &'e Element) -> Self {
        Trail {
            root,
            levels: Vec::new(),
        }
    }

    /// Starts visiting the children of `parent` (the element the trail leads to).
    fn enter(&mut self, parent: &'e Element) {
        self.levels.push(Level {
            parent,
            at: 0,
            numbering: None,
        });
    }

    /// Moves to the child at position `at` of the element last entered.
    fn visit(&mut self, at: usize) {
        if let Some(level) = self.levels.last_mut() {
            level.at = at;
        }
    }

    fn leave(&mut self) {
        self.levels.pop();
    }

    /// The path as the rest of vmxml writes it: `name[i]` only when the name repeats.
    fn path(&mut self) -> String {
        let mut out = format!("/{}", self.root.name);
        // Room for every step's name, its slash and a short index, so one allocation does.
        let room: usize = self
            .levels
            .iter()
            .filter_map(|l| match l.parent.children.get(l.at) {
                Some(Node::Element(c)) => Some(c.name.len() + 6),
                _ => None,
            })
            .sum();
        out.reserve(room);
        for level in &mut self.levels {
            let Some(Node::Element(child)) = level.parent.children.get(level.at) else {
                continue;
            };
            let parent = level.parent;
            let (index, count) = if parent.children.len() <= FEW_CHILDREN {
                sibling_number(parent, level.at, child)
            } else {
                let numbering = level
                    .numbering
                    .get_or_insert_with(|| sibling_numbers(parent));
                numbering.get(level.at).copied().unwrap_or((1, 1))
            };
            push_step(&mut out, &child.name, index, count);
        }
        out
    }
}

/// Up to this many children, a child's number is counted directly rather than cached.
const FEW_CHILDREN: usize = 64;

/// The 1-based index of `child` (at position `at`) among the element children of `el`
/// that share its name, and how many there are.
fn sibling_number(el: &Element, at: usize, child: &Element) -> (usize, usize) {
    let (mut index, mut count) = (0, 0);
    for (i, n) in el.children.iter().enumerate() {
        if matches!(n, Node::Element(e) if e.name == child.name) {
            count += 1;
            if i <= at {
                index += 1;
            }
        }
    }
    (index, count)
}

/// One walk of the checker: where to report, what the model already reported (one error
/// per place is enough), and hints already worked out (a document can repeat a bad name
/// many times, and each hint scans tables).
struct Checker<'d> {
    diags: &'d mut Diagnostics,
    reported: FirstSeen,
    /// Hints worked out, by rule and key; the values index `hint_texts`.
    hints: FirstSeen,
    hint_texts: Vec<String>,
    /// Scratch for `check_required`: the name index (or `NONE`) of each attribute of the
    /// element at hand, as the schema spells it.
    present: Vec<u16>,
}

impl Checker<'_> {
    fn reported(&self, path: &str) -> bool {
        self.reported.get(path).is_some()
    }

    /// The hint for `key` under rule `r`, worked out once.
    fn hint(&mut self, r: &Rule, key: String, make: impl FnOnce() -> String) -> String {
        let k = format!("{}\u{0}{key}", r as *const Rule as usize);
        if let Some(h) = self.hints.get(&k).and_then(|i| self.hint_texts.get(i)) {
            return h.clone();
        }
        let h = make();
        self.hints.remember(k, self.hint_texts.len());
        self.hint_texts.push(h.clone());
        h
    }
}

/// "a, b, c, ... (n more)" for hints.
fn some_names<'a>(names: impl Iterator<Item = &'a str>, wrap: fn(&str) -> String) -> String {
    let all: Vec<&str> = names.collect();
    let mut out: Vec<String> = all.iter().take(HINT_NAMES).map(|n| wrap(n)).collect();
    if all.len() > HINT_NAMES {
        out.push(format!("... ({} more)", all.len() - HINT_NAMES));
    }
    out.join(", ")
}

fn tag(n: &str) -> String {
    format!("<{n}>")
}

fn quoted(n: &str) -> String {
    format!("'{n}'")
}

/// The rule of the root, when the document is a `<domain>` of libvirt's namespace.
fn domain_rule(root: &Element) -> Option<(u16, &'static Rule)> {
    if root.name != "domain" || foreign(root) {
        return None;
    }
    let id = find_name("domain")?;
    Some((id, rule_of(None, id)?))
}

/// Reports element and attribute names that libvirt's schema does not allow where they
/// are, attribute values outside an enumeration and missing required attributes; then,
/// at info severity, what is valid but kept without being modelled.
pub fn check_names(root: &Element, diags: &mut Diagnostics) {
    if let Some((id, r)) = domain_rule(root) {
        let mut reported = FirstSeen::default();
        for d in diags.0.iter().filter(|d| d.severity == Severity::Error) {
            reported.remember(d.path.clone(), 0);
        }
        let mut c = Checker {
            diags,
            reported,
            hints: FirstSeen::default(),
            hint_texts: Vec::new(),
            present: Vec::new(),
        };
        c.check_element(root, id, r, &mut Trail::new(root));
    }
}

impl Checker<'_> {
    /// Checks `el` (name index `id`, rule `r`), where `trail` leads to it.
    fn check_element<'e>(&mut self, el: &'e Element, id: u16, r: &Rule, trail: &mut Trail<'e>) {
        self.check_attrs(el, r, trail);
        self.check_required(el, r, trail);
        // Free-form content (<metadata>) holds anything: nothing inside is ours to judge.
        if r.any_element() || el.name == "metadata" {
            return;
        }
        trail.enter(el);
        for (at, node) in el.children.iter().enumerate() {
            let Node::Element(child) = node else {
                continue;
            };
            if foreign(child) || legacy_element(&el.name, &child.name) {
                continue;
            }
            trail.visit(at);
            match find_name(&child.name).filter(|&c| r.has_child_id(c)) {
                None => self.unknown_element(el, r, child, trail),
                Some(cid) => {
                    if let Some(cr) = rule_of(Some(id), cid) {
                        self.check_element(child, cid, cr, trail);
                    }
                }
            }
        }
        trail.leave();
    }

    fn unknown_element(&mut self, parent: &Element, r: &Rule, child: &Element, trail: &mut Trail) {
        let path = trail.path();
        if self.reported(&path) {
            return;
        }
        let hint = self.hint(r, child.name.clone(), || element_hint(parent, r, child));
        self.diags.error(
            "E-SCHEMA-ELEMENT",
            path,
            format!(
                "<{}> is not an element libvirt allows in <{}>",
                child.name, parent.name
            ),
            hint,
        );
    }

    fn check_attrs(&mut self, el: &Element, r: &Rule, trail: &mut Trail) {
        if r.any_attribute() {
            return;
        }
        for a in &el.attrs {
            if foreign_attr(&a.name) || legacy_attr(&el.name, &a.name).is_some() {
                continue;
            }
            let allowed = r.attr(&a.name);
            if allowed.is_some_and(|v| value_allowed(&a.value, v)) {
                continue;
            }
            let attr_path = format!("{}/@{}", trail.path(), a.name);
            if self.reported(&attr_path) {
                continue;
            }
            match allowed {
                None => {
                    let hint = self.hint(r, format!("@{}", a.name), || {
                        let on_child: Vec<&str> = r
                            .children()
                            .filter(|c| {
                                rule(Some(&el.name), c).is_some_and(|cr| cr.attr(&a.name).is_some())
                            })
                            .collect();
                        match did_you_mean(&a.name, r.attrs()) {
                            Some(s) => format!("did you mean {s}=?"),
                            None if !on_child.is_empty() => format!(
                                "libvirt allows {}= on {} inside <{}>",
                                a.name,
                                some_names(on_child.into_iter(), tag),
                                el.name
                            ),
                            None if r.attrs().next().is_none() => {
                                format!("<{}> takes no attributes", el.name)
                            }
                            None => format!(
                                "<{}> takes {}",
                                el.name,
                                some_names(r.attrs(), |n| format!("{n}="))
                            ),
                        }
                    });
                    self.diags.error(
                        "E-SCHEMA-ATTRIBUTE",
                        attr_path,
                        format!(
                            "{}= is not an attribute libvirt allows on <{}>",
                            a.name, el.name
                        ),
                        hint,
                    );
                }
                Some(allowed) => {
                    let hint = self.hint(r, format!("@{}={}", a.name, a.value), || {
                        values(allowed)
                            .and_then(|v| did_you_mean(&a.value, v))
                            .map(|s| format!("did you mean '{s}'?"))
                            .unwrap_or_else(|| match values(allowed) {
                                Some(v) => format!("use one of: {}", some_names(v, quoted)),
                                None => String::new(),
                            })
                    });
                    self.diags.error(
                        "E-SCHEMA-VALUE",
                        attr_path,
                        format!(
                            "'{}' is not a value libvirt allows for {}= on <{}>",
                            a.value, a.name, el.name
                        ),
                        hint,
                    );
                }
            }
        }
    }

    /// Reports attributes that every way of writing the element requires: those all its
    /// alternatives share, and those all the alternatives its discriminating attributes
    /// (such as `type='network'`) select share.
    fn check_required(&mut self, el: &Element, r: &Rule, trail: &mut Trail) {
        if r.any_attribute() || r.alternatives().next().is_none() {
            return;
        }
        let mut present = std::mem::take(&mut self.present);
        present.clear();
        present.extend(el.attrs.iter().map(|a| {
            let n = legacy_attr(&el.name, &a.name).unwrap_or(a.name.as_str());
            find_name(n).unwrap_or(NONE)
        }));
        self.report_missing(el, r, &present, trail);
        self.present = present;
    }

    /// `check_required` once the element's attributes are resolved to name indexes.
    fn report_missing(&mut self, el: &Element, r: &Rule, present: &[u16], trail: &mut Trail) {
        let has = |attr: u16| present.contains(&attr);
        let selected = |alt: u16| {
            pairs(alt).all(|(n, vals)| {
                vals == NONE
                    || el
                        .attrs
                        .iter()
                        .zip(present)
                        .any(|(a, &p)| p == n && value_allowed(&a.value, vals))
            })
        };
        let in_alt = |alt: u16, n: u16| attr_in(alt, n).is_some();
        // Required always: in every alternative. Required here: in every alternative the
        // discriminators select. Each set is within its first alternative, so only that
        // one's names are candidates; most are present, which settles them at once.
        let always = |n: u16| r.alternatives().all(|alt| in_alt(alt, n));
        let when = |n: u16| {
            r.alternatives()
                .filter(|&alt| selected(alt))
                .all(|alt| in_alt(alt, n))
        };
        let mut missing: Vec<u16> = Vec::new();
        if let Some(first) = r.alternatives().next() {
            missing.extend(
                pairs(first)
                    .map(|(n, _)| n)
                    .filter(|&n| !has(n) && always(n)),
            );
        }
        if let Some(first) = r.alternatives().find(|&alt| selected(alt)) {
            missing.extend(pairs(first).map(|(n, _)| n).filter(|&n| !has(n) && when(n)));
        }
        crate::values::sort_stably_by(&mut missing, |n| u128::from(*n));
        missing.dedup();
        if missing.is_empty() {
            return;
        }
        let path = trail.path();
        if self.reported(&path) {
            return;
        }
        // The discriminators that made the conditional requirement, for the message.
        let because: Vec<String> = r
            .alternatives()
            .filter(|&alt| selected(alt))
            .flat_map(|alt| {
                pairs(alt)
                    .filter(|(_, v)| *v != NONE)
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>()
            })
            .filter_map(|n| el.attr(name(n)).map(|v| format!(" {}='{v}'", name(n))))
            .fold(Vec::new(), |mut acc, s| {
                if !acc.contains(&s) {
                    acc.push(s);
                }
                acc
            });
        for n in missing {
            let attr = name(n);
            let attr_path = format!("{path}/@{attr}");
            if self.reported(&attr_path) {
                continue;
            }
            let conditional = !always(n);
            let shown = if conditional {
                format!("<{}{}>", el.name, because.concat())
            } else {
                format!("<{}>", el.name)
            };
            let hint = match r.attr(attr).and_then(values) {
                Some(v) => format!("add {attr}= with one of: {}", some_names(v, quoted)),
                None => format!("add {attr}='...'"),
            };
            self.diags.error(
                "E-SCHEMA-REQUIRED",
                attr_path,
                format!("{shown} needs a {attr} attribute"),
                hint,
            );
        }
    }
}

fn element_hint(parent: &Element, r: &Rule, child: &Element) -> String {
    match did_you_mean(&child.name, r.children()) {
        Some(s) => format!("did you mean <{s}>?"),
        None => {
            let elsewhere: Vec<&str> = match find_name(&child.name) {
                Some(n) => generated::RULES
                    .iter()
                    .filter(|x| x.0 != NONE && x.1 == n)
                    .map(|x| name(x.0))
                    .collect(),
                None => Vec::new(),
            };
            if !elsewhere.is_empty() {
                format!(
                    "libvirt allows <{}> inside {}",
                    child.name,
                    some_names(elsewhere.into_iter(), tag)
                )
            } else if r.children().next().is_none() {
                format!("<{}> takes no child elements", parent.name)
            } else {
                format!(
                    "<{}> may contain {}",
                    parent.name,
                    some_names(r.children(), tag)
                )
            }
        }
    }
}

/// Reports, at info severity, the topmost elements and the attributes that the schema
/// allows but the typed model does not read: vmxml keeps them as written.
pub fn report_kept(root: &Element, skeleton: &Element, diags: &mut Diagnostics) {
    if let Some((id, r)) = domain_rule(root) {
        kept(root, id, r, skeleton, &mut Trail::new(root), diags);
    }
}

/// For one child name during the kept walk: how many children of that name the document
/// element has had so far, and how far the skeleton's children have been searched.
struct Twins {
    id: u16,
    seen: usize,
    found: usize,
    next: usize,
}

impl Twins {
    /// The `k`-th skeleton child named `name`; `k` only grows from call to call, so the
    /// search carries on where it stopped and the walk stays linear.
    fn kth<'s>(&mut self, skeleton: &'s Element, name: &str, k: usize) -> Option<&'s Element> {
        while self.found < k {
            let node = skeleton.children.get(self.next)?;
            self.next += 1;
            if let Node::Element(e) = node {
                if e.name == name {
                    self.found += 1;
                    if self.found == k {
                        return Some(e);
                    }
                }
            }
        }
        None
    }
}

/// Walks the document beside its skeleton (what the model wrote without kept parts): what
/// the skeleton lacks is kept as written.
fn kept<'e>(
    el: &'e Element,
    id: u16,
    r: &Rule,
    skeleton: &Element,
    trail: &mut Trail<'e>,
    diags: &mut Diagnostics,
) {
    for a in &el.attrs {
        if foreign_attr(&a.name)
            || legacy_attr(&el.name, &a.name).is_some()
            || skeleton.attr(&a.name).is_some()
            || !(r.any_attribute() || r.attr(&a.name).is_some())
        {
            continue;
        }
        diags.info(
            "I-KEPT",
            format!("{}/@{}", trail.path(), a.name),
            format!(
                "{}= on <{}> is kept as written; vmxml does not model it yet",
                a.name, el.name
            ),
            "vmxml writes it back unchanged; edit it in the XML, not in the wizard",
        );
    }
    if r.any_element() || el.name == "metadata" {
        return;
    }
    // One entry per child name the schema allows here, so at most a few dozen.
    let mut twins: Vec<Twins> = Vec::new();
    trail.enter(el);
    for (at, node) in el.children.iter().enumerate() {
        let Node::Element(child) = node else {
            continue;
        };
        // Names the schema does not allow here are errors already.
        let Some(cid) = find_name(&child.name).filter(|&c| r.has_child_id(c)) else {
            continue;
        };
        let t = match twins.iter().position(|t| t.id == cid) {
            Some(t) => t,
            None => {
                twins.push(Twins {
                    id: cid,
                    seen: 0,
                    found: 0,
                    next: 0,
                });
                twins.len() - 1
            }
        };
        let Some(twin) = twins.get_mut(t) else {
            continue;
        };
        // The k-th child of a name pairs with the skeleton's k-th of that name.
        twin.seen += 1;
        let k = twin.seen;
        // Extensions, <metadata> and 2008 spellings are kept by design.
        if foreign(child) || child.name == "metadata" || legacy_element(&el.name, &child.name) {
            continue;
        }
        let twin = twin.kth(skeleton, &child.name, k);
        trail.visit(at);
        match (twin, rule_of(Some(id), cid)) {
            (Some(twin), Some(cr)) => kept(child, cid, cr, twin, trail, diags),
            (Some(_), None) => {}
            (None, _) => diags.info(
                "I-KEPT",
                trail.path(),
                format!(
                    "<{}> is kept as written; vmxml does not model it yet",
                    child.name
                ),
                "vmxml writes it back unchanged; edit it in the XML, not in the wizard",
            ),
        }
    }
    trail.leave();
}

#[cfg(test)]
mod tests;
