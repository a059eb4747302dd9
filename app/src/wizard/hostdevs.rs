//! Host devices: USB devices of the host passed through to the guest (`<hostdev>`), and the
//! host devices vmxml keeps as written (PCI, SCSI, mediated devices, USB redirection).

use leptos::prelude::*;
use vmxml_core::devices::hostdev::{Hostdev, HostdevSource, PciAddress, UsbAddress};
use vmxml_core::devices::Device;
use vmxml_core::Domain;

use super::Group;
use crate::fields::{
    device_at, device_at_mut, device_count, element_text, shown_read_only, KeptDevices, KeptOthers,
};
use crate::form::{Add, At, Control, DeviceKind, DeviceList, Field, FIELD};
use crate::state::use_studio;

const KIND: &str = "hostdev";

/// Read-only devices the device pages list (storage, display, consoles, this page); the rest
/// are shown at the end of this page.
const LISTED_ELSEWHERE: &[&str] = &[
    "controller",
    "filesystem",
    "video",
    "sound",
    "audio",
    "channel",
    "redirdev",
];

/// The ids of the spec's example; new devices after the first count the product id up.
const EXAMPLE_VENDOR: &str = "0x1234";
const EXAMPLE_PRODUCT: u16 = 0xbeef;

fn hostdev(d: &Domain, n: usize) -> Option<&Hostdev> {
    match device_at(d, KIND, n) {
        Some(Device::Hostdev(x)) => Some(x),
        _ => None,
    }
}

fn hostdev_mut(d: &mut Domain, n: usize) -> Option<&mut Hostdev> {
    match device_at_mut(d, KIND, n) {
        Some(Device::Hostdev(x)) => Some(x),
        _ => None,
    }
}

/// What "Add USB device" adds: a USB device picked by vendor and product id, the spec's
/// example ids to replace with what lsusb shows; each new one gets its own product id, as
/// libvirt refuses the same device twice.
pub(super) fn new_usb(d: &Domain) -> Hostdev {
    let used: Vec<String> = d
        .devices
        .iter()
        .flat_map(|x| x.list.iter())
        .filter_map(|dev| match dev {
            Device::Hostdev(Hostdev {
                source:
                    HostdevSource::Usb {
                        vendor: Some(v),
                        product: Some(p),
                        ..
                    },
                ..
            }) if v.eq_ignore_ascii_case(EXAMPLE_VENDOR) => Some(p.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    let product = (EXAMPLE_PRODUCT..=u16::MAX)
        .chain(1..EXAMPLE_PRODUCT)
        .map(|p| format!("{p:#06x}"))
        .find(|p| !used.contains(p))
        .unwrap_or_else(|| format!("{EXAMPLE_PRODUCT:#06x}"));
    Hostdev::usb_by_id(EXAMPLE_VENDOR, &product)
}

fn title(h: &Hostdev, n: usize) -> String {
    match &h.source {
        HostdevSource::Usb {
            vendor,
            product,
            address,
            ..
        } => {
            let mut parts = Vec::new();
            if vendor.is_some() || product.is_some() {
                parts.push(format!(
                    "{}:{}",
                    vendor.as_deref().unwrap_or("?"),
                    product.as_deref().unwrap_or("?")
                ));
            }
            if let Some(a) = address {
                parts.push(format!(
                    "bus {} device {}",
                    a.bus.as_deref().unwrap_or("?"),
                    a.device.as_deref().unwrap_or("?")
                ));
            }
            match parts.is_empty() {
                true => format!("USB device {}", n + 1),
                false => format!("USB device {}: {}", n + 1, parts.join(", ")),
            }
        }
        HostdevSource::Pci { address, .. } => {
            let at = address.as_ref().map(|a| {
                let part = |v: &Option<String>| v.as_deref().unwrap_or("?").to_string();
                format!(
                    "{}:{}:{}.{}",
                    part(&a.domain),
                    part(&a.bus),
                    part(&a.slot),
                    part(&a.function)
                )
            });
            match at {
                Some(at) => format!("PCI device {}: {at}", n + 1),
                None => format!("PCI device {}", n + 1),
            }
        }
        HostdevSource::Other { hostdev_type } => format!(
            "Host device {}: {} (kept as is)",
            n + 1,
            hostdev_type.as_deref().unwrap_or("no type")
        ),
    }
}

fn usb_id(h: &Hostdev, vendor_id: bool) -> Option<String> {
    match &h.source {
        HostdevSource::Usb {
            vendor, product, ..
        } => {
            if vendor_id {
                vendor.clone()
            } else {
                product.clone()
            }
        }
        HostdevSource::Pci { .. } | HostdevSource::Other { .. } => None,
    }
}

/// One of the four numbers of a PCI device's host address (0 domain, 1 bus, 2 slot, 3
/// function).
fn pci_part(h: &Hostdev, part: usize) -> Option<String> {
    match &h.source {
        HostdevSource::Pci {
            address: Some(a), ..
        } => [&a.domain, &a.bus, &a.slot, &a.function]
            .get(part)
            .and_then(|v| (*v).clone()),
        _ => None,
    }
}

fn set_pci_part(h: &mut Hostdev, part: usize, v: Option<String>) {
    if let HostdevSource::Pci { address, .. } = &mut h.source {
        let a = address.get_or_insert_with(PciAddress::default);
        if let Some(slot) = [&mut a.domain, &mut a.bus, &mut a.slot, &mut a.function]
            .into_iter()
            .nth(part)
        {
            *slot = v;
        }
    }
}

fn is_pci(d: &Domain, n: usize) -> bool {
    hostdev(d, n).is_some_and(|h| matches!(h.source, HostdevSource::Pci { .. }))
}

fn is_usb_or_pci(d: &Domain, n: usize) -> bool {
    is_usb(d, n) || is_pci(d, n)
}

fn set_usb_id(h: &mut Hostdev, vendor_id: bool, v: Option<String>) {
    if let HostdevSource::Usb {
        vendor, product, ..
    } = &mut h.source
    {
        if vendor_id {
            *vendor = v
        } else {
            *product = v
        }
    }
}

fn usb_address(h: &Hostdev, bus: bool) -> Option<String> {
    match &h.source {
        HostdevSource::Usb {
            address: Some(a), ..
        } => {
            if bus {
                a.bus.clone()
            } else {
                a.device.clone()
            }
        }
        _ => None,
    }
}

/// Sets the host bus or device number; `<address>` goes when nothing is left in it.
fn set_usb_address(h: &mut Hostdev, bus: bool, v: Option<String>) {
    if let HostdevSource::Usb { address, .. } = &mut h.source {
        let a = address.get_or_insert_with(UsbAddress::default);
        if bus {
            a.bus = v
        } else {
            a.device = v
        }
        if a.bus.is_none() && a.device.is_none() && a.extra.is_empty() {
            *address = None;
        }
    }
}

fn is_usb(d: &Domain, n: usize) -> bool {
    hostdev(d, n).is_some_and(|h| matches!(h.source, HostdevSource::Usb { .. }))
}

fn edit(d: &mut Domain, n: usize, f: impl FnOnce(&mut Hostdev)) {
    if let Some(h) = hostdev_mut(d, n) {
        f(h)
    }
}

const USB: Field = Field {
    since: "after 0.4.4",
    show: Some(is_usb),
    ..FIELD
};

const PCI: Field = Field {
    since: "0.4.4",
    show: Some(is_pci),
    ..FIELD
};

static FIELDS: [Field; 9] = [
    Field {
        label: "Vendor id",
        at: At::Rel("/source/vendor"),
        control: Control::Text("0x1234"),
        get: |d, n| usb_id(hostdev(d, n)?, true),
        set: |d, n, v| edit(d, n, |h| set_usb_id(h, true, v)),
        help: "The USB vendor id. Write it in hexadecimal with 0x, as lsusb shows it; decimal and 0-led octal are read too.",
        ..USB
    },
    Field {
        label: "Product id",
        at: At::Rel("/source/product"),
        control: Control::Text("0xbeef"),
        get: |d, n| usb_id(hostdev(d, n)?, false),
        set: |d, n, v| edit(d, n, |h| set_usb_id(h, false, v)),
        help: "The USB product id, in the same forms as the vendor id.",
        ..USB
    },
    Field {
        label: "Host bus",
        at: At::Rel("/source/address/@bus"),
        control: Control::Text("1"),
        get: |d, n| usb_address(hostdev(d, n)?, true),
        set: |d, n, v| edit(d, n, |h| set_usb_address(h, true, v)),
        help: "The USB bus the device appears at on the host, in decimal, hexadecimal (0x) or octal (leading 0).",
        ..USB
    },
    Field {
        label: "Host device number",
        at: At::Rel("/source/address/@device"),
        control: Control::Text("3"),
        get: |d, n| usb_address(hostdev(d, n)?, false),
        set: |d, n, v| edit(d, n, |h| set_usb_address(h, false, v)),
        help: "The device number on that bus, in the same forms.",
        ..USB
    },
    Field {
        label: "Managed",
        at: At::Rel("/@managed"),
        control: Control::Check,
        get: |d, n| (hostdev(d, n)?.managed == Some(true)).then(|| "yes".into()),
        set: |d, n, v| edit(d, n, |h| h.managed = v.map(|_| true)),
        help: "libvirt detaches the device from its host driver before the guest starts and gives it back afterwards. It matters for PCI devices; USB devices are passed through as they are.",
        since: "",
        show: Some(is_usb_or_pci),
    },
    Field {
        label: "PCI domain",
        at: At::Rel("/source/address/@domain"),
        control: Control::Text("0x0000"),
        get: |d, n| pci_part(hostdev(d, n)?, 0),
        set: |d, n, v| edit(d, n, |h| set_pci_part(h, 0, v)),
        help: "The first part of the address lspci -D prints (0000:03:00.0), with 0x: usually 0x0000.",
        ..PCI
    },
    Field {
        label: "PCI bus",
        at: At::Rel("/source/address/@bus"),
        control: Control::Text("0x03"),
        get: |d, n| pci_part(hostdev(d, n)?, 1),
        set: |d, n, v| edit(d, n, |h| set_pci_part(h, 1, v)),
        help: "The bus, the second part of 0000:03:00.0, in hexadecimal with 0x (at most 0xff).",
        ..PCI
    },
    Field {
        label: "PCI slot",
        at: At::Rel("/source/address/@slot"),
        control: Control::Text("0x00"),
        get: |d, n| pci_part(hostdev(d, n)?, 2),
        set: |d, n, v| edit(d, n, |h| set_pci_part(h, 2, v)),
        help: "The slot, the third part of 0000:03:00.0 (at most 0x1f).",
        ..PCI
    },
    Field {
        label: "PCI function",
        at: At::Rel("/source/address/@function"),
        control: Control::Text("0x0"),
        get: |d, n| pci_part(hostdev(d, n)?, 3),
        set: |d, n, v| edit(d, n, |h| set_pci_part(h, 3, v)),
        help: "The function, after the dot in 0000:03:00.0 (0 to 7). A GPU's audio function is a separate device: add it too.",
        ..PCI
    },
];

static HOSTDEV: DeviceKind = DeviceKind {
    name: KIND,
    what: "host device",
    slot: 0,
    title: |d, n| hostdev(d, n).map(|h| title(h, n)).unwrap_or_default(),
    fields: &FIELDS,
    note: |d, n| {
        match &hostdev(d, n)?.source {
        HostdevSource::Usb { .. } | HostdevSource::Pci { .. } => None,
        HostdevSource::Other { hostdev_type: Some(t) } => Some(format!("Type '{t}' is kept as is: vmxml models USB host devices, so this device is written back exactly as it was.")),
        HostdevSource::Other { hostdev_type: None } => Some("This host device has no type; it is kept as written.".into()),
    }
    },
    kept: |d, n| {
        let h = hostdev(d, n)?;
        (!matches!(
            h.source,
            HostdevSource::Usb { .. } | HostdevSource::Pci { .. }
        ))
        .then(|| element_text(&h.write()))
    },
};

static ADDS: [Add; 2] = [
    Add {
        label: "Add USB device",
        testid: "add-usb",
        add: |d| {
            let x = new_usb(d);
            d.devices_mut().add(Device::Hostdev(x));
        },
    },
    Add {
        label: "Add PCI device",
        testid: "add-pci",
        add: |d| {
            let x = new_pci(d);
            d.devices_mut().add(Device::Hostdev(x));
        },
    },
];

/// What "Add PCI device" adds: the first bus from 0000:03:00.0 up that no PCI hostdev
/// uses yet, to replace with what lspci -D shows.
pub(super) fn new_pci(d: &Domain) -> Hostdev {
    let used: Vec<[u64; 4]> = d
        .devices
        .iter()
        .flat_map(|x| x.list.iter())
        .filter_map(|dev| match dev {
            Device::Hostdev(Hostdev {
                source:
                    HostdevSource::Pci {
                        address: Some(a), ..
                    },
                ..
            }) => a.numbers(),
            _ => None,
        })
        .collect();
    let bus = (3u64..0xff)
        .find(|b| !used.contains(&[0, *b, 0, 0]))
        .unwrap_or(3);
    let address = PciAddress::from_lspci(&format!("0000:{bus:02x}:00.0")).unwrap_or_default();
    Hostdev::pci(address)
}

#[component]
pub fn HostDevices() -> impl IntoView {
    let studio = use_studio();
    let kept = Memo::new(move |_| studio.domain.with(|d| device_count(d, "redirdev") > 0));
    let others = Memo::new(move |_| {
        studio.domain.with(|d| {
            d.devices
                .iter()
                .flat_map(|x| x.list.iter())
                .any(|dev| shown_read_only(dev) && !LISTED_ELSEWHERE.contains(&dev.element_name()))
        })
    });
    view! {
        <Group title="USB and PCI devices" intro="Devices of the host can be passed through to the guest. Pick a USB device by its vendor and product ids, or by its bus and device numbers on the host (lsusb shows both); a PCI device (a GPU, a NIC, an NVMe drive) by the address lspci -D shows. PCI passthrough needs the IOMMU turned on in the host's firmware and kernel.">
            <DeviceList kind=&HOSTDEV adds=&ADDS />
        </Group>
        {move || kept.get().then(|| view! {
            <Group title="Kept as is" intro="USB redirection the wizard has no fields for yet. It stays in the design unchanged.">
                <KeptDevices name="redirdev" label="Redirected device" />
            </Group>
        })}
        {move || others.get().then(|| view! {
            <Group title="Other devices kept as is" intro="Devices the wizard has no fields for and no page above lists (memory balloon, random number generator, watchdog, TPM, ...). They stay in the design unchanged.">
                <KeptOthers shown=LISTED_ELSEWHERE />
            </Group>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmxml_core::devices::CharKind;

    fn problems(d: &Domain) -> Vec<String> {
        vmxml_core::validate(d)
            .into_iter()
            .filter(|x| x.severity != vmxml_core::Severity::Info)
            .map(|x| format!("{} {} {}", x.code, x.path, x.message))
            .collect()
    }

    #[test]
    fn added_usb_devices_are_distinct_and_valid() {
        let mut d = Domain::default();
        for _ in 0..3 {
            let h = new_usb(&d);
            d.devices_mut().add(Device::Hostdev(h));
        }
        let titles: Vec<String> = (0..3)
            .filter_map(|n| hostdev(&d, n).map(|h| title(h, n)))
            .collect();
        assert_eq!(
            titles,
            [
                "USB device 1: 0x1234:0xbeef",
                "USB device 2: 0x1234:0xbef0",
                "USB device 3: 0x1234:0xbef1"
            ]
        );
        assert_eq!(problems(&d), Vec::<String>::new());
        if let Some(h) = hostdev_mut(&mut d, 0) {
            set_usb_address(h, true, Some("1".into()));
            set_usb_address(h, false, Some("3".into()));
            set_usb_address(h, true, None);
            set_usb_address(h, false, None);
            assert!(matches!(
                &h.source,
                HostdevSource::Usb { address: None, .. }
            ));
        }
    }

    /// One of every device the wizard's add buttons make, in one design: what the browser
    /// test downloads and hands to libvirt.
    #[test]
    fn a_design_with_every_added_device_has_no_errors_or_warnings() {
        use super::super::{consoles, display, network, storage};
        let mut d = Domain::default();
        let disk = storage::new_disk(&d);
        d.devices_mut().add(Device::Disk(disk));
        let cdrom = storage::new_cdrom(&d);
        d.devices_mut().add(Device::Disk(cdrom));
        let nic = network::new_interface(&d);
        d.devices_mut().add(Device::Interface(nic));
        let g = display::new_graphics(&d);
        d.devices_mut().add(Device::Graphics(g));
        let i = display::new_input(&d);
        d.devices_mut().add(Device::Input(i));
        for kind in [CharKind::Serial, CharKind::Console, CharKind::Parallel] {
            let c = consoles::new_char(&d, kind);
            d.devices_mut().add(Device::Char(c));
        }
        let u = new_usb(&d);
        d.devices_mut().add(Device::Hostdev(u));
        assert_eq!(problems(&d), Vec::<String>::new());
        let xml = vmxml_core::write(&d);
        for part in [
            "<target dev='vdb' bus='virtio'/>",
            "<disk type='file' device='cdrom'>",
            "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>",
            "<input type='tablet' bus='usb'/>",
            "<serial type='pty'>",
            "<console type='pty'>",
            "<parallel type='pty'>",
            "<vendor id='0x1234'/>",
        ] {
            assert!(xml.contains(part), "{part} in {xml}");
        }
        // The wizard's design reads back as the same model.
        let back = vmxml_core::check(&xml);
        assert!(!back.has_errors(), "{:?}", back.diagnostics);
        assert_eq!(
            back.domain.map(|b| vmxml_core::write(&b)),
            Some(xml.clone())
        );
        // The saved draft (that XML) restores the same model; only the order between kinds
        // becomes libvirt's, which no page shows.
        let restored = vmxml_core::read(&xml).expect("the draft reads back");
        let by_kind = |d: &Domain| {
            let mut list = d
                .devices
                .as_ref()
                .map(|x| x.list.clone())
                .unwrap_or_default();
            list.sort_by_key(|x| x.element_name().to_string());
            list
        };
        assert_eq!(by_kind(&restored), by_kind(&d));
        d.devices = None;
        let mut rest = restored;
        rest.devices = None;
        assert_eq!(rest, d);
    }
}
