//! Helpers for the unit tests beside each element family.

use crate::domain::Domain;
use crate::xml::{parse, write_element, Element};

/// Reads a domain from XML that must be well-formed.
pub fn domain_from(xml: &str) -> Domain {
    let doc = parse(xml).expect("test XML is well-formed");
    let mut diags = crate::diagnostic::Diagnostics::default();
    Domain::read(&doc.root, &mut diags)
}

pub fn xml_of(el: &Element) -> String {
    let mut s = String::new();
    write_element(&mut s, el, 0);
    s
}

/// The codes `check` reports for a document.
pub fn codes_of(xml: &str) -> Vec<String> {
    crate::check(xml)
        .diagnostics
        .into_iter()
        .map(|d| d.code)
        .collect()
}
