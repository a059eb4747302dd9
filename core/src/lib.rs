//! vmxml-core: libvirt domain XML as a typed model, with a lossless reader and writer and a
//! validator that agrees with real libvirt.
//!
//! ```
//! let report = vmxml_core::check("<domain type='kvm'><name>a/b</name></domain>");
//! assert!(report.diagnostics.iter().any(|d| d.code == "E-NAME-SLASH"));
//! ```

pub mod diagnostic;
pub mod node;
pub mod values;
pub mod xml;

pub mod clock;
pub mod devices;
pub mod domain;
pub mod features;
pub mod highlight;
pub mod lifecycle;
pub mod memory;
pub mod os;
pub mod schema;
pub mod tuning;
pub mod validate;

#[cfg(test)]
mod test_support;

pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use domain::{Domain, DomainType};

use xml::{Element, LineIndex};

/// Everything vmxml makes of a text: the model (when the text is well-formed) and every
/// diagnostic, sorted by position.
#[derive(Debug, Clone)]
pub struct Report {
    pub domain: Option<Domain>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Reads, validates and locates: what `vmxml check` and the import page show.
pub fn check(text: &str) -> Report {
    check_parsed(xml::parse(text))
}

/// As [`check`], for bytes that may not be UTF-8.
pub fn check_bytes(bytes: &[u8]) -> Report {
    check_parsed(xml::parse_bytes(bytes))
}

fn check_parsed(parsed: Result<xml::Document, (xml::XmlError, LineIndex)>) -> Report {
    let doc = match parsed {
        Ok(doc) => doc,
        Err((e, lines)) => {
            let (line, col) = lines.line_col(e.offset);
            let mut d = Diagnostic::error(e.code, "/", e.message, e.hint);
            d.line = Some(line);
            d.column = Some(col);
            return Report {
                domain: None,
                diagnostics: vec![d],
            };
        }
    };
    let mut diags = Diagnostics::default();
    if doc.root.name != "domain" {
        diags.error(
            "E-ROOT",
            format!("/{}", doc.root.name),
            format!("the root element is <{}>, not <domain>", doc.root.name),
            "a libvirt domain document starts with <domain type='...'>; network, pool and volume documents are not domains",
        );
        let mut diagnostics = diags.into_vec();
        locate_all(&mut diagnostics, &doc.root, &doc.lines);
        return Report {
            domain: None,
            diagnostics,
        };
    }
    let domain = Domain::read(&doc.root, &mut diags);
    validate::validate_model(&domain, &mut diags);
    schema::check_names(&doc.root, &mut diags);
    schema::report_kept(
        &doc.root,
        &node::write_skeleton(|| domain.write()),
        &mut diags,
    );
    let mut diagnostics = settle(diags.into_vec());
    locate_all(&mut diagnostics, &doc.root, &doc.lines);
    diagnostics.sort_by_key(|d| (d.line.unwrap_or(0), d.column.unwrap_or(0), d.severity));
    Report {
        domain: Some(domain),
        diagnostics,
    }
}

/// Drops repeats: one message per code and path, and no info where there is an error.
fn settle(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let errors: std::collections::HashSet<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.path.clone())
        .collect();
    let mut seen = std::collections::HashSet::new();
    diags
        .into_iter()
        .filter(|d| !(d.severity == Severity::Info && errors.contains(&d.path)))
        .filter(|d| seen.insert((d.code.clone(), d.path.clone())))
        .collect()
}

/// Validates a model that did not come from text (the wizard's): model rules, then schema
/// names on what the writer would write.
pub fn validate(domain: &Domain) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::default();
    validate::validate_model(domain, &mut diags);
    let written = domain.write();
    schema::check_names(&written, &mut diags);
    schema::report_kept(
        &written,
        &node::write_skeleton(|| domain.write()),
        &mut diags,
    );
    settle(diags.into_vec())
}

/// What the wizard shows for a design: the XML as vmxml writes it and every diagnostic,
/// located in that XML.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignReport {
    pub xml: String,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn design_report(domain: &Domain) -> DesignReport {
    let xml = write(domain);
    let mut diagnostics = validate(domain);
    if let Ok(doc) = xml::parse(&xml) {
        locate_all(&mut diagnostics, &doc.root, &doc.lines);
    }
    diagnostics.sort_by_key(|d| (d.line.unwrap_or(0), d.column.unwrap_or(0), d.severity));
    DesignReport { xml, diagnostics }
}

/// The first and last line (1-based) of the element a path names in a document, for
/// highlighting it; a missing element gives its nearest existing ancestor.
pub fn element_lines(doc: &xml::Document, path: &str) -> Option<(u32, u32)> {
    let index = PathIndex::new(&doc.root);
    let el = index.element(path)?;
    let (first, _) = doc.lines.line_col(el.span.start);
    let (last, _) = doc
        .lines
        .line_col(el.end.saturating_sub(1).max(el.span.start));
    Some((first, last))
}

/// The document as vmxml writes it: libvirt's order and `virsh dumpxml`'s layout.
pub fn write(domain: &Domain) -> String {
    xml::write_document(&domain.write())
}

/// Read then write. Fails only when the text is not a well-formed `<domain>` document.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let report = check(text);
    match report.domain {
        Some(d) => Ok(write(&d)),
        None => Err(report.diagnostics),
    }
}

/// Fills in line and column from the path. A path that points at something absent (a
/// missing element) resolves to the nearest ancestor that exists.
pub fn locate_all(diags: &mut [Diagnostic], root: &Element, lines: &LineIndex) {
    if diags.iter().all(|d| d.line.is_some()) {
        return;
    }
    // One walk of the tree, so that many diagnostics on a large document stay linear.
    let index = PathIndex::new(root);
    for d in diags.iter_mut() {
        if d.line.is_none() {
            if let Some(offset) = index.locate(&d.path) {
                let (l, c) = lines.line_col(offset);
                d.line = Some(l);
                d.column = Some(c);
            }
        }
    }
}

/// Byte offset of the element or attribute a path names (or its nearest existing ancestor).
pub fn locate(root: &Element, path: &str) -> Option<usize> {
    PathIndex::new(root).locate(path)
}

/// Every element's path (as diagnostics spell it) to the element.
struct PathIndex<'a> {
    elements: std::collections::HashMap<String, &'a Element>,
}

impl<'a> PathIndex<'a> {
    fn new(root: &'a Element) -> Self {
        let mut elements = std::collections::HashMap::new();
        let mut stack: Vec<(String, &'a Element)> = vec![(format!("/{}", root.name), root)];
        while let Some((path, el)) = stack.pop() {
            let mut totals: std::collections::HashMap<&str, usize> =
                std::collections::HashMap::new();
            for c in el.elements() {
                *totals.entry(c.name.as_str()).or_default() += 1;
            }
            let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
            for c in el.elements() {
                let k = seen.entry(c.name.as_str()).or_default();
                *k += 1;
                let total = totals.get(c.name.as_str()).copied().unwrap_or(1);
                stack.push((format!("{path}/{}", node::step(&c.name, *k, total)), c));
            }
            elements.insert(path, el);
        }
        PathIndex { elements }
    }

    /// The element a path names, or its nearest existing ancestor (attributes name their
    /// element).
    fn element(&self, path: &str) -> Option<&'a Element> {
        let mut p = path.rsplit_once("/@").map_or(path, |(e, _)| e);
        loop {
            if let Some(el) = self.elements.get(p) {
                return Some(el);
            }
            p = p.rsplit_once('/')?.0;
        }
    }

    fn locate(&self, path: &str) -> Option<usize> {
        let (element_path, attr) = match path.rsplit_once("/@") {
            Some((e, a)) => (e, Some(a)),
            None => (path, None),
        };
        if let Some(el) = self.elements.get(element_path) {
            return Some(match attr.and_then(|a| el.attr_node(a)) {
                Some(a) => a.span.start,
                None => el.span.start,
            });
        }
        // Absent: the nearest ancestor that exists.
        let mut p = element_path;
        while let Some((parent, _)) = p.rsplit_once('/') {
            if let Some(el) = self.elements.get(parent) {
                return Some(el.span.start);
            }
            p = parent;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn element_lines_span_the_whole_element() {
        let doc = crate::xml::parse("<domain>\n  <devices>\n    <disk>\n      <target dev='vda'/>\n    </disk>\n  </devices>\n</domain>\n").unwrap();
        assert_eq!(
            super::element_lines(&doc, "/domain/devices/disk"),
            Some((3, 5))
        );
        assert_eq!(
            super::element_lines(&doc, "/domain/devices/disk/target/@dev"),
            Some((4, 4))
        );
        assert_eq!(
            super::element_lines(&doc, "/domain/devices/interface"),
            Some((2, 6))
        );
    }

    #[test]
    fn design_report_locates_model_diagnostics() {
        let d = crate::Domain {
            name: Some("a/b".into()),
            ..Default::default()
        };
        let r = super::design_report(&d);
        let slash = r
            .diagnostics
            .iter()
            .find(|x| x.code == "E-NAME-SLASH")
            .unwrap();
        assert_eq!((slash.line, slash.column), (Some(2), Some(3)));
    }
}
