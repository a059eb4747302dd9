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

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Diagnostics, Severity};
use crate::node::step;
use crate::values::did_you_mean;
use crate::xml::Element;

pub use generated::SCHEMA_VERSION;

/// What one element allows: (parent, name, flags, children, attributes, alternatives).
/// Indexes point into `NAME_END`; the last three are offsets of lists in `POOL`.
pub(crate) struct Rule(u16, u16, u8, u16, u16, u16);

const NONE: u16 = u16::MAX;
const ANY_ELEMENT: u8 = 1;
const ANY_ATTRIBUTE: u8 = 2;
const TEXT: u8 = 4;

/// How many names a hint lists before it says "...".
const HINT_NAMES: usize = 8;

fn name(i: u16) -> &'static str {
    let i = usize::from(i);
    let end = generated::NAME_END.get(i).copied().unwrap_or(0);
    let start = match i.checked_sub(1) {
        Some(p) => generated::NAME_END.get(p).copied().unwrap_or(end),
        None => 0,
    };
    generated::NAME_TEXT
        .get(usize::from(start)..usize::from(end))
        .unwrap_or("")
}

fn find_name(s: &str) -> Option<u16> {
    let (mut lo, mut hi) = (0usize, generated::NAME_END.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let i = u16::try_from(mid).ok()?;
        match name(i).cmp(s) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(i),
        }
    }
    None
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
        find_name(child).is_some_and(|i| list(self.3).binary_search(&i).is_ok())
    }

    fn attrs(&self) -> impl Iterator<Item = &'static str> {
        pairs(self.4).map(|(n, _)| name(n))
    }

    /// `None`: not allowed; `Some(NONE)`: any value; otherwise the offset of its values.
    fn attr(&self, attr: &str) -> Option<u16> {
        let i = find_name(attr)?;
        pairs(self.4).find(|(n, _)| *n == i).map(|(_, v)| v)
    }

    /// Ways of satisfying the element's required attributes; each is an attribute list.
    fn alternatives(&self) -> impl Iterator<Item = u16> {
        list(self.5).iter().copied()
    }
}

fn rule(parent: Option<&str>, element: &str) -> Option<&'static Rule> {
    let n = find_name(element)?;
    if let Some(p) = parent {
        if let Some(p) = find_name(p) {
            let key = (p, n);
            if let Ok(i) = generated::RULES.binary_search_by(|r| (r.0, r.1).cmp(&key)) {
                return generated::RULES.get(i);
            }
        }
    }
    let i = generated::BY_NAME.binary_search_by(|r| r.1.cmp(&n)).ok()?;
    generated::BY_NAME.get(i)
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
    let Some(mut vals) = values(allowed) else {
        return true;
    };
    let token = value.split_whitespace().collect::<Vec<_>>().join(" ");
    vals.any(|v| v == value || v == token)
}

/// One walk of the checker: where to report, what the model already reported (one error
/// per place is enough), and hints already worked out (a document can repeat a bad name
/// many times, and each hint scans tables).
struct Checker<'d> {
    diags: &'d mut Diagnostics,
    reported: HashSet<String>,
    hints: HashMap<(usize, String), String>,
}

impl Checker<'_> {
    fn reported(&self, path: &str) -> bool {
        self.reported.contains(path)
    }

    /// The hint for `key` under rule `r`, worked out once.
    fn hint(&mut self, r: &Rule, key: String, make: impl FnOnce() -> String) -> String {
        let k = (r as *const Rule as usize, key);
        if let Some(h) = self.hints.get(&k) {
            return h.clone();
        }
        let h = make();
        self.hints.insert(k, h.clone());
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

/// Child paths as the rest of vmxml writes them: `name[i]` only when the name repeats.
fn child_paths<'e>(el: &'e Element, path: &str) -> Vec<(&'e Element, String)> {
    let mut totals: HashMap<&str, usize> = HashMap::new();
    for c in el.elements() {
        *totals.entry(c.name.as_str()).or_default() += 1;
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    el.elements()
        .map(|c| {
            let k = seen.entry(c.name.as_str()).or_default();
            *k += 1;
            let total = totals.get(c.name.as_str()).copied().unwrap_or(1);
            (c, format!("{path}/{}", step(&c.name, *k, total)))
        })
        .collect()
}

/// Reports element and attribute names that libvirt's schema does not allow where they
/// are, attribute values outside an enumeration and missing required attributes; then,
/// at info severity, what is valid but kept without being modelled.
pub fn check_names(root: &Element, diags: &mut Diagnostics) {
    if root.name != "domain" || foreign(root) {
        return;
    }
    if let Some(r) = rule(None, "domain") {
        let reported = diags
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.path.clone())
            .collect();
        let mut c = Checker {
            diags,
            reported,
            hints: HashMap::new(),
        };
        c.check_element(root, r, "/domain");
    }
}

impl Checker<'_> {
    fn check_element(&mut self, el: &Element, r: &Rule, path: &str) {
        self.check_attrs(el, r, path);
        self.check_required(el, r, path);
        // Free-form content (<metadata>) holds anything: nothing inside is ours to judge.
        if r.any_element() || el.name == "metadata" {
            return;
        }
        for (child, child_path) in child_paths(el, path) {
            if foreign(child) || legacy_element(&el.name, &child.name) {
                continue;
            }
            if !r.has_child(&child.name) {
                self.unknown_element(el, r, child, &child_path);
                continue;
            }
            if let Some(cr) = rule(Some(&el.name), &child.name) {
                self.check_element(child, cr, &child_path);
            }
        }
    }

    fn unknown_element(&mut self, parent: &Element, r: &Rule, child: &Element, path: &str) {
        if self.reported(path) {
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

    fn check_attrs(&mut self, el: &Element, r: &Rule, path: &str) {
        if r.any_attribute() {
            return;
        }
        for a in &el.attrs {
            if foreign_attr(&a.name) || legacy_attr(&el.name, &a.name).is_some() {
                continue;
            }
            let attr_path = format!("{path}/@{}", a.name);
            if self.reported(&attr_path) {
                continue;
            }
            match r.attr(&a.name) {
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
                Some(allowed) if !value_allowed(&a.value, allowed) => {
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
                Some(_) => {}
            }
        }
    }

    /// Reports attributes that every way of writing the element requires: those all its
    /// alternatives share, and those all the alternatives its discriminating attributes
    /// (such as `type='network'`) select share.
    fn check_required(&mut self, el: &Element, r: &Rule, path: &str) {
        if r.any_attribute() || r.alternatives().next().is_none() {
            return;
        }
        let has = |attr: u16| present(el).any(|(n, _)| n == name(attr));
        let selected = |alt: u16| {
            pairs(alt).all(|(n, vals)| {
                vals == NONE || present(el).any(|(p, v)| p == name(n) && value_allowed(v, vals))
            })
        };
        // Intersections of the alternatives' names, over all and over the selected ones.
        let mut all: Option<Vec<u16>> = None;
        let mut chosen: Option<Vec<u16>> = None;
        for alt in r.alternatives() {
            let names: Vec<u16> = pairs(alt).map(|(n, _)| n).collect();
            let keep = |acc: Option<Vec<u16>>| match acc {
                None => Some(names.clone()),
                Some(v) => Some(v.into_iter().filter(|n| names.contains(n)).collect()),
            };
            all = keep(all);
            if selected(alt) {
                chosen = keep(chosen);
            }
        }
        let always = all.unwrap_or_default();
        let when = chosen.unwrap_or_default();
        let mut missing: Vec<u16> = always
            .iter()
            .chain(&when)
            .copied()
            .filter(|&n| !has(n))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if missing.is_empty() || self.reported(path) {
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
            let conditional = !always.contains(&n);
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

/// The element's attributes as the schema sees them: 2008 spellings stand for today's.
fn present(el: &Element) -> impl Iterator<Item = (&str, &str)> {
    el.attrs.iter().map(|a| {
        let n = legacy_attr(&el.name, &a.name).unwrap_or(a.name.as_str());
        (n, a.value.as_str())
    })
}

/// Reports, at info severity, the topmost elements and the attributes that the schema
/// allows but the typed model does not read: vmxml keeps them as written.
pub fn report_kept(root: &Element, skeleton: &Element, diags: &mut Diagnostics) {
    if root.name != "domain" || foreign(root) {
        return;
    }
    if let Some(r) = rule(None, "domain") {
        kept(root, r, skeleton, "/domain", diags);
    }
}

/// Walks the document beside its skeleton (what the model wrote without kept parts): what
/// the skeleton lacks is kept as written.
fn kept(el: &Element, r: &Rule, skeleton: &Element, path: &str, diags: &mut Diagnostics) {
    for a in &el.attrs {
        let allowed = r.any_attribute() || r.attr(&a.name).is_some();
        if foreign_attr(&a.name)
            || skeleton.attr(&a.name).is_some()
            || legacy_attr(&el.name, &a.name).is_some()
            || !allowed
        {
            continue;
        }
        diags.info(
            "I-KEPT",
            format!("{path}/@{}", a.name),
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
    let mut twins: HashMap<&str, Vec<&Element>> = HashMap::new();
    for e in skeleton.elements() {
        twins.entry(e.name.as_str()).or_default().push(e);
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (child, child_path) in child_paths(el, path) {
        let k = seen.entry(child.name.as_str()).or_default();
        *k += 1;
        // Extensions, <metadata> and 2008 spellings are kept by design, and names the
        // schema does not allow are errors already.
        if foreign(child)
            || child.name == "metadata"
            || legacy_element(&el.name, &child.name)
            || !r.has_child(&child.name)
        {
            continue;
        }
        let twin = twins
            .get(child.name.as_str())
            .and_then(|t| t.get(*k - 1).copied());
        match (twin, rule(Some(&el.name), &child.name)) {
            (Some(twin), Some(cr)) => kept(child, cr, twin, &child_path, diags),
            (Some(_), None) => {}
            (None, _) => diags.info(
                "I-KEPT",
                child_path,
                format!(
                    "<{}> is kept as written; vmxml does not model it yet",
                    child.name
                ),
                "vmxml writes it back unchanged; edit it in the XML, not in the wizard",
            ),
        }
    }
}

#[cfg(test)]
mod tests;
