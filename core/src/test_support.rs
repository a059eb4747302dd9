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

/// The first device of a `<devices>` fragment, read inside a minimal domain.
pub fn first_device(devices: &str) -> crate::devices::Device {
    let d = domain_from(&format!(
        "<domain type='kvm'><devices>{devices}</devices></domain>"
    ));
    d.devices
        .and_then(|d| d.list.into_iter().next())
        .expect("the fragment has a device")
}

/// A complete, valid domain around a `<devices>` fragment, for rule tests.
pub fn domain_with_devices(devices: &str) -> String {
    format!("<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><devices>{devices}</devices></domain>")
}
