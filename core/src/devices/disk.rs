//! `<disk>`: hard drives, floppies and CD-ROMs.

use serde::{Deserialize, Serialize};

use crate::devices::{boot_order_element, read_boot_order, Device};
use crate::diagnostic::Diagnostics;
use crate::domain::DomainType;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::xml::Element;

value_enum!(
    /// `<disk device=...>`: how the guest sees the disk.
    DiskDevice {
        Disk = "disk",
        Cdrom = "cdrom",
        Floppy = "floppy",
        Lun = "lun",
    }
);

value_enum!(
    /// `<target bus=...>`: the bus the disk is attached to.
    DiskBus {
        Ide = "ide",
        Scsi = "scsi",
        Virtio = "virtio",
        Xen = "xen",
        Usb = "usb",
        Sata = "sata",
        Fdc = "fdc",
        Sd = "sd",
    }
);

value_enum!(
    /// `<driver cache=...>`: the host page cache mode.
    DiskCache {
        Default = "default",
        /// O_DIRECT: no host cache; what virt-manager picks for local images.
        None = "none",
        Writethrough = "writethrough",
        Writeback = "writeback",
        Directsync = "directsync",
        /// Ignores flushes: fast, and loses data on a host crash.
        Unsafe = "unsafe",
    }
);

value_enum!(
    /// `<driver io=...>`: how QEMU submits I/O.
    DiskIo {
        Threads = "threads",
        /// Linux native AIO; needs O_DIRECT (cache none or directsync).
        Native = "native",
        IoUring = "io_uring",
    }
);

value_enum!(
    /// `<driver discard=...>`: whether the guest's TRIM frees space in the image.
    DiskDiscard {
        Unmap = "unmap",
        Ignore = "ignore",
    }
);

/// Where the disk's data comes from; the variant is the disk's `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DiskSource {
    /// `type='file'`: an image file on the host (`<source file=...>`).
    File {
        #[serde(default)]
        file: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='block'`: a host block device (`<source dev=...>`).
    Block {
        #[serde(default)]
        dev: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// Another type (dir, network, volume, nvme, vhostuser): its `<source>` is kept as is.
    Other { disk_type: String },
}

impl DiskSource {
    pub fn type_name(&self) -> &str {
        match self {
            DiskSource::File { .. } => "file",
            DiskSource::Block { .. } => "block",
            DiskSource::Other { disk_type } => disk_type,
        }
    }

    /// The host path, whichever attribute holds it.
    pub fn path(&self) -> Option<&str> {
        match self {
            DiskSource::File { file, .. } => file.as_deref(),
            DiskSource::Block { dev, .. } => dev.as_deref(),
            DiskSource::Other { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskDriver {
    /// Backend driver: qemu, tap, tap2, phy, file.
    #[serde(default)]
    pub name: Option<String>,
    /// Sub-type, such as raw or qcow2 (qemu) or aio (tap).
    #[serde(default)]
    pub driver_type: Option<String>,
    #[serde(default)]
    pub cache: Option<DiskCache>,
    #[serde(default)]
    pub io: Option<DiskIo>,
    #[serde(default)]
    pub discard: Option<DiskDiscard>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl DiskDriver {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.driver_type.is_none()
            && self.cache.is_none()
            && self.io.is_none()
            && self.discard.is_none()
            && self.extra.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskTarget {
    /// Logical device name: hda, sda, vda, xvda, fda.
    pub dev: String,
    #[serde(default)]
    pub bus: Option<DiskBus>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disk {
    pub source: DiskSource,
    /// `None` writes no `device` attribute: libvirt reads `disk`.
    #[serde(default)]
    pub device: Option<DiskDevice>,
    #[serde(default)]
    pub driver: Option<DiskDriver>,
    #[serde(default)]
    pub target: Option<DiskTarget>,
    #[serde(default)]
    pub readonly: bool,
    #[serde(default)]
    pub shareable: bool,
    /// `<boot order=...>`: this disk's place in the boot order (1 first).
    #[serde(default)]
    pub boot_order: Option<u32>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// A drive name as libvirt counts them: 0 → `a`, 25 → `z`, 26 → `aa`.
pub fn drive_name(prefix: &str, index: usize) -> String {
    let mut letters = Vec::new();
    let mut i = index;
    loop {
        letters.push(char::from(b'a' + (i % 26) as u8));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    letters.reverse();
    let mut name = prefix.to_string();
    name.extend(letters);
    name
}

/// The bus libvirt picks from a target name when `bus` is absent.
pub fn bus_for_target(dev: &str) -> Option<DiskBus> {
    Some(if dev.starts_with("hd") {
        DiskBus::Ide
    } else if dev.starts_with("sd") {
        DiskBus::Scsi
    } else if dev.starts_with("vd") {
        DiskBus::Virtio
    } else if dev.starts_with("xvd") {
        DiskBus::Xen
    } else if dev.starts_with("fd") {
        DiskBus::Fdc
    } else if dev.starts_with("ubd") {
        DiskBus::Other("uml".into())
    } else {
        return None;
    })
}

/// The target prefixes that go with a bus, for the name/bus rule.
fn prefixes_for_bus(bus: &DiskBus) -> &'static [&'static str] {
    match bus {
        DiskBus::Ide => &["hd"],
        DiskBus::Scsi | DiskBus::Sata | DiskBus::Usb => &["sd"],
        DiskBus::Virtio => &["vd"],
        DiskBus::Xen => &["xvd"],
        DiskBus::Fdc => &["fd"],
        DiskBus::Sd | DiskBus::Other(_) => &[],
    }
}

impl Disk {
    /// A virtio disk backed by a qcow2 image file.
    pub fn new_file(path: &str, dev: &str) -> Disk {
        Disk {
            source: DiskSource::File {
                file: Some(path.into()),
                extra: Extra::default(),
            },
            device: Some(DiskDevice::Disk),
            driver: Some(DiskDriver {
                name: Some("qemu".into()),
                driver_type: Some("qcow2".into()),
                ..Default::default()
            }),
            target: Some(DiskTarget {
                dev: dev.into(),
                bus: bus_for_target(dev),
                extra: Extra::default(),
            }),
            readonly: false,
            shareable: false,
            boot_order: None,
            extra: Extra::default(),
        }
    }

    /// A read-only CD-ROM with an image, on `bus` as `dev`.
    pub fn new_cdrom(path: &str, dev: &str, bus: DiskBus) -> Disk {
        Disk {
            source: DiskSource::File {
                file: Some(path.into()),
                extra: Extra::default(),
            },
            device: Some(DiskDevice::Cdrom),
            driver: Some(DiskDriver {
                name: Some("qemu".into()),
                driver_type: Some("raw".into()),
                ..Default::default()
            }),
            target: Some(DiskTarget {
                dev: dev.into(),
                bus: Some(bus),
                extra: Extra::default(),
            }),
            readonly: true,
            ..Disk::new_file(path, dev)
        }
    }

    pub fn effective_bus(&self) -> Option<DiskBus> {
        let t = self.target.as_ref()?;
        t.bus.clone().or_else(|| bus_for_target(&t.dev))
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Disk {
        let disk_type = c.attr("type").unwrap_or("file").to_string();
        let device = c.attr("device").map(DiskDevice::parse);
        let driver = c.child("driver").map(|mut d| DiskDriver {
            name: d.attr("name").map(str::to_string),
            driver_type: d.attr("type").map(str::to_string),
            cache: d.attr("cache").map(DiskCache::parse),
            io: d.attr("io").map(DiskIo::parse),
            discard: d.attr("discard").map(DiskDiscard::parse),
            extra: d.finish(),
        });
        let source = match disk_type.as_str() {
            "file" | "block" => {
                let attr = if disk_type == "file" { "file" } else { "dev" };
                let (value, extra) = match c.child_with_content("source") {
                    Some(mut s) => (s.attr(attr).map(str::to_string), s.finish()),
                    None => (None, Extra::default()),
                };
                if disk_type == "file" {
                    DiskSource::File { file: value, extra }
                } else {
                    DiskSource::Block { dev: value, extra }
                }
            }
            other => {
                diags.info(
                    "I-DISK-TYPE-KEPT",
                    c.attr_path("type"),
                    format!(
                        "disk type '{other}' is kept as written; vmxml models file and block disks"
                    ),
                    "the wizard shows this disk's source as kept as is",
                );
                DiskSource::Other {
                    disk_type: other.to_string(),
                }
            }
        };
        let target = c.child("target").map(|mut t| {
            let dev = t.attr("dev").unwrap_or_default().to_string();
            let bus = t.attr("bus").map(DiskBus::parse);
            DiskTarget {
                dev,
                bus,
                extra: t.finish(),
            }
        });
        // <readonly/> and <shareable/> are flags; anything inside them is kept with the disk.
        let flag = |c: &mut Cursor, name: &str| match c.element().child(name) {
            Some(e) if e.attrs.is_empty() && e.elements().next().is_none() => {
                c.child(name).is_some()
            }
            _ => false,
        };
        let readonly = flag(&mut c, "readonly");
        let shareable = flag(&mut c, "shareable");
        let boot_order = read_boot_order(&mut c);
        Disk {
            source,
            device,
            driver,
            target,
            readonly,
            shareable,
            boot_order,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let source = match &self.source {
            DiskSource::File { file, extra } if file.is_some() || !extra.is_empty() => Some(
                ElementBuilder::new("source")
                    .opt_attr("file", file.as_ref())
                    .build(extra),
            ),
            DiskSource::Block { dev, extra } if dev.is_some() || !extra.is_empty() => Some(
                ElementBuilder::new("source")
                    .opt_attr("dev", dev.as_ref())
                    .build(extra),
            ),
            _ => None,
        };
        ElementBuilder::new("disk")
            .attr("type", self.source.type_name())
            .opt_attr("device", self.device.as_ref().map(|d| d.as_str()))
            .opt_child(self.driver.as_ref().map(|d| {
                ElementBuilder::new("driver")
                    .opt_attr("name", d.name.as_ref())
                    .opt_attr("type", d.driver_type.as_ref())
                    .opt_attr("cache", d.cache.as_ref().map(|v| v.as_str()))
                    .opt_attr("io", d.io.as_ref().map(|v| v.as_str()))
                    .opt_attr("discard", d.discard.as_ref().map(|v| v.as_str()))
                    .build(&d.extra)
            }))
            .opt_child(source)
            .opt_child(self.target.as_ref().map(|t| {
                ElementBuilder::new("target")
                    .attr("dev", &t.dev)
                    .opt_attr("bus", t.bus.as_ref().map(|b| b.as_str()))
                    .build(&t.extra)
            }))
            .opt_child(boot_order_element(self.boot_order))
            .opt_child(self.readonly.then(|| Element::new("readonly")))
            .opt_child(self.shareable.then(|| Element::new("shareable")))
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, cx: &Context, diags: &mut Diagnostics) {
        // A source attribute that belongs to the other type.
        let wrong = match &self.source {
            DiskSource::File { extra, .. } => {
                extra.attr("dev").map(|v| ("file", "dev", v, "block"))
            }
            DiskSource::Block { extra, .. } => {
                extra.attr("file").map(|v| ("block", "file", v, "file"))
            }
            DiskSource::Other { .. } => None,
        };
        if let Some((ty, attr, v, other)) = wrong {
            let right = if ty == "file" { "file" } else { "dev" };
            diags.error(
                "E-DISK-SOURCE-TYPE",
                format!("{path}/source/@{attr}"),
                format!("a disk of type '{ty}' takes <source {right}=...>, but this one has {attr}='{v}'"),
                format!("write <source {right}='{v}'/>, or change the disk to type='{other}'"),
            );
        }
        if let DiskDevice::Other(v) = self.device.as_ref().unwrap_or(&DiskDevice::Disk) {
            diags.info(
                "I-DISK-DEVICE-KEPT",
                format!("{path}/@device"),
                format!("disk device '{v}' is kept as written"),
                format!("vmxml models {}", DiskDevice::known().join(", ")),
            );
        }
        if let Some(driver) = &self.driver {
            validate_driver(driver, path, diags);
        }
        let Some(target) = &self.target else {
            diags.error(
                "E-DISK-TARGET-MISSING",
                format!("{path}/target"),
                "the disk has no <target>",
                "add <target dev='vda' bus='virtio'/>: libvirt needs the guest device name",
            );
            return;
        };
        let tpath = format!("{path}/target/@dev");
        if target.dev.is_empty() {
            diags.error(
                "E-DISK-TARGET-MISSING",
                tpath.clone(),
                "the disk's <target> has no dev",
                "name the guest device, such as dev='vda' (virtio), 'sda' (SCSI/SATA), 'hda' (IDE)",
            );
        }
        let device = self.device.clone().unwrap_or(DiskDevice::Disk);
        let bus = self.effective_bus();
        if let Some(b) = &target.bus {
            let allowed = prefixes_for_bus(b);
            if !target.dev.is_empty()
                && !allowed.is_empty()
                && !allowed.iter().any(|p| target.dev.starts_with(p))
            {
                diags.warning(
                    "W-DISK-TARGET-BUS",
                    tpath.clone(),
                    format!("target '{}' does not look like a {} device name", target.dev, b),
                    format!(
                        "{} disks are usually named {}a, {}b, ...; the guest may name the disk differently from the target",
                        b,
                        allowed[0],
                        allowed[0]
                    ),
                );
            }
        }
        if device == DiskDevice::Floppy && bus.as_ref().is_some_and(|b| *b != DiskBus::Fdc) {
            diags.error(
                "E-DISK-FLOPPY-BUS",
                format!("{path}/target"),
                format!(
                    "a floppy disk cannot be on the {} bus",
                    bus.as_ref().map(|b| b.as_str()).unwrap_or("")
                ),
                "put floppies on the fdc bus: <target dev='fda' bus='fdc'/>",
            );
        }
        if device != DiskDevice::Floppy && bus == Some(DiskBus::Fdc) {
            diags.error(
                "E-DISK-FDC-NOT-FLOPPY",
                format!("{path}/target"),
                format!("only floppies go on the fdc bus, and this disk is a {device}"),
                "use device='floppy', or another bus such as virtio (dev='vda')",
            );
        }
        if bus == Some(DiskBus::Xen) && !matches!(cx.domain.domain_type, DomainType::Xen) {
            diags.warning(
                "W-DISK-XEN-BUS",
                format!("{path}/target/@bus"),
                format!(
                    "the xen bus is for Xen guests, and this is a {} domain",
                    cx.domain.domain_type
                ),
                "use bus='virtio' (dev='vda') for KVM/QEMU guests",
            );
        }
        if let (Some(b), Some(addr)) = (&bus, self.extra.element("address")) {
            let addr_type = addr.attr("type").unwrap_or("");
            let ok: &[&str] = match b {
                DiskBus::Ide | DiskBus::Fdc | DiskBus::Scsi | DiskBus::Sata => &["drive"],
                DiskBus::Usb => &["usb"],
                _ => &[],
            };
            if !ok.is_empty() && !ok.contains(&addr_type) {
                diags.error(
                    "E-DISK-ADDRESS-BUS",
                    format!("{path}/address/@type"),
                    format!("address type '{addr_type}' does not fit a disk on the {b} bus"),
                    format!("use <address type='{}' .../> or remove <address> and let libvirt assign one", ok[0]),
                );
            }
        }
        if self.readonly && device == DiskDevice::Disk && self.shareable {
            diags.info(
                "I-DISK-READONLY-SHAREABLE",
                path.to_string(),
                "the disk is both readonly and shareable",
                "a readonly disk can be shared anyway; shareable matters for writable disks",
            );
        }
    }
}

fn validate_driver(driver: &DiskDriver, path: &str, diags: &mut Diagnostics) {
    let dpath = format!("{path}/driver");
    let values: [(&str, Option<&str>, &[&str]); 3] = [
        (
            "cache",
            driver
                .cache
                .as_ref()
                .filter(|v| v.is_other())
                .map(|v| v.as_str()),
            DiskCache::known(),
        ),
        (
            "io",
            driver
                .io
                .as_ref()
                .filter(|v| v.is_other())
                .map(|v| v.as_str()),
            DiskIo::known(),
        ),
        (
            "discard",
            driver
                .discard
                .as_ref()
                .filter(|v| v.is_other())
                .map(|v| v.as_str()),
            DiskDiscard::known(),
        ),
    ];
    for (attr, value, known) in values {
        if let Some(v) = value {
            diags.error(
                "E-DISK-DRIVER-VALUE",
                format!("{dpath}/@{attr}"),
                format!("'{v}' is not a disk {attr} mode libvirt knows"),
                crate::values::choice_hint(v, known),
            );
        }
    }
    let direct = matches!(driver.cache, Some(DiskCache::None | DiskCache::Directsync));
    if driver.io == Some(DiskIo::Native) && !direct {
        diags.warning(
            "W-DISK-IO-NATIVE-CACHE",
            format!("{dpath}/@io"),
            "io='native' needs the host page cache bypassed, and this disk's cache mode keeps it",
            "set cache='none' (or directsync) with io='native'; QEMU otherwise falls back to threads or refuses to start",
        );
    }
}

/// Rules across all disks: target names are unique.
pub fn validate_all(devices: &[(&Device, String)], _cx: &Context, diags: &mut Diagnostics) {
    let mut seen = crate::values::FirstSeen::default();
    for (i, (d, path)) in devices.iter().enumerate() {
        let Device::Disk(disk) = d else { continue };
        let Some(t) = &disk.target else { continue };
        if t.dev.is_empty() {
            continue;
        }
        if let Some(first) = seen.check(t.dev.clone(), i) {
            diags.error(
                "E-DISK-TARGET-DUPLICATE",
                format!("{path}/target/@dev"),
                format!(
                    "target '{}' is already used by {}",
                    t.dev,
                    super::path_of(devices, first)
                ),
                "give every disk its own target: vda, vdb, vdc, ...",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn disk_of(xml: &str) -> Disk {
        match first_device(xml) {
            Device::Disk(d) => d,
            other => panic!("not a disk: {other:?}"),
        }
    }

    #[test]
    fn spec_example_both_directions() {
        let xml = "<disk type='file'>\n  <driver name='tap' type='aio'/>\n  <source file='/var/lib/xen/images/fv0'/>\n  <target dev='hda' bus='ide'/>\n</disk>\n";
        let model = Disk {
            source: DiskSource::File {
                file: Some("/var/lib/xen/images/fv0".into()),
                extra: Extra::default(),
            },
            device: None,
            driver: Some(DiskDriver {
                name: Some("tap".into()),
                driver_type: Some("aio".into()),
                ..Default::default()
            }),
            target: Some(DiskTarget {
                dev: "hda".into(),
                bus: Some(DiskBus::Ide),
                extra: Extra::default(),
            }),
            readonly: false,
            shareable: false,
            boot_order: None,
            extra: Extra::default(),
        };
        assert_eq!(disk_of(xml), model);
        assert_eq!(xml_of(&model.write()), xml);
    }

    #[test]
    fn block_cdrom_flags_both_directions() {
        let xml = "<disk type='block' device='cdrom'>\n  <source dev='/dev/sr0'/>\n  <target dev='hdc' bus='ide'/>\n  <readonly/>\n  <shareable/>\n  <address type='drive' controller='0' bus='1' target='0' unit='0'/>\n</disk>\n";
        let d = disk_of(xml);
        assert_eq!(d.source.path(), Some("/dev/sr0"));
        assert_eq!(d.device, Some(DiskDevice::Cdrom));
        assert!(d.readonly && d.shareable);
        assert_eq!(xml_of(&d.write()), xml);
    }

    #[test]
    fn modern_driver_and_boot_order_both_directions() {
        let xml = "<disk type='file' device='disk'>\n  <driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap'/>\n  <source file='/var/lib/libvirt/images/a.qcow2'/>\n  <target dev='sda' bus='sata'/>\n  <boot order='1'/>\n  <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n</disk>\n";
        let d = disk_of(xml);
        let driver = d.driver.clone().unwrap();
        assert_eq!(driver.cache, Some(DiskCache::None));
        assert_eq!(driver.io, Some(DiskIo::Native));
        assert_eq!(driver.discard, Some(DiskDiscard::Unmap));
        assert_eq!(d.boot_order, Some(1));
        assert_eq!(xml_of(&d.write()), xml);
        // A boot element with more than an order stays as written.
        let loadparm =
            disk_of("<disk type='file'><target dev='vda'/><boot order='2' loadparm='x'/></disk>");
        assert_eq!(loadparm.boot_order, None);
        assert!(loadparm.extra.has_element("boot"));
        let cdrom = Disk::new_cdrom("/iso/x.iso", "sda", DiskBus::Sata);
        assert_eq!(
            xml_of(&cdrom.write()),
            "<disk type='file' device='cdrom'>\n  <driver name='qemu' type='raw'/>\n  <source file='/iso/x.iso'/>\n  <target dev='sda' bus='sata'/>\n  <readonly/>\n</disk>\n"
        );
    }

    #[test]
    fn driver_rules() {
        assert!(codes(
            "<disk type='file'><driver name='qemu' cache='fast'/><target dev='vda'/></disk>"
        )
        .contains(&"E-DISK-DRIVER-VALUE".into()));
        assert!(codes(
            "<disk type='file'><driver name='qemu' io='native'/><target dev='vda'/></disk>"
        )
        .contains(&"W-DISK-IO-NATIVE-CACHE".into()));
        assert!(!codes("<disk type='file'><driver name='qemu' cache='none' io='native'/><target dev='vda'/></disk>")
            .contains(&"W-DISK-IO-NATIVE-CACHE".into()));
    }

    #[test]
    fn network_disk_is_kept() {
        let xml = "<disk type='network' device='disk'>\n  <source protocol='nbd' name='x'>\n    <host name='h' port='1'/>\n  </source>\n  <target dev='vda' bus='virtio'/>\n</disk>\n";
        assert_eq!(xml_of(&disk_of(xml).write()), xml);
    }

    fn codes(devices: &str) -> Vec<String> {
        codes_of(&domain_with_devices(devices))
    }

    #[test]
    fn rules() {
        assert!(
            codes("<disk type='file'><source dev='/dev/sda'/><target dev='vda'/></disk>")
                .contains(&"E-DISK-SOURCE-TYPE".into())
        );
        assert!(
            codes("<disk type='block'><source file='/a.img'/><target dev='vda'/></disk>")
                .contains(&"E-DISK-SOURCE-TYPE".into())
        );
        assert!(codes("<disk type='file'><target dev='vda'/></disk><disk type='file'><target dev='vda'/></disk>").contains(&"E-DISK-TARGET-DUPLICATE".into()));
        assert!(
            codes("<disk type='file' device='floppy'><target dev='hda'/></disk>")
                .contains(&"E-DISK-FLOPPY-BUS".into())
        );
        assert!(
            codes("<disk type='file' device='floppy'><target dev='fda' bus='ide'/></disk>")
                .contains(&"E-DISK-FLOPPY-BUS".into())
        );
        assert!(
            codes("<disk type='file'><target dev='hda' bus='virtio'/></disk>")
                .contains(&"W-DISK-TARGET-BUS".into())
        );
        assert!(codes(
            "<disk type='file'><target dev='sda' bus='sata'/><address type='pci'/></disk>"
        )
        .contains(&"E-DISK-ADDRESS-BUS".into()));
        assert!(codes("<disk type='file'></disk>").contains(&"E-DISK-TARGET-MISSING".into()));
        let ok = codes("<disk type='file' device='floppy'><source file='/f.img'/><target dev='fda' bus='fdc'/></disk><disk type='file'><source file='/a'/><target dev='vda' bus='virtio'/></disk>");
        assert!(
            !ok.iter()
                .any(|c| c.starts_with("E-") || c.starts_with("W-")),
            "{ok:?}"
        );
    }
}
