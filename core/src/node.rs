//! The machinery that makes reading and writing lossless.
//!
//! Each modelled element is read through a [`Cursor`], which marks the attributes and child
//! elements the model takes. Whatever is left is returned as [`Extra`] and stored on the
//! model; [`ElementBuilder`] writes it back next to the known child it followed.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::xml::{Element, Node};

/// What the model does not know about one element, kept to be written back in place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extra {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ExtraChild>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraChild {
    /// The modelled sibling element this one followed in the source (`None`: it came first).
    pub after: Option<String>,
    pub node: Node,
}

impl Extra {
    pub fn is_empty(&self) -> bool {
        self.attrs.is_empty() && self.children.is_empty()
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match &c.node {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    pub fn element(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    pub fn has_element(&self, name: &str) -> bool {
        self.element(name).is_some()
    }

    pub fn remove_attr(&mut self, name: &str) -> Option<String> {
        let i = self.attrs.iter().position(|(n, _)| n == name)?;
        Some(self.attrs.remove(i).1)
    }
}

/// 1-based index among same-named siblings, as XPath counts.
pub fn step(name: &str, index: usize, count: usize) -> String {
    if count > 1 {
        format!("{name}[{index}]")
    } else {
        name.to_string()
    }
}

/// `base/step`, as [`step`] spells the step, built in one allocation.
pub fn child_path(base: &str, name: &str, index: usize, count: usize) -> String {
    // Room for "[" and "]" and the digits of any index a document can have.
    let mut out = String::with_capacity(base.len() + 1 + name.len() + 24);
    out.push_str(base);
    push_step(&mut out, name, index, count);
    out
}

/// Appends `/` and the step as [`step`] spells it.
pub fn push_step(out: &mut String, name: &str, index: usize, count: usize) {
    out.push('/');
    out.push_str(name);
    if count > 1 {
        out.push('[');
        push_number(out, index);
        out.push(']');
    }
}

fn push_number(out: &mut String, n: usize) {
    if n >= 10 {
        push_number(out, n / 10);
    }
    // n % 10 is a single decimal digit.
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// For each name in order: its 1-based index among the equal names and how many there
/// are; (0, 0) where there is no name. Sorting positions by name keeps this O(n log n)
/// however many names there are, without hashing.
pub fn numbers<'n>(names: impl IntoIterator<Item = Option<&'n str>>) -> Vec<(usize, usize)> {
    let mut named: Vec<(&str, usize)> = Vec::new();
    let mut len = 0;
    for (i, name) in names.into_iter().enumerate() {
        len = i + 1;
        if let Some(name) = name {
            named.push((name, i));
        }
    }
    let mut out = vec![(0, 0); len];
    // By name, then position: within a name, positions stay in order.
    let order: Vec<(&str, usize)> =
        crate::values::stable_order(named.len(), &|a, b| named.get(a).cmp(&named.get(b)))
            .into_iter()
            .filter_map(|i| named.get(i).copied())
            .collect();
    for run in order.chunk_by(|a, b| a.0 == b.0) {
        for (k, &(_, i)) in run.iter().enumerate() {
            if let Some(slot) = out.get_mut(i) {
                *slot = (k + 1, run.len());
            }
        }
    }
    out
}

/// [`numbers`] for `el`'s children: element children are numbered among their
/// same-named siblings, text and comments get (0, 0).
pub fn sibling_numbers(el: &Element) -> Vec<(usize, usize)> {
    numbers(el.children.iter().map(|n| match n {
        Node::Element(e) => Some(e.name.as_str()),
        _ => None,
    }))
}

/// Which attributes or children a cursor took: bits in a word for the usual handful,
/// a vector beyond.
#[derive(Debug)]
enum Marks {
    Few(u64),
    Many(Vec<bool>),
}

impl Marks {
    fn new(len: usize) -> Self {
        if len <= 64 {
            Marks::Few(0)
        } else {
            Marks::Many(vec![false; len])
        }
    }

    fn set(&mut self, i: usize) {
        match self {
            Marks::Few(bits) => {
                if i < 64 {
                    *bits |= 1 << i;
                }
            }
            Marks::Many(v) => {
                if let Some(m) = v.get_mut(i) {
                    *m = true;
                }
            }
        }
    }

    fn get(&self, i: usize) -> bool {
        match self {
            Marks::Few(bits) => i < 64 && bits & (1 << i) != 0,
            Marks::Many(v) => v.get(i).copied().unwrap_or(false),
        }
    }
}

/// Reads one element, remembering which parts the model consumed.
pub struct Cursor<'a> {
    el: &'a Element,
    path: String,
    used_attrs: Marks,
    used_children: Marks,
}

impl<'a> Cursor<'a> {
    pub fn new(el: &'a Element, path: impl Into<String>) -> Self {
        Cursor {
            el,
            path: path.into(),
            used_attrs: Marks::new(el.attrs.len()),
            used_children: Marks::new(el.children.len()),
        }
    }

    pub fn element(&self) -> &'a Element {
        self.el
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn attr_path(&self, name: &str) -> String {
        format!("{}/@{name}", self.path)
    }

    pub fn child_path(&self, name: &str) -> String {
        let count = self.el.elements().filter(|e| e.name == name).count();
        child_path(&self.path, name, 1, count)
    }

    /// Takes an attribute's value.
    pub fn attr(&mut self, name: &str) -> Option<&'a str> {
        let i = self.el.attrs.iter().position(|a| a.name == name)?;
        self.used_attrs.set(i);
        self.el.attrs.get(i).map(|a| a.value.as_str())
    }

    /// Looks at an attribute without taking it.
    pub fn peek_attr(&self, name: &str) -> Option<&'a str> {
        self.el.attr(name)
    }

    /// Takes an attribute parsed by `parse`. A value that does not parse is reported and left
    /// in place, so it is written back as it was rather than lost.
    pub fn attr_parsed<T>(
        &mut self,
        name: &str,
        diags: &mut Diagnostics,
        parse: impl FnOnce(&str) -> Result<T, (&'static str, String, String)>,
    ) -> Option<T> {
        let value = self.peek_attr(name)?;
        match parse(value) {
            Ok(v) => {
                self.attr(name);
                Some(v)
            }
            Err((code, message, hint)) => {
                diags.error(code, self.attr_path(name), message, hint);
                None
            }
        }
    }

    /// Takes an attribute that libvirt reads as yes/no (or on/off).
    pub fn attr_yes_no(&mut self, name: &str, diags: &mut Diagnostics) -> Option<bool> {
        self.attr_parsed(name, diags, |v| match v {
            "yes" | "on" => Ok(true),
            "no" | "off" => Ok(false),
            other => Err((
                "E-VALUE-YES-NO",
                format!("{name}='{other}' is neither yes nor no"),
                format!("write {name}='yes' or {name}='no'"),
            )),
        })
    }

    /// The first child element of that name, its position and how many there are.
    fn first_child(&self, name: &str) -> Option<(usize, &'a Element, usize)> {
        let mut first = None;
        let mut count = 0;
        for (i, n) in self.el.children.iter().enumerate() {
            if let Node::Element(e) = n {
                if e.name == name {
                    count += 1;
                    if first.is_none() {
                        first = Some((i, e));
                    }
                }
            }
        }
        first.map(|(i, e)| (i, e, count))
    }

    /// Takes the first child element of that name.
    pub fn child(&mut self, name: &str) -> Option<Cursor<'a>> {
        let (i, e, count) = self.first_child(name)?;
        self.used_children.set(i);
        Some(Cursor::new(e, child_path(&self.path, name, 1, count)))
    }

    /// Takes the first child element of that name unless it is completely empty (`<mac/>`):
    /// an empty element says nothing a model field could hold, so it is left in place to be
    /// written back as it was, rather than taken and lost.
    pub fn child_with_content(&mut self, name: &str) -> Option<Cursor<'a>> {
        let first = self.el.elements().find(|e| e.name == name)?;
        let empty = first.attrs.is_empty()
            && first
                .children
                .iter()
                .all(|n| matches!(n, Node::Text(t) if t.trim().is_empty()));
        if empty {
            return None;
        }
        self.child(name)
    }

    /// Takes every child element of that name.
    pub fn children(&mut self, name: &str) -> Vec<Cursor<'a>> {
        let count = self.el.elements().filter(|e| e.name == name).count();
        let mut out = Vec::with_capacity(count);
        for (i, n) in self.el.children.iter().enumerate() {
            if let Node::Element(e) = n {
                if e.name == name {
                    self.used_children.set(i);
                    let path = child_path(&self.path, name, out.len() + 1, count);
                    out.push(Cursor::new(e, path));
                }
            }
        }
        out
    }

    /// Gives every child element (taken or not) with its position, for readers that keep
    /// document order across names, such as `<devices>`.
    pub fn all_children(&self) -> Vec<(usize, &'a Element, String)> {
        let numbers = sibling_numbers(self.el);
        self.el
            .children
            .iter()
            .zip(numbers)
            .enumerate()
            .filter_map(|(i, (n, (k, total)))| match n {
                Node::Element(e) => Some((i, e, child_path(&self.path, &e.name, k, total))),
                _ => None,
            })
            .collect()
    }

    pub fn take_child_at(&mut self, i: usize) {
        if i < self.el.children.len() {
            self.used_children.set(i);
        }
    }

    /// Text content of the element, trimmed.
    pub fn text(&self) -> String {
        let mut texts = self.el.children.iter().filter_map(|n| match n {
            Node::Text(t) => Some(t.as_str()),
            _ => None,
        });
        match (texts.next(), texts.next()) {
            (None, _) => String::new(),
            // The usual case: no need to join before trimming.
            (Some(t), None) => t.trim().to_string(),
            _ => self.el.text().trim().to_string(),
        }
    }

    /// Takes a child element's trimmed text (`<name>foo</name>`), with its attributes kept
    /// in the returned `Extra`.
    pub fn child_text(&mut self, name: &str) -> Option<(String, Cursor<'a>)> {
        let c = self.child(name)?;
        Some((c.text(), c))
    }

    /// Takes a text child and parses it; a value that does not parse stays in place.
    pub fn child_parsed<T>(
        &mut self,
        name: &str,
        diags: &mut Diagnostics,
        parse: impl FnOnce(&str) -> Result<T, (&'static str, String, String)>,
    ) -> Option<(T, Cursor<'a>)> {
        let (i, e, count) = self.first_child(name)?;
        let path = child_path(&self.path, name, 1, count);
        match parse(e.text().trim()) {
            Ok(v) => {
                self.used_children.set(i);
                Some((v, Cursor::new(e, path)))
            }
            Err((code, message, hint)) => {
                diags.error(code, path, message, hint);
                None
            }
        }
    }

    /// Whatever was not taken. Text children of a modelled element are its value, never extra.
    pub fn finish(self) -> Extra {
        let mut extra = Extra::default();
        for (i, a) in self.el.attrs.iter().enumerate() {
            if !self.used_attrs.get(i) {
                extra.attrs.push((a.name.clone(), a.value.clone()));
            }
        }
        let mut after: Option<&str> = None;
        for (i, n) in self.el.children.iter().enumerate() {
            match n {
                Node::Element(e) if self.used_children.get(i) => after = Some(&e.name),
                Node::Element(_) | Node::Comment(_) => extra.children.push(ExtraChild {
                    after: after.map(str::to_string),
                    node: n.clone(),
                }),
                Node::Text(_) => {}
            }
        }
        extra
    }
}

/// Builds an element for writing: known attributes and children in libvirt's order, then the
/// extras merged back where they were.
pub struct ElementBuilder {
    el: Element,
}

impl ElementBuilder {
    pub fn new(name: &str) -> Self {
        ElementBuilder {
            el: Element::new(name),
        }
    }

    pub fn attr(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self.el.set_attr(name, value.as_ref());
        self
    }

    pub fn opt_attr<S: AsRef<str>>(self, name: &str, value: Option<S>) -> Self {
        match value {
            Some(v) => self.attr(name, v),
            None => self,
        }
    }

    pub fn yes_no(self, name: &str, value: Option<bool>) -> Self {
        self.opt_attr(name, value.map(|b| if b { "yes" } else { "no" }))
    }

    /// For attributes libvirt spells on/off (`<smm state='on'/>`).
    pub fn on_off(self, name: &str, value: Option<bool>) -> Self {
        self.opt_attr(name, value.map(|b| if b { "on" } else { "off" }))
    }

    pub fn child(mut self, child: Element) -> Self {
        self.el.children.push(Node::Element(child));
        self
    }

    pub fn opt_child(self, child: Option<Element>) -> Self {
        match child {
            Some(c) => self.child(c),
            None => self,
        }
    }

    pub fn children(mut self, children: impl IntoIterator<Item = Element>) -> Self {
        for c in children {
            self.el.children.push(Node::Element(c));
        }
        self
    }

    /// `<name>text</name>` with its kept attributes and children.
    pub fn text_child(self, name: &str, text: impl AsRef<str>, extra: &Extra) -> Self {
        let c = ElementBuilder::new(name).text(text).build(extra);
        self.child(c)
    }

    pub fn text(mut self, text: impl AsRef<str>) -> Self {
        self.el.children.push(Node::Text(text.as_ref().to_string()));
        self
    }

    pub fn build(self, extra: &Extra) -> Element {
        merge_extra(self.el, extra)
    }
}

thread_local! {
    static SKELETON: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static KEPT_WRITTEN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a writer and tells whether it wrote anything kept as written (an [`Extra`] or a
/// device vmxml does not model). When it did not, the skeleton is the same document, and
/// the wizard need not write it again to find what is kept.
pub fn write_noting_kept<T>(write: impl FnOnce() -> T) -> (T, bool) {
    KEPT_WRITTEN.with(|k| k.set(false));
    let out = write();
    (out, KEPT_WRITTEN.with(|k| k.replace(false)))
}

/// Notes that the writer is writing a part kept as written.
pub(crate) fn note_kept() {
    KEPT_WRITTEN.with(|k| k.set(true));
}

/// Runs a writer with every kept part left out: the result is exactly what the typed model
/// covers, which is how vmxml tells what it keeps without modelling (`I-KEPT`).
pub fn write_skeleton<T>(write: impl FnOnce() -> T) -> T {
    SKELETON.with(|s| s.set(true));
    let out = write();
    SKELETON.with(|s| s.set(false));
    out
}

/// Whether the writer is leaving kept parts out (see [`write_skeleton`]).
pub fn writing_skeleton() -> bool {
    SKELETON.with(|s| s.get())
}

/// Puts kept attributes after the known ones, and kept children after the last known sibling
/// they followed (or first, or last when that sibling is gone).
pub fn merge_extra(mut el: Element, extra: &Extra) -> Element {
    if writing_skeleton() {
        return el;
    }
    if !extra.attrs.is_empty() || !extra.children.is_empty() {
        note_kept();
    }
    for (n, v) in &extra.attrs {
        if el.attr(n).is_none() {
            el.set_attr(n.clone(), v.clone());
        }
    }
    if extra.children.is_empty() {
        return el;
    }
    let known = std::mem::take(&mut el.children);
    let mut placed = vec![false; extra.children.len()];
    let mut out: Vec<Node> = Vec::with_capacity(known.len() + extra.children.len());
    let push_anchored = |out: &mut Vec<Node>, anchor: Option<&str>, placed: &mut Vec<bool>| {
        for (i, c) in extra.children.iter().enumerate() {
            if !placed[i] && c.after.as_deref() == anchor {
                placed[i] = true;
                out.push(c.node.clone());
            }
        }
    };
    push_anchored(&mut out, None, &mut placed);
    for (i, n) in known.iter().enumerate() {
        out.push(n.clone());
        if let Node::Element(e) = n {
            let last_of_name = !known[i + 1..]
                .iter()
                .any(|m| matches!(m, Node::Element(f) if f.name == e.name));
            if last_of_name {
                push_anchored(&mut out, Some(&e.name), &mut placed);
            }
        }
    }
    for (i, c) in extra.children.iter().enumerate() {
        if !placed[i] {
            out.push(c.node.clone());
        }
    }
    el.children = out;
    el
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{parse, write_document};

    #[test]
    fn unknown_parts_come_back_in_place() {
        let src =
            "<os a='1'>\n  <x/>\n  <type>hvm</type>\n  <y/>\n  <boot dev='hd'/>\n  <z/>\n</os>\n";
        let doc = parse(src).unwrap();
        let mut c = Cursor::new(&doc.root, "/os");
        let t = c.child("type").unwrap().text();
        let boots: Vec<_> = c
            .children("boot")
            .into_iter()
            .map(|b| b.peek_attr("dev").unwrap().to_string())
            .collect();
        let extra = c.finish();
        assert_eq!(extra.attrs, vec![("a".to_string(), "1".to_string())]);
        let el = ElementBuilder::new("os")
            .child(Element::new("type").with_text(t))
            .children(
                boots
                    .iter()
                    .map(|b| Element::new("boot").with_attr("dev", b)),
            )
            .build(&extra);
        assert_eq!(write_document(&el), src);
    }
}
