//! `<devices>`: the emulator and the device list, kept in document order.

pub mod chardev;
pub mod controller;
pub mod disk;
pub mod filesystem;
pub mod graphics;
pub mod hostdev;
pub mod input;
pub mod interface;
pub mod memballoon;
pub mod panic;
pub mod redirdev;
pub mod rng;
pub mod sound;
pub mod tpm;
pub mod video;
pub mod watchdog;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{child_path, numbers, Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::xml::Element;

pub use chardev::{CharDevice, CharKind};
pub use controller::Controller;
pub use disk::Disk;
pub use filesystem::Filesystem;
pub use graphics::Graphics;
pub use hostdev::Hostdev;
pub use input::Input;
pub use interface::Interface;
pub use memballoon::Memballoon;
pub use panic::Panic;
pub use redirdev::Redirdev;
pub use rng::Rng;
pub use sound::{Audio, Sound};
pub use tpm::Tpm;
pub use video::Video;
pub use watchdog::Watchdog;

/// Takes a device's `<boot order='N'/>` when that is all it says; anything more (loadparm)
/// stays with the device as written.
pub fn read_boot_order(c: &mut Cursor) -> Option<u32> {
    let boot = c.element().child("boot")?;
    let order = boot.attr("order")?;
    let n = order
        .parse::<u32>()
        .ok()
        .filter(|n| n.to_string() == order)?;
    if boot.attrs.len() != 1 || boot.elements().next().is_some() {
        return None;
    }
    c.child("boot");
    Some(n)
}

pub fn boot_order_element(order: Option<u32>) -> Option<Element> {
    order.map(|n| Element::new("boot").with_attr("order", n.to_string()))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Device {
    Disk(Disk),
    Interface(Interface),
    Input(Input),
    Graphics(Graphics),
    /// `<serial>`, `<parallel>` and `<console>`: `CharDevice::kind` says which.
    Char(CharDevice),
    Hostdev(Hostdev),
    Controller(Controller),
    Video(Video),
    Sound(Sound),
    Audio(Audio),
    Tpm(Tpm),
    Rng(Rng),
    Memballoon(Memballoon),
    Watchdog(Watchdog),
    Panic(Panic),
    Filesystem(Filesystem),
    Redirdev(Redirdev),
    /// A device vmxml does not model (channel, smartcard, shmem, ...), verbatim.
    Unmodelled {
        element: Element,
    },
}

/// libvirt's formatter writes devices grouped by kind in this order.
const DEVICE_ORDER: &[&str] = &[
    "disk",
    "controller",
    "lease",
    "filesystem",
    "interface",
    "smartcard",
    "serial",
    "parallel",
    "console",
    "channel",
    "input",
    "tpm",
    "graphics",
    "sound",
    "audio",
    "video",
    "hostdev",
    "redirdev",
    "redirfilter",
    "hub",
    "watchdog",
    "memballoon",
    "rng",
    "panic",
    "shmem",
    "memory",
    "iommu",
    "vsock",
    "crypto",
];

impl Device {
    /// The element name this device is written as.
    pub fn element_name(&self) -> &str {
        match self {
            Device::Disk(_) => "disk",
            Device::Interface(_) => "interface",
            Device::Input(_) => "input",
            Device::Graphics(_) => "graphics",
            Device::Char(c) => c.kind.element_name(),
            Device::Hostdev(_) => "hostdev",
            Device::Controller(_) => "controller",
            Device::Video(_) => "video",
            Device::Sound(_) => "sound",
            Device::Audio(_) => "audio",
            Device::Tpm(_) => "tpm",
            Device::Rng(_) => "rng",
            Device::Memballoon(_) => "memballoon",
            Device::Watchdog(_) => "watchdog",
            Device::Panic(_) => "panic",
            Device::Filesystem(_) => "filesystem",
            Device::Redirdev(_) => "redirdev",
            Device::Unmodelled { element } => &element.name,
        }
    }

    fn rank(&self) -> usize {
        let name = self.element_name();
        DEVICE_ORDER
            .iter()
            .position(|n| *n == name)
            .unwrap_or(DEVICE_ORDER.len())
    }

    pub fn write(&self) -> Element {
        match self {
            Device::Disk(d) => d.write(),
            Device::Interface(d) => d.write(),
            Device::Input(d) => d.write(),
            Device::Graphics(d) => d.write(),
            Device::Char(d) => d.write(),
            Device::Hostdev(d) => d.write(),
            Device::Controller(d) => d.write(),
            Device::Video(d) => d.write(),
            Device::Sound(d) => d.write(),
            Device::Audio(d) => d.write(),
            Device::Tpm(d) => d.write(),
            Device::Rng(d) => d.write(),
            Device::Memballoon(d) => d.write(),
            Device::Watchdog(d) => d.write(),
            Device::Panic(d) => d.write(),
            Device::Filesystem(d) => d.write(),
            Device::Redirdev(d) => d.write(),
            Device::Unmodelled { element } => element.clone(),
        }
    }

    /// The modelled `<boot order=...>` of a device that has one.
    pub fn boot_order(&self) -> Option<u32> {
        match self {
            Device::Disk(d) => d.boot_order,
            Device::Interface(i) => i.boot_order,
            _ => None,
        }
    }

    /// The element of a device that is in the model, for rules on parts it keeps as is.
    pub fn extra(&self) -> Option<&Extra> {
        match self {
            Device::Disk(d) => Some(&d.extra),
            Device::Interface(d) => Some(&d.extra),
            Device::Input(d) => Some(&d.extra),
            Device::Graphics(d) => Some(&d.extra),
            Device::Char(d) => Some(&d.extra),
            Device::Hostdev(d) => Some(&d.extra),
            Device::Controller(d) => Some(&d.extra),
            Device::Video(d) => Some(&d.extra),
            Device::Sound(d) => Some(&d.extra),
            Device::Audio(d) => Some(&d.extra),
            Device::Tpm(d) => Some(&d.extra),
            Device::Rng(d) => Some(&d.extra),
            Device::Memballoon(d) => Some(&d.extra),
            Device::Watchdog(d) => Some(&d.extra),
            Device::Panic(d) => Some(&d.extra),
            Device::Filesystem(d) => Some(&d.extra),
            Device::Redirdev(d) => Some(&d.extra),
            Device::Unmodelled { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Devices {
    /// Path of the device model emulator binary, such as /usr/bin/qemu-system-x86_64.
    #[serde(default)]
    pub emulator: Option<String>,
    #[serde(default)]
    pub list: Vec<Device>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Device {
    /// Reads one device element, whatever its kind; an element vmxml does not model is kept.
    pub fn read_element(el: &Element, path: &str, diags: &mut Diagnostics) -> Device {
        let cur = || Cursor::new(el, path.to_string());
        match el.name.as_str() {
            "disk" => Device::Disk(Disk::read(cur(), diags)),
            "interface" => Device::Interface(Interface::read(cur(), diags)),
            "input" => Device::Input(Input::read(cur(), diags)),
            "graphics" => Device::Graphics(Graphics::read(cur(), diags)),
            "serial" => Device::Char(CharDevice::read(CharKind::Serial, cur(), diags)),
            "parallel" => Device::Char(CharDevice::read(CharKind::Parallel, cur(), diags)),
            "console" => Device::Char(CharDevice::read(CharKind::Console, cur(), diags)),
            "channel" => Device::Char(CharDevice::read(CharKind::Channel, cur(), diags)),
            "hostdev" => Device::Hostdev(Hostdev::read(cur(), diags)),
            "controller" => Device::Controller(Controller::read(cur(), diags)),
            "video" => Device::Video(Video::read(cur(), diags)),
            "sound" => Device::Sound(Sound::read(cur(), diags)),
            "audio" => Device::Audio(Audio::read(cur(), diags)),
            "tpm" => Device::Tpm(Tpm::read(cur(), diags)),
            "rng" => Device::Rng(Rng::read(cur(), diags)),
            "memballoon" => Device::Memballoon(Memballoon::read(cur(), diags)),
            "watchdog" => Device::Watchdog(Watchdog::read(cur(), diags)),
            "panic" => Device::Panic(Panic::read(cur(), diags)),
            "filesystem" => Device::Filesystem(Filesystem::read(cur(), diags)),
            "redirdev" => Device::Redirdev(Redirdev::read(cur(), diags)),
            _ => Device::Unmodelled {
                element: el.clone(),
            },
        }
    }
}

impl Devices {
    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Devices {
        let emulator = c.child("emulator").map(|e| e.text());
        let mut list = Vec::new();
        for (i, el, path) in c.all_children() {
            if el.name == "emulator" {
                continue;
            }
            let device = Device::read_element(el, &path, diags);
            c.take_child_at(i);
            list.push(device);
        }
        Devices {
            emulator,
            list,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let mut sorted: Vec<&Device> = self.list.iter().collect();
        // Stable: devices of one kind keep their order, as libvirt keeps them.
        crate::values::sort_stably_by(&mut sorted, |d| d.rank() as u128);
        if crate::node::writing_skeleton() {
            sorted.retain(|d| !matches!(d, Device::Unmodelled { .. }));
        } else if sorted
            .iter()
            .any(|d| matches!(d, Device::Unmodelled { .. }))
        {
            crate::node::note_kept();
        }
        ElementBuilder::new("devices")
            .opt_child(
                self.emulator
                    .as_ref()
                    .map(|e| Element::new("emulator").with_text(e.clone())),
            )
            .children(sorted.into_iter().map(Device::write))
            .build(&self.extra)
    }

    /// Each device with the path diagnostics use for it (`/domain/devices/disk[2]`).
    pub fn with_paths(&self) -> Vec<(&Device, String)> {
        let numbers = numbers(self.list.iter().map(|d| Some(d.element_name())));
        self.list
            .iter()
            .zip(numbers)
            .map(|(d, (k, total))| (d, child_path("/domain/devices", d.element_name(), k, total)))
            .collect()
    }

    pub fn disks(&self) -> impl Iterator<Item = &Disk> {
        self.list.iter().filter_map(|d| match d {
            Device::Disk(d) => Some(d),
            _ => None,
        })
    }

    /// The path of the first device carrying `<boot order=...>`, if any.
    pub fn first_with_boot_order(&self) -> Option<String> {
        self.with_paths().into_iter().find_map(|(d, path)| {
            let has = d.boot_order().is_some()
                || match d {
                    Device::Unmodelled { element } => element.child("boot").is_some(),
                    other => other.extra().is_some_and(|e| e.has_element("boot")),
                };
            has.then(|| format!("{path}/boot"))
        })
    }

    /// Adds a device after the last one of its kind, where libvirt would write it.
    pub fn add(&mut self, device: Device) -> usize {
        let name = device.element_name().to_string();
        let at = self
            .list
            .iter()
            .rposition(|d| d.element_name() == name)
            .map(|i| i + 1)
            .unwrap_or(self.list.len());
        self.list.insert(at, device);
        at
    }
}

pub fn validate(cx: &Context, diags: &mut Diagnostics) {
    let Some(devices) = &cx.domain.devices else {
        return;
    };
    let with_paths = devices.with_paths();
    for (d, path) in &with_paths {
        match d {
            Device::Disk(x) => x.validate(path, cx, diags),
            Device::Interface(x) => x.validate(path, cx, diags),
            Device::Input(x) => x.validate(path, cx, diags),
            Device::Graphics(x) => x.validate(path, cx, diags),
            Device::Char(x) => x.validate(path, cx, diags),
            Device::Hostdev(x) => x.validate(path, cx, diags),
            Device::Controller(x) => x.validate(path, cx, diags),
            Device::Video(x) => x.validate(path, cx, diags),
            Device::Sound(x) => x.validate(path, cx, diags),
            Device::Audio(x) => x.validate(path, cx, diags),
            Device::Tpm(x) => x.validate(path, cx, diags),
            Device::Rng(x) => x.validate(path, cx, diags),
            Device::Memballoon(x) => x.validate(path, cx, diags),
            Device::Watchdog(x) => x.validate(path, cx, diags),
            Device::Panic(x) => x.validate(path, cx, diags),
            Device::Filesystem(x) => x.validate(path, cx, diags),
            Device::Redirdev(x) => x.validate(path, cx, diags),
            Device::Unmodelled { element } => {
                chardev::validate_embedded_source(element, path, diags)
            }
        }
    }
    validate_boot_orders(&with_paths, diags);
    validate_guest_pci_addresses(&with_paths, cx, diags);
    validate_windows_drivers(&with_paths, cx, diags);
    disk::validate_all(&with_paths, cx, diags);
    graphics::validate_all(&with_paths, cx, diags);
    chardev::validate_all(&with_paths, cx, diags);
    hostdev::validate_all(&with_paths, cx, diags);
    controller::validate_all(&with_paths, cx, diags);
    video::validate_all(&with_paths, cx, diags);
    redirdev::validate_all(&with_paths, cx, diags);
    tpm::validate_all(&with_paths, cx, diags);
    memballoon::validate_all(&with_paths, cx, diags);
    watchdog::validate_all(&with_paths, cx, diags);
}

/// An enumerated value libvirt's schema does not allow: an error that offers the choices.
pub(crate) fn unknown_value(
    diags: &mut Diagnostics,
    code: &str,
    path: String,
    what: &str,
    value: &str,
    known: &[&str],
) {
    let message = if value.is_empty() {
        format!("the {what} is missing")
    } else {
        format!("libvirt does not know {what} '{value}'")
    };
    diags.error(
        code,
        path,
        message,
        crate::values::choice_hint(value, known),
    );
}

/// The path of the `i`-th device of a validation list ("" past its end).
pub(crate) fn path_of<'a>(devices: &'a [(&Device, String)], i: usize) -> &'a str {
    devices.get(i).map_or("", |(_, p)| p.as_str())
}

/// Whether libvirt's QEMU driver runs this domain: its own checks apply on top of the schema.
pub(crate) fn runs_on_qemu(cx: &Context) -> bool {
    matches!(
        cx.domain.domain_type,
        crate::domain::DomainType::Kvm | crate::domain::DomainType::Qemu
    )
}

/// The element a device's guest-side `<address>` is on: modelled devices keep it in their
/// extras, the others hold it themselves.
fn guest_address(d: &Device) -> Option<&Element> {
    match d {
        Device::Unmodelled { element } => element.child("address"),
        other => other.extra().and_then(|e| e.element("address")),
    }
}

/// Two devices at one guest PCI address: QEMU's libvirt driver refuses the definition
/// ("Attempted double use of PCI Address").
fn validate_guest_pci_addresses(
    devices: &[(&Device, String)],
    cx: &Context,
    diags: &mut Diagnostics,
) {
    // A map, not a list: a hostile document may hold hundreds of thousands of devices.
    let mut seen = crate::values::FirstSeen::default();
    for (i, (d, path)) in devices.iter().enumerate() {
        let Some(a) = guest_address(d).filter(|a| a.attr("type") == Some("pci")) else {
            continue;
        };
        let n = |name: &str| a.attr(name).and_then(crate::values::parse_c_number);
        // A slot left out is for libvirt to pick; multifunction devices share a slot, not a
        // function.
        let (Some(bus), Some(slot)) = (n("bus"), n("slot")) else {
            continue;
        };
        let at = [
            n("domain").unwrap_or(0),
            bus,
            slot,
            n("function").unwrap_or(0),
        ];
        let what = format!("{:04x}:{:02x}:{:02x}.{:x}", at[0], at[1], at[2], at[3]);
        if let Some(first) = seen.check(what.clone(), i) {
            let first = path_of(devices, first);
            let message = format!("guest PCI address {what} is already used by {first}");
            let hint = "give each device its own slot, or remove <address> and let libvirt assign one; QEMU's driver refuses the definition (\"Attempted double use of PCI Address\")";
            let apath = format!("{path}/address");
            if runs_on_qemu(cx) {
                diags.error("E-PCI-ADDRESS-DUPLICATE", apath, message, hint);
            } else {
                diags.warning("W-PCI-ADDRESS-DUPLICATE", apath, message, hint);
            }
        }
    }
}

/// A Windows guest on virtio storage or network needs the virtio-win drivers: the installer
/// has none, so it finds no disk (or no network) without them.
fn validate_windows_drivers(devices: &[(&Device, String)], cx: &Context, diags: &mut Diagnostics) {
    if !cx.domain.looks_like_windows() {
        return;
    }
    let drivers_cd = devices
        .iter()
        .any(|(d, _)| matches!(d, Device::Disk(disk) if crate::presets::is_virtio_win_cd(disk)));
    if drivers_cd {
        return;
    }
    for (d, path) in devices {
        let (what, at) = match d {
            Device::Disk(disk) if disk.effective_bus() == Some(disk::DiskBus::Virtio) => {
                ("disk", format!("{path}/target/@bus"))
            }
            Device::Interface(i) if i.model.as_deref() == Some("virtio") => {
                ("network card", format!("{path}/model/@type"))
            }
            _ => continue,
        };
        diags.info(
            "I-WINDOWS-VIRTIO-DRIVERS",
            at,
            format!("this Windows guest has a virtio {what} and no virtio-win drivers CD"),
            "Windows has no virtio drivers: add a CD-ROM with virtio-win.iso (the installer's \"Load driver\"), or use a sata disk and an e1000e NIC; virt-install adds neither for you",
        );
    }
}

/// libvirt refuses two devices with one boot order (and order 0, which it reads as unset).
fn validate_boot_orders(devices: &[(&Device, String)], diags: &mut Diagnostics) {
    let mut seen = crate::values::FirstSeen::default();
    for (i, (d, path)) in devices.iter().enumerate() {
        let order = match d {
            Device::Unmodelled { element } => element
                .child("boot")
                .and_then(|b| b.attr("order"))
                .and_then(|o| o.trim().parse::<u32>().ok()),
            other => other.boot_order().or_else(|| {
                other
                    .extra()
                    .and_then(|e| e.element("boot"))
                    .and_then(|b| b.attr("order"))
                    .and_then(|o| o.trim().parse::<u32>().ok())
            }),
        };
        let Some(order) = order else { continue };
        let at = format!("{path}/boot/@order");
        if order == 0 {
            diags.error(
                "E-BOOT-ORDER-ZERO",
                at,
                "boot order 0 is not a place in the boot order",
                "number boot devices from 1: <boot order='1'/> boots first",
            );
            continue;
        }
        if let Some(first) = seen.check(order.to_string(), i) {
            diags.error(
                "E-BOOT-ORDER-DUPLICATE",
                at,
                format!(
                    "boot order {order} is already used by {}",
                    path_of(devices, first)
                ),
                "give each bootable device its own number: 1, 2, 3, ...",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::domain_from;

    #[test]
    fn guest_pci_address_clash() {
        use crate::test_support::{codes_of, domain_with_devices};
        let at = |slot: &str| {
            format!("<address type='pci' domain='0x0000' bus='0x00' slot='{slot}' function='0x0'/>")
        };
        let two = domain_with_devices(&format!(
            "<disk type='file'><source file='/a'/><target dev='vda' bus='virtio'/>{}</disk><interface type='network'><source network='default'/><model type='virtio'/>{}</interface>",
            at("0x05"),
            at("5")
        ));
        assert!(codes_of(&two).contains(&"E-PCI-ADDRESS-DUPLICATE".into()));
        let xen = two.replace("type='kvm'", "type='xen'");
        assert!(codes_of(&xen).contains(&"W-PCI-ADDRESS-DUPLICATE".into()));
        let apart = domain_with_devices(&format!(
            "<disk type='file'><source file='/a'/><target dev='vda' bus='virtio'/>{}</disk><memballoon model='virtio'>{}</memballoon>",
            at("0x05"),
            at("0x06")
        ));
        assert!(!codes_of(&apart).iter().any(|c| c.contains("PCI-ADDRESS")));
    }

    #[test]
    fn windows_virtio_needs_the_drivers_cd() {
        use crate::test_support::codes_of;
        let doc = |devices: &str| {
            format!("<domain type='kvm'><name>w</name><memory>1</memory><os><type>hvm</type></os><features><hyperv mode='custom'><relaxed state='on'/></hyperv></features><clock offset='localtime'/><devices>{devices}</devices></domain>")
        };
        let virtio =
            "<disk type='file'><source file='/w.qcow2'/><target dev='vda' bus='virtio'/></disk>";
        assert!(codes_of(&doc(virtio)).contains(&"I-WINDOWS-VIRTIO-DRIVERS".into()));
        let cd = "<disk type='file' device='cdrom'><source file='/var/lib/libvirt/images/virtio-win.iso'/><target dev='sda' bus='sata'/><readonly/></disk>";
        assert!(
            !codes_of(&doc(&format!("{virtio}{cd}"))).contains(&"I-WINDOWS-VIRTIO-DRIVERS".into())
        );
        let sata = "<disk type='file'><source file='/w.qcow2'/><target dev='sda' bus='sata'/></disk><interface type='network'><source network='default'/><model type='e1000e'/></interface>";
        assert!(!codes_of(&doc(sata)).contains(&"I-WINDOWS-VIRTIO-DRIVERS".into()));
        // Not Windows: nothing to say.
        let linux = crate::test_support::domain_with_devices(virtio);
        assert!(!codes_of(&linux).contains(&"I-WINDOWS-VIRTIO-DRIVERS".into()));
    }

    #[test]
    fn boot_order_rules() {
        use crate::test_support::{codes_of, domain_with_devices};
        let two = domain_with_devices("<disk type='file'><source file='/a'/><target dev='vda'/><boot order='1'/></disk><interface type='network'><source network='default'/><boot order='1'/></interface>");
        assert!(codes_of(&two).contains(&"E-BOOT-ORDER-DUPLICATE".into()));
        let ok = domain_with_devices("<disk type='file'><source file='/a'/><target dev='vda'/><boot order='2'/></disk><interface type='network'><source network='default'/><boot order='1'/></interface>");
        assert!(
            !codes_of(&ok).iter().any(|c| c.starts_with("E-")),
            "{:?}",
            codes_of(&ok)
        );
        let zero = domain_with_devices(
            "<disk type='file'><source file='/a'/><target dev='vda'/><boot order='0'/></disk>",
        );
        assert!(codes_of(&zero).contains(&"E-BOOT-ORDER-ZERO".into()));
    }

    #[test]
    fn devices_are_written_grouped_by_kind_in_stable_order() {
        let d = domain_from(
            "<domain type='kvm'><devices><interface type='user'/><disk type='file'><target dev='vdb'/></disk><video/><disk type='file'><target dev='vda'/></disk><emulator>/usr/bin/qemu</emulator></devices></domain>",
        );
        let out = crate::write(&d);
        let e = out.find("<emulator>").unwrap();
        let b = out.find("vdb").unwrap();
        let a = out.find("vda").unwrap();
        let i = out.find("<interface").unwrap();
        let v = out.find("<video").unwrap();
        assert!(e < b && b < a && a < i && i < v, "{out}");
    }

    #[test]
    fn modelled_devices_survive_json() {
        let d = domain_from(
            "<domain type='kvm'><devices>\
             <controller type='usb' index='0' model='qemu-xhci'><address type='pci' slot='0x04'/></controller>\
             <filesystem type='ram'><source usage='1024' units='MiB'/><target dir='/m'/></filesystem>\
             <filesystem accessmode='mapped'><source dir='/a'/><target dir='t'/><readonly/></filesystem>\
             <tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>\
             <sound model='ich9'/><audio id='1' type='spice'/>\
             <video><model type='virtio' heads='1' primary='yes'/></video>\
             <redirdev bus='usb' type='spicevmc'/><watchdog model='ib700' action='dump'/>\
             <memballoon model='virtio' autodeflate='on'/>\
             <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng><panic/>\
             </devices></domain>",
        );
        let devices = d.devices.expect("devices");
        assert!(!devices
            .list
            .iter()
            .any(|x| matches!(x, super::Device::Unmodelled { .. })));
        let json = serde_json::to_string(&devices).expect("serialises");
        let back: super::Devices = serde_json::from_str(&json).expect("deserialises");
        // Spans are not serialised: compare what each writes.
        let xml = |d: &super::Devices| crate::test_support::xml_of(&d.write());
        assert_eq!(xml(&back), xml(&devices), "{json}");
    }
}
