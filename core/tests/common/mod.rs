//! What the oracle tests share: the libvirt tools, and judging a document with them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use vmxml_core::domain::Domain;

pub fn tools_present() -> bool {
    let ok = |c: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {c}"))
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let present = ok("virt-xml-validate") && ok("virsh") && ok("xmllint");
    if !present {
        assert!(
            std::env::var_os("VMXML_REQUIRE_ORACLE").is_none(),
            "virt-xml-validate, virsh and xmllint are required (Debian: libvirt-clients libxml2-utils)"
        );
        eprintln!("oracle: libvirt tools not installed; skipped (scripts/test.sh installs them)");
    }
    present
}

pub fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("oracle");
    std::fs::create_dir_all(&d).expect("oracle dir");
    d
}

/// A document read from text and written back by core: the model decides every byte.
pub fn domain(xml: &str) -> Domain {
    let report = vmxml_core::check(xml);
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "vmxml reports errors on an oracle case:\n{}\n{xml}",
        errors.join("\n")
    );
    report.domain.expect("oracle case is well-formed")
}

/// A small valid domain around an `<os>` (or bootloader) and a `<devices>` fragment.
pub fn base(domain_type: &str, name: &str, os: &str, devices: &str) -> Domain {
    domain(&format!(
        "<domain type='{domain_type}'><name>{name}</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>\
         <memory unit='MiB'>512</memory><currentMemory unit='MiB'>256</currentMemory><vcpu>2</vcpu>{os}\
         <devices>{devices}</devices></domain>"
    ))
}

pub const HVM: &str = "<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>";
pub const XEN_HVM: &str =
    "<os><type>hvm</type><loader>/usr/lib/xen/boot/hvmloader</loader><boot dev='hd'/></os>";

pub fn run(cmd: &mut Command) -> (bool, String) {
    match cmd.output() {
        Ok(o) => (
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        ),
        Err(e) => (false, e.to_string()),
    }
}

/// Writes each case, puts it through virt-xml-validate and virsh define, and reads libvirt's
/// dumpxml back: the failures, one text each.
pub fn judge(cases: &[(String, Domain)]) -> Vec<String> {
    let dir = out_dir();
    let mut failures = Vec::new();
    for (stem, d) in cases {
        let xml = vmxml_core::write(d);
        if let Err(e) = judge_text(&dir, stem, &xml, d.name.as_deref().unwrap_or_default()) {
            failures.push(e);
        }
    }
    failures
}

/// Judges one document's text; `name` is its domain name.
pub fn judge_text(dir: &Path, stem: &str, xml: &str, name: &str) -> Result<(), String> {
    let path = dir.join(format!("{stem}.xml"));
    std::fs::write(&path, xml).expect("write case");
    let (ok, out) = run(Command::new("virt-xml-validate").arg(&path).arg("domain"));
    if !ok {
        return Err(format!("{stem}: virt-xml-validate: {out}\n{xml}"));
    }
    let (ok, out) = run(Command::new("virsh")
        .args(["-q", "-c", "test:///default"])
        .arg(format!("define {}; dumpxml {name}", path.display())));
    if !ok || !out.contains("<domain") {
        return Err(format!("{stem}: virsh define: {out}\n{xml}"));
    }
    // What libvirt kept must read back without errors in vmxml too.
    let back = vmxml_core::check(&out[out.find("<domain").unwrap_or(0)..]);
    let errs: Vec<&str> = back
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    if !errs.is_empty() {
        return Err(format!(
            "{stem}: vmxml rejects libvirt's own dumpxml: {errs:?}"
        ));
    }
    Ok(())
}
