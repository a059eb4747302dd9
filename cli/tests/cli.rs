//! The command line as a pipeline sees it: output format and exit status.

use std::io::Write;
use std::process::{Command, Stdio};

fn vmxml(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vmxml"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vmxml runs");
    if let Some(s) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(s.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("vmxml finishes");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_file(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("vmxml-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write temp file");
    p.to_string_lossy().into_owned()
}

const GOOD: &str = "<domain type='kvm'>\n  <name>good</name>\n  <memory unit='GiB'>1</memory>\n  <vcpu>1</vcpu>\n  <os>\n    <type>hvm</type>\n  </os>\n</domain>\n";
const BAD: &str = "<domain type='kvm'>\n  <name>a/b</name>\n  <memory unit='GiB'>1</memory>\n  <os>\n    <type>hvm</type>\n  </os>\n</domain>\n";

#[test]
fn check_text_reports_file_line_column_code_and_hint() {
    let bad = temp_file("bad.xml", BAD);
    let (code, out, _) = vmxml(&["check", &bad], None);
    assert_eq!(code, 1, "{out}");
    let first = out.lines().next().expect("a diagnostic line");
    assert!(
        first.starts_with(&format!("{bad}:2:3: error[E-NAME-SLASH]: ")),
        "{first}"
    );
    assert!(
        out.lines()
            .nth(1)
            .expect("hint line")
            .trim_start()
            .starts_with("hint: "),
        "{out}"
    );
}

#[test]
fn check_exit_status_zero_without_errors() {
    let good = temp_file("good.xml", GOOD);
    let (code, out, err) = vmxml(&["check", &good], None);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn check_unreadable_file_exits_2() {
    let good = temp_file("good2.xml", GOOD);
    let (code, _, err) = vmxml(&["check", &good, "/nonexistent/x.xml"], None);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/x.xml: cannot read"), "{err}");
}

#[test]
fn check_json_lists_each_file_with_its_diagnostics() {
    let bad = temp_file("bad3.xml", BAD);
    let (code, out, _) = vmxml(&["check", "--format", "json", &bad, "-"], Some(GOOD));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let files = v.as_array().expect("an array");
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["file"], bad.as_str());
    assert_eq!(files[1]["file"], "-");
    let d = &files[0]["diagnostics"][0];
    assert_eq!(d["code"], "E-NAME-SLASH");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 3);
    assert_eq!(d["path"], "/domain/name");
    assert!(d["hint"].as_str().is_some_and(|h| !h.is_empty()));
    assert!(d["message"].as_str().is_some_and(|m| m.contains("a/b")));
}

#[test]
fn check_not_well_formed_from_stdin() {
    let (code, out, _) = vmxml(
        &["check", "-"],
        Some("<domain>\n  <name>x</nam>\n</domain>"),
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("-:2:"), "{out}");
    assert!(out.contains("error[E-XML-SYNTAX]"), "{out}");
}

#[test]
fn fmt_writes_libvirt_order_and_layout() {
    let src =
        "<domain type='kvm'><os><type>hvm</type></os><memory>1024</memory><name>x</name></domain>";
    let (code, out, _) = vmxml(&["fmt", "-"], Some(src));
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "<domain type='kvm'>\n  <name>x</name>\n  <memory>1024</memory>\n  <os>\n    <type>hvm</type>\n  </os>\n</domain>\n"
    );
    let (code, _, err) = vmxml(&["fmt", "-"], Some("<domain"));
    assert_eq!(code, 1);
    assert!(err.contains("E-XML-SYNTAX"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(vmxml(&[], None).0, 2);
    assert_eq!(vmxml(&["check"], None).0, 2);
    assert_eq!(vmxml(&["check", "--format", "yaml", "x"], None).0, 2);
    assert_eq!(vmxml(&["--help"], None).0, 0);
}

#[test]
fn presets_new_and_virt_install() {
    let (code, out, _) = vmxml(&["presets"], None);
    assert_eq!(code, 0);
    for id in vmxml_core::presets::PRESETS.iter().map(|p| p.id) {
        assert!(out.contains(&format!("{id}: ")), "{id} not listed:\n{out}");
    }
    let (code, xml, _) = vmxml(
        &[
            "new",
            "--preset",
            "windows-11",
            "--name",
            "w 11",
            "--virtio-drivers",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(
        xml.contains("<name>w 11</name>") && xml.contains("virtio-win.iso"),
        "{xml}"
    );
    assert!(!vmxml_core::check(&xml).has_errors());
    let (code, _, err) = vmxml(&["new", "--preset", "nope"], None);
    assert_eq!(code, 2);
    assert!(err.contains("linux-server"), "{err}");
    let (code, line, err) = vmxml(&["virt-install", "-"], Some(&xml));
    assert_eq!(code, 0, "{err}");
    assert!(
        line.starts_with("virt-install \\\n  --virt-type kvm \\\n"),
        "{line}"
    );
    assert!(line.contains("\n  --name 'w 11' \\\n"), "{line}");
    assert!(line.contains("--tpm backend.type=emulator,backend.version=2.0,model=tpm-crb"));
    // What it cannot say goes to standard error, so the command line stays clean to run.
    assert!(err.contains("<listen>"), "{err}");
    let (code, _, _) = vmxml(&["virt-install", "-"], Some("<domain"));
    assert_eq!(code, 1);
}
