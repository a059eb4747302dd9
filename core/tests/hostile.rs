//! The catalogue of hostile input: each gives a clear diagnostic, in bounded time and
//! memory, and never a panic (a panic in WebAssembly would kill the page and the draft).

use std::time::{Duration, Instant};

/// Checks input and returns the codes, failing if it takes unreasonably long.
fn codes(bytes: &[u8]) -> Vec<String> {
    let start = Instant::now();
    let report = vmxml_core::check_bytes(bytes);
    // A generous bound that only a pathological algorithm would cross, not a benchmark.
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    for d in &report.diagnostics {
        assert!(
            !d.message.is_empty() && !d.hint.is_empty(),
            "every diagnostic explains itself: {d:?}"
        );
    }
    report.diagnostics.into_iter().map(|d| d.code).collect()
}

fn first(bytes: &[u8]) -> String {
    let report = vmxml_core::check_bytes(bytes);
    let d = report.diagnostics.first().expect("a diagnostic");
    assert!(d.line.is_some() && d.column.is_some(), "located: {d:?}");
    d.code.clone()
}

#[test]
fn empty_input() {
    assert_eq!(codes(b""), ["E-XML-EMPTY"]);
    assert_eq!(codes(b"   \n\t "), ["E-XML-EMPTY"]);
}

#[test]
fn not_xml() {
    assert_eq!(first(b"name: my-vm\nmemory: 2G\n"), "E-XML-NOT-XML");
    assert_eq!(first(b"{\"domain\": 1}"), "E-XML-NOT-XML");
}

#[test]
fn binary_bytes() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let c = codes(&bytes);
    assert_eq!(c.len(), 1, "{c:?}");
    assert!(c[0].starts_with("E-XML-"), "{c:?}");
    assert_eq!(first(b"<domain type='kvm'>\0</domain>"), "E-XML-CHAR");
}

#[test]
fn invalid_utf8() {
    let r = vmxml_core::check_bytes(b"<domain type='kvm'>\n  <name>caf\xe9</name>\n</domain>");
    let d = &r.diagnostics[0];
    assert_eq!(d.code, "E-XML-ENCODING");
    assert_eq!((d.line, d.column), (Some(2), Some(12)));
}

#[test]
fn truncated_document() {
    let full = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/libvirt-9.0.0/examples-xml-test/testdomfv0.xml"
    ))
    .expect("corpus file");
    for cut in [1, 10, full.len() / 3, full.len() / 2, full.len() - 3] {
        let c = codes(&full[..cut]);
        assert_eq!(c.len(), 1, "cut at {cut}: {c:?}");
        assert!(
            c[0] == "E-XML-SYNTAX" || c[0] == "E-XML-NOT-XML",
            "cut at {cut}: {c:?}"
        );
    }
}

#[test]
fn ten_megabyte_document() {
    let mut doc = String::from("<domain type='kvm'><name>big</name><memory>1024</memory><os><type>hvm</type></os><devices>");
    let mut i = 0u64;
    while doc.len() < 10_000_000 {
        doc.push_str(&format!(
            "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/{i}.img'/><target dev='vd{i}' bus='virtio'/></disk>"
        ));
        i += 1;
    }
    doc.push_str("</devices></domain>");
    let c = codes(doc.as_bytes());
    assert!(
        !c.iter().any(|c| c.starts_with("E-XML")),
        "a large well-formed document is read"
    );
    // Over virsh's 10 MiB limit: refused with a clear message.
    let huge = format!(
        "<domain type='kvm'><description>{}</description></domain>",
        "x".repeat(11 * 1024 * 1024)
    );
    assert_eq!(codes(huge.as_bytes()), ["E-XML-TOO-LARGE"]);
}

#[test]
fn nesting_100000_deep() {
    let doc = format!(
        "<domain type='kvm'>{}{}</domain>",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    assert_eq!(codes(doc.as_bytes()), ["E-XML-TOO-DEEP"]);
}

#[test]
fn entity_expansion_bomb_and_any_doctype() {
    let bomb = "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n <!ENTITY lol 'lol'>\n <!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>\n <!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>\n]>\n<domain type='kvm'><name>&lol3;</name></domain>";
    assert_eq!(codes(bomb.as_bytes()), ["E-XML-DOCTYPE"]);
    assert_eq!(
        first(b"<!DOCTYPE domain SYSTEM 'file:///etc/passwd'><domain type='kvm'/>"),
        "E-XML-DOCTYPE"
    );
    // An undeclared entity is not expanded either.
    assert_eq!(
        first(b"<domain type='kvm'><name>&xxe;</name></domain>"),
        "E-XML-ENTITY"
    );
}

#[test]
fn wrong_root_element() {
    assert_eq!(first(b"<network><name>default</name></network>"), "E-ROOT");
}

#[test]
fn duplicate_attribute() {
    assert_eq!(
        first(b"<domain type='kvm' type='xen'><name>a</name></domain>"),
        "E-XML-ATTRIBUTE"
    );
}

#[test]
fn one_megabyte_attribute_value() {
    let v = "a".repeat(1024 * 1024);
    let doc = format!(
        "<domain type='kvm'><name>x</name><memory>1024</memory><os><type>hvm</type></os><devices><disk type='{v}'><target dev='vda'/></disk><graphics type='vnc' listen='{v}'/></devices></domain>"
    );
    let c = codes(doc.as_bytes());
    assert!(!c.is_empty());
    let doc = format!("<domain type='kvm' x='{v}'><name>{v}</name></domain>");
    assert!(!codes(doc.as_bytes()).is_empty());
}

#[test]
fn mismatched_and_unclosed_tags() {
    assert_eq!(
        first(b"<domain type='kvm'><name>x</nam></domain>"),
        "E-XML-SYNTAX"
    );
    assert_eq!(
        first(b"<domain type='kvm'><name x='1></domain>"),
        "E-XML-SYNTAX"
    );
    assert_eq!(
        first(b"<domain type='kvm'></domain><domain type='kvm'></domain>"),
        "E-XML-SYNTAX"
    );
    assert_eq!(
        first(b"<domain type='kvm'></domain>trailing"),
        "E-XML-SYNTAX"
    );
}

/// Found by the fuzzer: a byte-order mark followed by a space sliced inside the BOM.
#[test]
fn byte_order_mark() {
    let r = vmxml_core::check_bytes(b"\xef\xbb\xbf <1uid>x</uuid>");
    assert_eq!(r.diagnostics[0].code, "E-XML-SYNTAX");
    let r =
        vmxml_core::check_bytes(b"\xef\xbb\xbf<domain type='kvm'>\n  <name>a/b</name>\n</domain>");
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "E-NAME-SLASH")
        .expect("read past the BOM");
    assert_eq!((d.line, d.column), (Some(2), Some(3)));
    let crash = include_bytes!("fuzz-regressions/bom-space.xml");
    let _ = vmxml_core::check_bytes(crash);
}

/// Found by the fuzzer: an empty element the model takes must not be dropped on write, or
/// writing is not a fixed point (`<source/>` before the real `<source>` of a disk).
#[test]
fn empty_elements_survive_and_writing_is_a_fixed_point() {
    let crash = include_str!("fuzz-regressions/empty-source-first.xml");
    for doc in [
        crash,
        "<domain type='kvm'><devices><disk type='file'><source/><source file='/x'/><target dev='vda'/></disk></devices></domain>",
        "<domain type='kvm'><devices><interface type='network'><mac/><source network='d'/><target/><model/><script/></interface></devices></domain>",
        "<domain type='kvm'><devices><serial type='pty'><source/><target/></serial><console type='pty'><target/></console></devices></domain>",
        "<domain type='kvm'><devices><hostdev mode='subsystem' type='usb'><source/></hostdev></devices></domain>",
    ] {
        let once = vmxml_core::format(doc).expect("well-formed");
        let twice = vmxml_core::format(&once).expect("well-formed");
        assert_eq!(once, twice, "{doc}");
        let count = |s: &str| s.matches('<').count() - s.matches("</").count();
        assert_eq!(count(doc), count(&once), "no element lost: {doc}\n{once}");
    }
}
