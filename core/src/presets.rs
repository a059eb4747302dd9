//! Presets: whole designs a new guest starts from (a Linux server, a Windows 11 desktop, ...),
//! as virt-install and virt-manager would set them up today.
//!
//! Each preset is a domain document (`presets/*.xml`) read through the same lossless reader
//! as any pasted document, so what a preset sets is plain to read and the tests put every one
//! through libvirt itself.

use crate::devices::disk::{Disk, DiskBus, DiskSource};
use crate::devices::Device;
use crate::domain::Domain;

/// A starting point for a new design.
pub struct Preset {
    /// What `vmxml new --preset` takes: `linux-server`.
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence: who it is for.
    pub summary: &'static str,
    /// What it sets, one short line each, for the preset's card.
    pub sets: &'static [&'static str],
    /// The guest name a design from it starts with.
    pub default_name: &'static str,
    /// Whether [`PresetOptions::virtio_drivers`] changes anything.
    pub takes_virtio_drivers: bool,
    template: &'static str,
}

/// The choices a preset leaves open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PresetOptions {
    /// The guest's name; `None` takes the preset's default.
    pub name: Option<String>,
    /// Windows only: virtio disk and NIC, with the virtio-win drivers on a second CD-ROM
    /// (faster; the installer needs the drivers loaded from it).
    pub virtio_drivers: bool,
}

/// Where the virtio-win drivers ISO conventionally lives (Fedora's virtio-win package).
pub const VIRTIO_WIN_ISO: &str = "/var/lib/libvirt/images/virtio-win.iso";

pub const PRESETS: &[Preset] = &[
    Preset {
        id: "linux-server",
        title: "Linux server",
        summary: "A headless KVM server: UEFI, virtio everywhere, reached over the serial console or SSH.",
        sets: &[
            "KVM on q35, UEFI firmware, host CPU passed through",
            "2 GiB, 2 vCPUs",
            "virtio disk (qcow2, discard) and virtio NIC on the default network",
            "serial console (virsh console), QEMU guest agent channel",
            "virtio RNG and balloon; no graphics",
        ],
        default_name: "server",
        takes_virtio_drivers: false,
        template: include_str!("presets/linux-server.xml"),
    },
    Preset {
        id: "linux-desktop",
        title: "Linux desktop",
        summary: "A graphical Linux guest for virt-viewer or virt-manager: SPICE with clipboard sharing and sound.",
        sets: &[
            "KVM on q35, UEFI firmware, host CPU passed through",
            "4 GiB, 4 vCPUs",
            "virtio disk and NIC",
            "SPICE graphics, virtio video, ICH9 sound, USB tablet",
            "SPICE agent and guest agent channels, USB redirection",
        ],
        default_name: "desktop",
        takes_virtio_drivers: false,
        template: include_str!("presets/linux-desktop.xml"),
    },
    Preset {
        id: "windows-11",
        title: "Windows 11",
        summary: "What Windows 11 requires (UEFI with Secure Boot and a TPM 2.0) and what makes it run well.",
        sets: &[
            "UEFI with Secure Boot (enrolled keys) and SMM",
            "TPM 2.0 (emulated, tpm-crb)",
            "Hyper-V enlightenments, local-time clock",
            "SATA disk and e1000e NIC, or virtio with the virtio-win drivers CD",
            "4 GiB, 4 vCPUs (1 socket, 2 cores, 2 threads), SPICE",
        ],
        default_name: "win11",
        takes_virtio_drivers: true,
        template: include_str!("presets/windows-11.xml"),
    },
    Preset {
        id: "cloud-image",
        title: "Headless cloud image",
        summary: "Boot a distribution's cloud image (a ready qcow2) configured by cloud-init from a seed CD.",
        sets: &[
            "KVM on q35, BIOS boot as cloud images expect",
            "virtio disk with the cloud image, cloud-init seed on a CD-ROM",
            "direct serial console, no graphics",
            "virtio NIC, guest agent channel, virtio RNG",
        ],
        default_name: "cloud",
        takes_virtio_drivers: false,
        template: include_str!("presets/cloud-image.xml"),
    },
    Preset {
        id: "xen-pv",
        title: "Xen paravirtual guest",
        summary: "A Xen PV guest whose kernel pygrub loads from the guest's own disk.",
        sets: &[
            "Xen, paravirtualized (os type linux)",
            "pygrub host bootloader",
            "xvda disk on the xen bus, NIC on the xenbr0 bridge",
            "Xen console",
        ],
        default_name: "xenpv",
        takes_virtio_drivers: false,
        template: include_str!("presets/xen-pv.xml"),
    },
    Preset {
        id: "lxc-container",
        title: "LXC container",
        summary: "A system container: a root filesystem from a host directory, started at /sbin/init.",
        sets: &[
            "LXC, os type exe with /sbin/init",
            "root filesystem mounted from /var/lib/libvirt/lxc/<name>/rootfs",
            "NIC on the default network, a console",
            "1 GiB, 1 vCPU",
        ],
        default_name: "container",
        takes_virtio_drivers: false,
        template: include_str!("presets/lxc-container.xml"),
    },
];

pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// A name as it may appear in a host path: letters, digits, `-`, `_` and `.`.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if stem.is_empty() || stem.starts_with('.') {
        "guest".to_string()
    } else {
        stem
    }
}

impl Preset {
    /// The design this preset starts. `None` only if the preset's own document were broken,
    /// which the tests rule out.
    pub fn build(&self, options: &PresetOptions) -> Option<Domain> {
        let name = options
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.default_name.to_string());
        let mut d = crate::read(&self.template.replace("{stem}", &file_stem(&name)))?;
        // The name goes in through the model, so any text is written escaped.
        d.name = Some(name);
        if self.takes_virtio_drivers && options.virtio_drivers {
            use_virtio_drivers(&mut d);
        }
        Some(d)
    }
}

/// Windows with the virtio-win drivers: the system disk and NIC become virtio, and the
/// drivers CD goes in as a second CD-ROM for the installer's "Load driver".
fn use_virtio_drivers(d: &mut Domain) {
    let Some(devices) = d.devices.as_mut() else {
        return;
    };
    let mut cdroms = 0;
    for dev in &mut devices.list {
        match dev {
            Device::Disk(disk) if disk.device == Some(crate::devices::disk::DiskDevice::Cdrom) => {
                cdroms += 1
            }
            Device::Disk(disk) => {
                if let Some(t) = disk.target.as_mut() {
                    t.dev = "vda".into();
                    t.bus = Some(DiskBus::Virtio);
                }
            }
            Device::Interface(i) => i.model = Some("virtio".into()),
            _ => {}
        }
    }
    let dev = crate::devices::disk::drive_name("sd", cdroms + 1);
    devices.add(Device::Disk(Disk::new_cdrom(
        VIRTIO_WIN_ISO,
        &dev,
        DiskBus::Sata,
    )));
}

/// Whether a disk is the virtio-win drivers CD.
pub fn is_virtio_win_cd(disk: &Disk) -> bool {
    matches!(&disk.source, DiskSource::File { file: Some(f), .. } if f.contains("virtio-win"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_clean_and_a_fixed_point() {
        for p in PRESETS {
            for virtio_drivers in [false, true] {
                let options = PresetOptions {
                    name: Some("a <b> & c".into()),
                    virtio_drivers,
                };
                let d = p.build(&options).expect("preset reads");
                let xml = crate::write(&d);
                let report = crate::check(&xml);
                let bad: Vec<String> = report
                    .diagnostics
                    .iter()
                    .filter(|x| x.severity != crate::Severity::Info)
                    .map(|x| format!("{} {} {}", x.code, x.path, x.message))
                    .collect();
                assert!(bad.is_empty(), "{}: {bad:?}\n{xml}", p.id);
                assert_eq!(
                    report.domain.as_ref().and_then(|d| d.name.as_deref()),
                    Some("a <b> & c")
                );
                assert!(xml.contains("a &lt;b&gt; &amp; c"), "{xml}");
                assert_eq!(crate::format(&xml).as_deref(), Ok(xml.as_str()), "{}", p.id);
            }
        }
    }

    #[test]
    fn names_make_paths() {
        let d = find("linux-server")
            .and_then(|p| {
                p.build(&PresetOptions {
                    name: Some("web 01/x".into()),
                    ..Default::default()
                })
            })
            .unwrap();
        assert!(crate::write(&d).contains("/var/lib/libvirt/images/web01x.qcow2"));
        let d = find("linux-server")
            .and_then(|p| p.build(&PresetOptions::default()))
            .unwrap();
        assert_eq!(d.name.as_deref(), Some("server"));
        assert_eq!(file_stem("..."), "guest");
    }

    #[test]
    fn windows_virtio_drivers() {
        let p = find("windows-11").unwrap();
        let plain = crate::write(&p.build(&PresetOptions::default()).unwrap());
        assert!(plain.contains("bus='sata'") && plain.contains("type='e1000e'"));
        assert!(!plain.contains("virtio-win"));
        let virtio = crate::write(
            &p.build(&PresetOptions {
                virtio_drivers: true,
                ..Default::default()
            })
            .unwrap(),
        );
        assert!(
            virtio.contains("<target dev='vda' bus='virtio'/>"),
            "{virtio}"
        );
        assert!(virtio.contains("<model type='virtio'/>"));
        assert!(virtio.contains(VIRTIO_WIN_ISO));
        // The option means nothing to other presets.
        let server = find("linux-server").unwrap();
        assert_eq!(
            server.build(&PresetOptions {
                virtio_drivers: true,
                ..Default::default()
            }),
            server.build(&PresetOptions::default())
        );
    }

    #[test]
    fn ids_are_unique_and_cards_say_something() {
        for (i, p) in PRESETS.iter().enumerate() {
            assert!(PRESETS[..i].iter().all(|q| q.id != p.id));
            assert!(!p.sets.is_empty() && !p.summary.is_empty());
            assert!(find(p.id).is_some());
        }
    }
}
