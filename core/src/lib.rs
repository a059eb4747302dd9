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
pub mod cpu;
pub mod devices;
pub mod domain;
pub mod edit;
pub mod features;
pub mod highlight;
pub mod lifecycle;
pub mod memory;
pub mod os;
pub mod presets;
pub mod schema;
pub mod tuning;
pub mod validate;
pub mod virt_install;

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
    sort_by_position(&mut diagnostics);
    Report {
        domain: Some(domain),
        diagnostics,
    }
}

/// Diagnostics in reading order; at one position, errors first.
fn sort_by_position(diagnostics: &mut Vec<Diagnostic>) {
    values::sort_stably_by(diagnostics, |d| {
        u128::from(d.line.unwrap_or(0)) << 64
            | u128::from(d.column.unwrap_or(0)) << 8
            | d.severity as u128
    });
}

/// Drops repeats: one message per code and path, and no info where there is an error.
fn settle(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // Decide on borrowed paths first, then move the kept diagnostics out.
    let keep: Vec<bool> = {
        let mut errors = values::FirstSeen::default();
        for d in diags.iter().filter(|d| d.is_error()) {
            errors.remember(d.path.clone(), 0);
        }
        let mut seen = values::FirstSeen::default();
        diags
            .iter()
            .enumerate()
            .map(|(i, d)| {
                !(d.severity == Severity::Info && errors.get(&d.path).is_some())
                    && seen
                        .check(format!("{}\u{0}{}", d.code, d.path), i)
                        .is_none()
            })
            .collect()
    };
    diags
        .into_iter()
        .zip(keep)
        .filter_map(|(d, keep)| keep.then_some(d))
        .collect()
}

/// Validates a model that did not come from text (the wizard's): model rules, then schema
/// names on what the writer would write.
pub fn validate(domain: &Domain) -> Vec<Diagnostic> {
    let (written, kept) = node::write_noting_kept(|| domain.write());
    validate_written(domain, &written, kept)
}

/// [`validate`] for a model already written as `written`; `kept`: whether that wrote any
/// part kept as written (without any, there is nothing to report as kept).
fn validate_written(domain: &Domain, written: &Element, kept: bool) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::default();
    validate::validate_model(domain, &mut diags);
    schema::check_names(written, &mut diags);
    if kept {
        schema::report_kept(
            written,
            &node::write_skeleton(|| domain.write()),
            &mut diags,
        );
    }
    settle(diags.into_vec())
}

/// What the wizard shows for a design: the XML as vmxml writes it and every diagnostic,
/// located in that XML.
#[derive(Debug, Clone)]
pub struct DesignReport {
    pub xml: String,
    pub diagnostics: Vec<Diagnostic>,
    /// `xml` parsed, for finding an element's lines without parsing it again.
    doc: Option<xml::Document>,
}

// `doc` follows from `xml`, so comparing it too would only cost time.
impl PartialEq for DesignReport {
    fn eq(&self, other: &Self) -> bool {
        self.xml == other.xml && self.diagnostics == other.diagnostics
    }
}

impl DesignReport {
    /// The lines of the element a path names (or of its nearest existing ancestor).
    pub fn element_lines(&self, path: &str) -> Option<(u32, u32)> {
        element_lines(self.doc.as_ref()?, path)
    }

    /// The value at a path from `/domain` in the written document (see [`edit`]).
    pub fn value_at(&self, path: &str) -> Option<String> {
        self.doc
            .as_ref()?
            .root
            .value_at(path.strip_prefix("/domain")?)
    }
}

pub fn design_report(domain: &Domain) -> DesignReport {
    let (written, kept) = node::write_noting_kept(|| domain.write());
    let mut diagnostics = validate_written(domain, &written, kept);
    let (xml, doc) = xml::write_located(written);
    locate_all(&mut diagnostics, &doc.root, &doc.lines);
    sort_by_position(&mut diagnostics);
    DesignReport {
        xml,
        diagnostics,
        doc: Some(doc),
    }
}

/// The first and last line (1-based) of the element a path names in a document, for
/// highlighting it; a missing element gives its nearest existing ancestor.
pub fn element_lines(doc: &xml::Document, path: &str) -> Option<(u32, u32)> {
    let (el, _) = Finder::new(&doc.root, 1).element(element_part(path).0)?;
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

/// The model of a document without validating it: for restoring a design that vmxml itself
/// wrote (the app's draft). `None` when the text is not a well-formed `<domain>` document.
pub fn read(text: &str) -> Option<Domain> {
    let doc = xml::parse(text).ok()?;
    if doc.root.name != "domain" {
        return None;
    }
    Some(Domain::read(&doc.root, &mut Diagnostics::default()))
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
    let pending = diags.iter().filter(|d| d.line.is_none()).count();
    if pending == 0 {
        return;
    }
    let finder = Finder::new(root, pending);
    for d in diags.iter_mut() {
        if d.line.is_none() {
            if let Some(offset) = finder.locate(&d.path) {
                let (l, c) = lines.line_col(offset);
                d.line = Some(l);
                d.column = Some(c);
            }
        }
    }
}

/// Byte offset of the element or attribute a path names (or its nearest existing ancestor).
pub fn locate(root: &Element, path: &str) -> Option<usize> {
    Finder::new(root, 1).locate(path)
}

/// Up to this many paths, each is found by walking down from the root (a few hundred
/// steps at most on a typical document, where indexing every element's path costs an
/// allocation and a hash per element); more share one index, so that many diagnostics on
/// a large document stay linear.
const WALK_LIMIT: usize = 64;

/// Finds the elements that paths name.
enum Finder<'a> {
    /// Walks down each path: nothing to build, a scan of siblings per step.
    Walk(&'a Element),
    Index(PathIndex<'a>),
}

impl<'a> Finder<'a> {
    /// A finder for `paths` paths into the document under `root`.
    fn new(root: &'a Element, paths: usize) -> Self {
        // A name with '/' or '[' (XML forbids both; the reader does not insist) could make
        // a path read differently step by step than whole, as the index reads it.
        if paths <= WALK_LIMIT && plain_names(root) {
            Finder::Walk(root)
        } else {
            Finder::Index(PathIndex::new(root))
        }
    }

    /// The element a path names (`true`), or its nearest existing ancestor (`false`).
    fn element(&self, element_path: &str) -> Option<(&'a Element, bool)> {
        match self {
            Finder::Index(index) => index.element(element_path),
            Finder::Walk(root) => {
                let mut steps = element_path.strip_prefix('/')?.split('/');
                if steps.next()? != root.name {
                    return None;
                }
                let mut el: &'a Element = root;
                for step in steps {
                    match edit::child_at_step(el, step) {
                        Some(c) => el = c,
                        None => return Some((el, false)),
                    }
                }
                Some((el, true))
            }
        }
    }

    fn locate(&self, path: &str) -> Option<usize> {
        let (element_path, attr) = element_part(path);
        Some(match self.element(element_path)? {
            (el, true) => match attr.and_then(|a| el.attr_node(a)) {
                Some(a) => a.span.start,
                None => el.span.start,
            },
            (el, false) => el.span.start,
        })
    }
}

/// A path's element part and its attribute, if it names one (`.../@dev`).
fn element_part(path: &str) -> (&str, Option<&str>) {
    match path.rsplit_once("/@") {
        Some((e, a)) => (e, Some(a)),
        None => (path, None),
    }
}

/// Whether no element name holds '/' or '[', which paths use as separators.
fn plain_names(root: &Element) -> bool {
    let mut stack = vec![root];
    while let Some(el) = stack.pop() {
        if el.name.bytes().any(|b| b == b'/' || b == b'[') {
            return false;
        }
        stack.extend(el.elements());
    }
    true
}

/// Every element's path (as diagnostics spell it) to the element.
struct PathIndex<'a> {
    paths: values::FirstSeen,
    elements: Vec<&'a Element>,
}

impl<'a> PathIndex<'a> {
    fn new(root: &'a Element) -> Self {
        let mut paths = values::FirstSeen::default();
        let mut elements = Vec::new();
        let mut stack: Vec<(String, &'a Element)> = vec![(format!("/{}", root.name), root)];
        while let Some((path, el)) = stack.pop() {
            for (n, (k, total)) in el.children.iter().zip(node::sibling_numbers(el)) {
                if let xml::Node::Element(c) = n {
                    stack.push((node::child_path(&path, &c.name, k, total), c));
                }
            }
            paths.remember(path, elements.len());
            elements.push(el);
        }
        PathIndex { paths, elements }
    }

    /// The element a path names (`true`), or its nearest existing ancestor (`false`).
    fn element(&self, element_path: &str) -> Option<(&'a Element, bool)> {
        let at = |path: &str| {
            self.paths
                .get(path)
                .and_then(|i| self.elements.get(i).copied())
        };
        if let Some(el) = at(element_path) {
            return Some((el, true));
        }
        let mut p = element_path;
        while let Some((parent, _)) = p.rsplit_once('/') {
            if let Some(el) = at(parent) {
                return Some((el, false));
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

    /// Walking down a path finds what the index of every path finds, absent parts included.
    #[test]
    fn walking_a_path_agrees_with_the_index() {
        let doc = crate::xml::parse(
            "<domain type='kvm'><devices><disk a='1'><target dev='vda'/></disk>\
             <disk><target dev='vdb'/><target/></disk><interface/></devices><name>x</name></domain>",
        )
        .unwrap();
        let index = super::Finder::Index(super::PathIndex::new(&doc.root));
        let walk = super::Finder::Walk(&doc.root);
        for path in [
            "/domain",
            "/domain/@type",
            "/domain/@nope",
            "/domain/devices/disk[1]/@a",
            "/domain/devices/disk[2]/target[2]",
            "/domain/devices/disk[2]/target[3]/@dev",
            "/domain/devices/disk[2]/target",
            "/domain/devices/disk[02]",
            "/domain/devices/disk[]",
            "/domain/devices/disk[1",
            "/domain/devices/disk",
            "/domain/devices/disk[1]/target/@dev",
            "/domain/devices/interface[1]",
            "/domain/devices/interface/mac/@address",
            "/domain/name/",
            "/domain//name",
            "/other/name",
            "/",
            "",
        ] {
            assert_eq!(walk.locate(path), index.locate(path), "{path}");
            let (e, _) = super::element_part(path);
            let ptr = |f: &super::Finder| f.element(e).map(|(el, exact)| (el as *const _, exact));
            assert_eq!(ptr(&walk), ptr(&index), "{path}");
        }
        // Names the reader lets through but paths cannot spell plainly: the index decides.
        let odd = crate::xml::parse("<domain><a[1]/><a/></domain>").unwrap();
        assert!(matches!(
            super::Finder::new(&odd.root, 1),
            super::Finder::Index(_)
        ));
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
