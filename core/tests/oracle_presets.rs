//! Presets and the virt-install command, judged by the real tools: every preset passes
//! libvirt's schema and `virsh define`, and the virt-install command vmxml prints for it,
//! given to virt-install itself (`--print-xml --dry-run` on libvirt's test driver), makes a
//! guest with the design's devices.

use std::path::Path;
use std::process::Command;

mod common;
use common::{judge, out_dir, run, tools_present};

use vmxml_core::devices::disk::DiskSource;
use vmxml_core::devices::Device;
use vmxml_core::domain::Domain;
use vmxml_core::presets::{PresetOptions, PRESETS};
use vmxml_core::virt_install::{command, HOST_FLAGS, HOST_OPTIONS};
use vmxml_core::xml::Element;

fn designs() -> Vec<(String, Domain)> {
    let mut out = Vec::new();
    for p in PRESETS {
        let variants: &[bool] = if p.takes_virtio_drivers {
            &[false, true]
        } else {
            &[false]
        };
        for &virtio_drivers in variants {
            let stem = format!(
                "preset-{}{}",
                p.id,
                if virtio_drivers { "-virtio" } else { "" }
            );
            let options = PresetOptions {
                name: Some(stem.clone()),
                virtio_drivers,
            };
            out.push((stem, p.build(&options).expect("preset builds")));
        }
    }
    out
}

#[test]
fn libvirt_accepts_every_preset() {
    if !tools_present() {
        return;
    }
    let designs = designs();
    let failures = judge(&designs);
    println!(
        "presets: {} documents; {} rejected by libvirt",
        designs.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// What identifies a device for comparing two guests: its element name and the attributes
/// that say what it is, wherever they are set.
fn device_key(el: &Element) -> String {
    let attr = |path: &[&str], name: &str| -> Option<String> {
        let mut e = el;
        for step in path {
            e = e.child(step)?;
        }
        e.attr(name)
            .map(|v| format!("{}@{name}={v}", path.join("/")))
    };
    let picks: [(&[&str], &str); 14] = [
        (&[], "type"),
        (&[], "device"),
        (&[], "model"),
        (&[], "bus"),
        (&["model"], "type"),
        (&["target"], "dev"),
        (&["target"], "bus"),
        (&["target"], "type"),
        (&["target"], "name"),
        (&["source"], "file"),
        (&["source"], "network"),
        (&["source"], "bridge"),
        (&["source"], "dir"),
        (&["backend"], "version"),
    ];
    let mut key = el.name.clone();
    for (path, name) in picks {
        if let Some(v) = attr(path, name) {
            key.push(' ');
            key.push_str(&v);
        }
    }
    key
}

/// Points the design's disks at empty files in `dir`: virt-install insists that a disk it
/// is not asked to create exists.
fn with_real_disks(mut d: Domain, dir: &Path) -> Domain {
    for dev in d.devices.iter_mut().flat_map(|x| x.list.iter_mut()) {
        if let Device::Disk(disk) = dev {
            if let DiskSource::File { file: Some(f), .. } = &mut disk.source {
                let name = Path::new(f.as_str())
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_else(|| "disk".into());
                let path = dir.join(name);
                std::fs::write(&path, b"").expect("disk file");
                *f = path.display().to_string();
            }
        }
    }
    d
}

/// The command's arguments without those that pick the host's hypervisor, architecture or
/// machine: libvirt's test driver offers only a plain i686 "test" guest.
fn for_the_test_driver(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip_value = false;
    for a in args {
        if skip_value {
            skip_value = false;
            continue;
        }
        if HOST_OPTIONS.contains(&a.as_str()) {
            skip_value = true;
            continue;
        }
        if HOST_FLAGS.contains(&a.as_str()) {
            continue;
        }
        out.push(a.clone());
    }
    out
}

#[test]
fn virt_install_makes_the_same_devices() {
    if !tools_present() {
        return;
    }
    let present = Command::new("sh")
        .args(["-c", "command -v virt-install"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var_os("VMXML_REQUIRE_ORACLE").is_none(),
            "virt-install is required (Debian: virtinst)"
        );
        eprintln!("oracle: virt-install not installed; skipped");
        return;
    }
    let dir = out_dir().join("virt-install-disks");
    std::fs::create_dir_all(&dir).expect("disk dir");
    let mut failures = Vec::new();
    let mut compared = 0;
    for (stem, design) in designs() {
        let design = with_real_disks(design, &dir);
        let args = for_the_test_driver(&command(&design).args);
        let (ok, out) = run(Command::new("virt-install")
            .args(["--connect", "test:///default", "--print-xml", "--dry-run"])
            .args(&args));
        if !ok {
            failures.push(format!("{stem}: virt-install refused {args:?}:\n{out}"));
            continue;
        }
        let Some(made) = vmxml_core::read(&out[out.find("<domain").unwrap_or(0)..]) else {
            failures.push(format!("{stem}: virt-install printed no domain:\n{out}"));
            continue;
        };
        let keys = |d: &Domain| -> Vec<String> {
            d.devices
                .iter()
                .flat_map(|x| x.list.iter())
                .map(|dev| device_key(&dev.write()))
                .collect()
        };
        let mut made_keys = keys(&made);
        for want in keys(&design) {
            // What the design leaves to the hypervisor (a NIC model) virt-install may fill in:
            // every part the design says must be there.
            let covers = |made: &String| {
                let mut made_parts = made.split(' ');
                let mut want_parts = want.split(' ');
                made_parts.next() == want_parts.next()
                    && want_parts.all(|p| made.split(' ').skip(1).any(|m| m == p))
            };
            match made_keys.iter().position(covers) {
                Some(i) => {
                    made_keys.remove(i);
                    compared += 1;
                }
                None => failures.push(format!(
                    "{stem}: virt-install made no device like\n  {want}\namong\n  {}",
                    keys(&made).join("\n  ")
                )),
            }
        }
        let graphics = |d: &Domain| {
            d.devices
                .iter()
                .flat_map(|x| x.list.iter())
                .filter(|dev| matches!(dev, Device::Graphics(_)))
                .count()
        };
        if graphics(&made) != graphics(&design) {
            failures.push(format!(
                "{stem}: virt-install made other graphics than designed"
            ));
        }
    }
    println!(
        "virt-install: {compared} designed devices found in what virt-install made; {} differences",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
