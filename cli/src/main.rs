//! `vmxml`: libvirt domain XML checks for people's own pipelines. Every decision is made by
//! vmxml-core, exactly as in the browser app.

use std::io::{Read, Write};
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use vmxml_core::{Diagnostic, Severity};

const USAGE: &str = "\
vmxml: check and format libvirt domain XML

Usage:
  vmxml check [--format text|json] [--all] FILE...
      Prints FILE:LINE:COL: severity[CODE]: message, then a hint line.
      --all also prints info diagnostics (valid libvirt that vmxml keeps as written).
      Exit status: 0 no errors, 1 some file has an error, 2 a file could not be read.
  vmxml fmt FILE
      Prints the document as vmxml writes it: libvirt's element order, virsh's layout.
  vmxml new [--preset NAME] [--name VM] [--virtio-drivers]
      Prints a new domain: vmxml's defaults (KVM, 2 GiB, 2 vCPUs, a disk, a NAT NIC), or a
      preset's (see vmxml presets). --virtio-drivers: Windows on virtio, with the drivers CD.
  vmxml presets
      Lists the presets, with what each sets.
  vmxml virt-install FILE
      Prints the virt-install command that creates the same guest, then (on standard error)
      what it cannot express; import those with virsh define FILE instead.

FILE may be - for standard input.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("check") => check(&args[1..]),
        Some("fmt") => fmt(&args[1..]),
        Some("new") => new(&args[1..]),
        Some("presets") => presets(),
        Some("virt-install") => virt_install(&args[1..]),
        Some("--version") | Some("-V") => {
            println!("vmxml {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Some("--help") | Some("-h") | Some("help") => {
            print!("{USAGE}");
            0
        }
        _ => {
            eprint!("{USAGE}");
            2
        }
    };
    ExitCode::from(code)
}

fn read_input(file: &str) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(file)
    }
}

#[derive(Serialize)]
struct FileReport<'a> {
    file: &'a str,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    path: &'a str,
    hint: &'a str,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            code: &d.code,
            severity: d.severity,
            message: &d.message,
            line: d.line,
            column: d.column,
            path: &d.path,
            hint: &d.hint,
        }
    }
}

/// What checking one file gave.
enum Outcome {
    Checked(Vec<Diagnostic>),
    Unreadable(std::io::Error),
}

fn check_input(input: std::io::Result<Vec<u8>>) -> Outcome {
    match input {
        Ok(bytes) => Outcome::Checked(vmxml_core::check_bytes(&bytes).diagnostics),
        Err(e) => Outcome::Unreadable(e),
    }
}

/// Checks every file, on as many threads as there are cores, and gives the outcomes in the
/// order of `files`. Files are handed out one at a time, so a large one does not hold up
/// the rest.
fn check_all(files: &[&str]) -> Vec<Outcome> {
    // Standard input is read here, in order, so that `-` given twice behaves as it would
    // one file after another (the second reads nothing).
    let mut stdin: Vec<Option<std::io::Result<Vec<u8>>>> = files
        .iter()
        .map(|&f| (f == "-").then(|| read_input(f)))
        .collect();
    let next = AtomicUsize::new(0);
    let stdin = Mutex::new(&mut stdin);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&file) = files.get(i) else {
                return done;
            };
            let read = if file == "-" {
                stdin.lock().ok().and_then(|mut s| s.get_mut(i)?.take())
            } else {
                None
            };
            let input = read.unwrap_or_else(|| read_input(file));
            done.push((i, check_input(input)));
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(files.len());
    let mut outcomes: Vec<(usize, Outcome)> = std::thread::scope(|s| {
        // A thread the system will not start leaves its share to the others.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
            .collect();
        let mut all = work();
        for h in helpers {
            match h.join() {
                Ok(mut done) => all.append(&mut done),
                // Only a bug panics; let it surface as it would on one thread.
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        all
    });
    outcomes.sort_unstable_by_key(|(i, _)| *i);
    outcomes.into_iter().map(|(_, o)| o).collect()
}

fn check(args: &[String]) -> u8 {
    let mut json = false;
    let mut all = false;
    let mut files: Vec<&str> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--format" => match it.next().map(String::as_str) {
                Some("json") => json = true,
                Some("text") => json = false,
                other => {
                    eprintln!(
                        "vmxml check: --format takes text or json, not {}",
                        other.unwrap_or("nothing")
                    );
                    return 2;
                }
            },
            "--format=json" => json = true,
            "--format=text" => json = false,
            "--all" => all = true,
            f if f.starts_with("--") => {
                eprintln!("vmxml check: unknown option {f}\n\n{USAGE}");
                return 2;
            }
            f => files.push(f),
        }
    }
    if files.is_empty() {
        eprintln!("vmxml check: no FILE given\n\n{USAGE}");
        return 2;
    }
    let mut status = 0u8;
    let mut reports: Vec<(&str, Vec<Diagnostic>)> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (&file, outcome) in files.iter().zip(check_all(&files)) {
        let diagnostics = match outcome {
            Outcome::Checked(d) => d,
            Outcome::Unreadable(e) => {
                eprintln!("{file}: cannot read: {e}");
                status = 2;
                continue;
            }
        };
        if diagnostics.iter().any(Diagnostic::is_error) && status == 0 {
            status = 1;
        }
        if json {
            reports.push((file, diagnostics));
        } else {
            for d in &diagnostics {
                if d.severity == Severity::Info && !all {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "{file}:{}:{}: {}[{}]: {}\n  hint: {}",
                    d.line.unwrap_or(0),
                    d.column.unwrap_or(0),
                    d.severity.as_str(),
                    d.code,
                    d.message,
                    d.hint
                );
            }
        }
    }
    if json {
        let list: Vec<FileReport> = reports
            .iter()
            .map(|(file, diags)| FileReport {
                file,
                diagnostics: diags.iter().map(JsonDiagnostic::from).collect(),
            })
            .collect();
        match serde_json::to_string_pretty(&list) {
            Ok(s) => {
                let _ = writeln!(out, "{s}");
            }
            Err(e) => {
                eprintln!("vmxml check: cannot write JSON: {e}");
                return 2;
            }
        }
    }
    let _ = out.flush();
    status
}

fn new(args: &[String]) -> u8 {
    use vmxml_core::presets::{find, PresetOptions, PRESETS};
    let mut preset = None;
    let mut options = PresetOptions::default();
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--preset" => preset = rest.next(),
            "--name" => options.name = rest.next().cloned(),
            "--virtio-drivers" => options.virtio_drivers = true,
            other => {
                eprintln!("vmxml new: unknown argument {other}\n\n{USAGE}");
                return 2;
            }
        }
    }
    let domain = match preset {
        None => {
            let mut d = vmxml_core::Domain::default();
            if let Some(n) = options.name {
                d.name = Some(n);
            }
            d
        }
        Some(id) => match find(id).and_then(|p| p.build(&options)) {
            Some(d) => d,
            None => {
                let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
                eprintln!(
                    "vmxml new: no preset '{id}'; the presets are {}",
                    ids.join(", ")
                );
                return 2;
            }
        },
    };
    print!("{}", vmxml_core::write(&domain));
    0
}

fn presets() -> u8 {
    for p in vmxml_core::presets::PRESETS {
        println!("{}: {}\n  {}", p.id, p.title, p.summary);
        for s in p.sets {
            println!("  - {s}");
        }
        if p.takes_virtio_drivers {
            println!("  (--virtio-drivers: virtio disk and NIC, with the virtio-win drivers CD)");
        }
        println!();
    }
    0
}

fn virt_install(args: &[String]) -> u8 {
    let (file, report) = match read_one("virt-install", args) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some(d) = report.domain else {
        eprintln!("{file}: not a well-formed <domain> document; run vmxml check {file}");
        return 1;
    };
    let c = vmxml_core::virt_install::command(&d);
    println!("{}", c.shell_lines());
    if !c.not_expressed.is_empty() {
        eprintln!(
            "virt-install cannot express these; define the XML instead (virsh define {file}):"
        );
        for line in &c.not_expressed {
            eprintln!("  - {line}");
        }
    }
    0
}

/// The one FILE a subcommand takes, read and checked; `Err` is the exit status.
fn read_one<'a>(command: &str, args: &'a [String]) -> Result<(&'a str, vmxml_core::Report), u8> {
    let [file] = args else {
        eprintln!("vmxml {command}: give exactly one FILE (or - for standard input)\n\n{USAGE}");
        return Err(2);
    };
    match read_input(file) {
        Ok(bytes) => Ok((file, vmxml_core::check_bytes(&bytes))),
        Err(e) => {
            eprintln!("{file}: cannot read: {e}");
            Err(2)
        }
    }
}

fn fmt(args: &[String]) -> u8 {
    let (file, report) = match read_one("fmt", args) {
        Ok(r) => r,
        Err(code) => return code,
    };
    match report.domain {
        Some(d) => {
            print!("{}", vmxml_core::write(&d));
            0
        }
        None => {
            for d in &report.diagnostics {
                eprintln!(
                    "{file}:{}:{}: {}[{}]: {}\n  hint: {}",
                    d.line.unwrap_or(0),
                    d.column.unwrap_or(0),
                    d.severity.as_str(),
                    d.code,
                    d.message,
                    d.hint
                );
            }
            1
        }
    }
}
