use super::*;
use crate::diagnostic::Diagnostic;

fn wrap(devices: &str, rest: &str) -> String {
    format!(
        "<domain type='kvm'><name>g</name><memory>1024</memory>{rest}<devices>{devices}</devices></domain>"
    )
}

/// What `check_names` alone reports, so that other modules' rules do not interfere.
fn schema_diags(xml: &str) -> Vec<Diagnostic> {
    let doc = crate::xml::parse(xml).unwrap();
    let mut diags = Diagnostics::default();
    check_names(&doc.root, &mut diags);
    diags.into_vec()
}

fn errors(xml: &str) -> Vec<Diagnostic> {
    schema_diags(xml)
        .into_iter()
        .filter(|d| d.is_error())
        .collect()
}

fn one(xml: &str, code: &str) -> Diagnostic {
    let found: Vec<Diagnostic> = schema_diags(xml)
        .into_iter()
        .filter(|d| d.code == code)
        .collect();
    assert_eq!(found.len(), 1, "{code} in {found:#?}");
    found.into_iter().next().unwrap()
}

#[test]
fn tables_are_sorted() {
    assert_eq!(super::names().len(), generated::NAME_COUNT);
    let names: Vec<&str> = (0..generated::NAME_COUNT).map(|i| name(i as u16)).collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]));
    assert!(generated::RULES
        .windows(2)
        .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
    assert!(generated::BY_NAME.windows(2).all(|w| w[0].1 < w[1].1));
    assert_eq!(find_name("memory").map(name), Some("memory"));
    assert_eq!(find_name("memroy"), None);
}

#[test]
fn misspelt_element() {
    let d = one(&wrap("", "<memroy>1</memroy>"), "E-SCHEMA-ELEMENT");
    assert_eq!(d.path, "/domain/memroy");
    assert_eq!(
        d.message,
        "<memroy> is not an element libvirt allows in <domain>"
    );
    assert!(d.hint.contains("memory"), "{}", d.hint);
    let located = crate::check(&wrap("", "<memroy>1</memroy>"))
        .diagnostics
        .into_iter()
        .find(|d| d.code == "E-SCHEMA-ELEMENT")
        .unwrap();
    assert_eq!((located.line, located.column), (Some(1), Some(55)));
}

#[test]
fn misplaced_element_names_where_it_belongs() {
    let d = one(
        &wrap("", "<os><type>hvm</type><pae/></os>"),
        "E-SCHEMA-ELEMENT",
    );
    assert_eq!(d.path, "/domain/os/pae");
    assert!(d.hint.contains("<features>"), "{}", d.hint);
}

#[test]
fn misspelt_attribute() {
    let xml = wrap(
        "<disk type='file'><source file='/a'/><target dev='vda'/></disk>\
         <disk type='file'><source file='/b'/><target dve='vdb'/></disk>",
        "",
    );
    let d = one(&xml, "E-SCHEMA-ATTRIBUTE");
    assert_eq!(d.path, "/domain/devices/disk[2]/target/@dve");
    assert!(d.hint.contains("dev="), "{}", d.hint);
}

#[test]
fn value_outside_enumeration() {
    let xml = wrap(
        "<disk type='file' device='floopy'><source file='/a'/><target dev='fda'/></disk>",
        "",
    );
    let d = one(&xml, "E-SCHEMA-VALUE");
    assert_eq!(d.path, "/domain/devices/disk/@device");
    assert!(d.hint.contains("floppy"), "{}", d.hint);
    // Values compare as tokens, as the schema's <value> does.
    let xml = wrap(
        "<disk type=' file ' device='disk'><target dev='vda'/></disk>",
        "",
    );
    assert!(errors(&xml).is_empty(), "{:#?}", errors(&xml));
}

#[test]
fn missing_required_attribute_by_type() {
    let xml = wrap(
        "<graphics type='vnc'><listen type='network'/></graphics>",
        "",
    );
    let d = one(&xml, "E-SCHEMA-REQUIRED");
    assert_eq!(d.path, "/domain/devices/graphics/listen/@network");
    assert_eq!(
        d.message,
        "<listen type='network'> needs a network attribute"
    );
    let ok = wrap(
        "<graphics type='vnc'><listen type='network' network='default'/><listen type='address'/></graphics>",
        "",
    );
    assert!(errors(&ok).is_empty(), "{:#?}", errors(&ok));
    // Without its discriminator, the attribute every way requires is named.
    let d = one(
        &wrap("<graphics type='vnc'><listen/></graphics>", ""),
        "E-SCHEMA-REQUIRED",
    );
    assert_eq!(d.path, "/domain/devices/graphics/listen/@type");
}

#[test]
fn required_already_reported_by_the_model_is_not_repeated() {
    let codes = crate::test_support::codes_of(&wrap("", "<os><type>hvm</type><boot/></os>"));
    assert!(
        codes.contains(&"E-BOOT-DEV-MISSING".to_string()),
        "{codes:?}"
    );
    assert!(
        !codes.contains(&"E-SCHEMA-REQUIRED".to_string()),
        "{codes:?}"
    );
}

#[test]
fn extensions_and_metadata_are_not_flagged() {
    let xml = "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\
        <name>g</name><memory>1</memory>\
        <metadata><app:thing xmlns:app='urn:x' whatever='1'><app:deep/></app:thing>\
        <plain odd='1'><nested/></plain></metadata>\
        <qemu:commandline><qemu:arg value='-x'/></qemu:commandline>\
        <commandline xmlns='http://libvirt.org/schemas/domain/qemu/1.0'><arg value='-y'/></commandline>\
        <devices/></domain>";
    assert!(errors(xml).is_empty(), "{:#?}", errors(xml));
}

#[test]
fn spellings_of_2008_are_not_flagged() {
    let xml = wrap(
        "<graphics type='vnc' port='5904' password='secret'/>\
         <serial type='tcp'><source mode='connect' host='0.0.0.0' service='2445'/>\
         <wiremode type='telnet'/><target port='1'/></serial>\
         <console type='pty' tty='/dev/pts/3'><source path='/dev/pts/3'/><target port='0'/></console>",
        "<clock sync='localtime'/>",
    );
    assert!(errors(&xml).is_empty(), "{:#?}", errors(&xml));
}

#[test]
fn kept_reports_only_the_topmost_unmodelled_part() {
    let xml = wrap(
        "<smartcard mode='host'><address type='ccid' controller='0' slot='0'/></smartcard><controller type='usb' index='0'><address type='pci' bus='0x00'/></controller>",
        "<vcpu placement='static'>2</vcpu><cputune><shares>2048</shares></cputune><clock offset='utc' adjustment='reset'/>",
    );
    let kept: Vec<(String, String)> = crate::check(&xml)
        .diagnostics
        .into_iter()
        .filter(|d| d.code == "I-KEPT")
        .map(|d| (d.path, d.message))
        .collect();
    assert!(kept.contains(&(
        "/domain/cputune".into(),
        "<cputune> is kept as written; vmxml does not model it yet".into()
    )));
    assert!(kept.iter().any(|(p, _)| p == "/domain/clock/@adjustment"));
    assert!(!kept.iter().any(|(p, _)| p == "/domain/vcpu/@placement"));
    assert!(kept.iter().any(|(p, _)| p == "/domain/devices/smartcard"));
    // A modelled device reports the parts it keeps, not itself.
    assert!(kept
        .iter()
        .any(|(p, _)| p == "/domain/devices/controller/address"));
    assert!(!kept.iter().any(|(p, _)| p == "/domain/devices/controller"));
    assert!(!kept.iter().any(|(p, _)| p.starts_with("/domain/cputune/")));
    assert!(!kept
        .iter()
        .any(|(p, _)| p.starts_with("/domain/devices/smartcard/")));
    assert!(kept.iter().all(|(p, _)| !p.starts_with("/domain/name")));
}

#[test]
fn queries() {
    assert!(is_known("domain", "memory"));
    assert!(!is_known("domain", "memroy"));
    assert!(is_known("serial", "wiremode"));
    assert!(is_known("metadata", "anything"));
    assert!(is_known_attr("disk", "device"));
    assert!(is_known_attr("clock", "sync"));
    assert!(!is_known_attr("disk", "dve"));
    assert!(allowed_children(None, "domain").contains(&"devices"));
    assert!(allowed_attrs(Some("devices"), "disk").contains(&"snapshot"));
    let devices = allowed_values(Some("devices"), "disk", "device").unwrap_or_default();
    assert!(devices.contains(&"floppy") && devices.contains(&"cdrom"));
    assert_eq!(allowed_values(Some("disk"), "source", "file"), None);
    assert!(allows_text(Some("domain"), "name"));
    assert!(!SCHEMA_VERSION.is_empty());
}

/// The committed tables are what the generator makes of the installed schema.
#[test]
fn generated_tables_are_up_to_date() {
    let schema = std::path::Path::new("/usr/share/libvirt/schemas/domaincommon.rng");
    if !schema.exists() {
        println!(
            "note: {} not found; generated.rs not re-checked",
            schema.display()
        );
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let script = root.join("scripts/gen-schema-names.py");
    let version = match std::process::Command::new("python3")
        .arg(&script)
        .arg("--print-version")
        .output()
    {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => {
            println!("note: python3 not available; generated.rs not re-checked");
            return;
        }
    };
    if version != SCHEMA_VERSION {
        println!(
            "note: installed libvirt is {version}, the tables are from {SCHEMA_VERSION}; \
             regenerate with scripts/gen-schema-names.py if you mean to move to it"
        );
        return;
    }
    let out = std::env::temp_dir().join(format!("vmxml-generated-{}.rs", std::process::id()));
    let status = std::process::Command::new("python3")
        .arg(&script)
        .arg("--out")
        .arg(&out)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "the generator failed");
    let fresh = std::fs::read_to_string(&out).expect("generator output");
    let _ = std::fs::remove_file(&out);
    let committed = include_str!("generated.rs");
    assert!(
        fresh == committed,
        "core/src/schema/generated.rs is out of date: run \
         python3 scripts/gen-schema-names.py --out core/src/schema/generated.rs"
    );
}
