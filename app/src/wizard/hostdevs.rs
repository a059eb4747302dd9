//! Host devices: USB devices of the host passed through to the guest (`<hostdev>`), and the
//! host devices vmxml keeps as written (PCI, SCSI, mediated devices, USB redirection).

use leptos::prelude::*;
use vmxml_core::devices::hostdev::{Hostdev, HostdevSource, UsbAddress};
use vmxml_core::devices::Device;
use vmxml_core::Domain;

use super::Group;
use crate::fields::{
    device_at, device_at_mut, device_count, device_path, device_text, edit_device, element_text,
    read_device, CardHead, CardMessages, CheckField, KeptDevices, KeptOthers, TextField,
};
use crate::state::{use_studio, Studio};

const KIND: &str = "hostdev";

/// Unmodelled devices the device pages list (storage, display, consoles, this page); the rest
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

const COVERED: &[&str] = &[
    "/@type",
    "/@mode",
    "/@managed",
    "/source/vendor",
    "/source/product",
    "/source/address/@bus",
    "/source/address/@device",
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
        HostdevSource::Other { hostdev_type } => format!(
            "Host device {}: {} (kept as is)",
            n + 1,
            hostdev_type.as_deref().unwrap_or("no type")
        ),
    }
}

fn read<T: Default>(studio: Studio, n: usize, f: impl FnOnce(&Hostdev) -> T) -> T {
    read_device(studio, n, hostdev, f)
}

fn edit(studio: Studio, n: usize, f: impl FnOnce(&mut Hostdev)) {
    edit_device(studio, n, hostdev_mut, f)
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
        HostdevSource::Other { .. } => None,
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

fn text(
    studio: Studio,
    n: usize,
    get: impl Fn(&Hostdev) -> Option<String> + Copy + Send + Sync + 'static,
    set: impl Fn(&mut Hostdev, Option<String>) + Copy + Send + Sync + 'static,
) -> (Signal<String>, Callback<String>) {
    device_text(studio, n, hostdev, hostdev_mut, get, set)
}

#[component]
fn UsbFields(n: usize, at: Callback<&'static str, Signal<String>>) -> impl IntoView {
    let studio = use_studio();
    let (vendor, set_vendor) = text(
        studio,
        n,
        |h| usb_id(h, true),
        |h, v| {
            if let HostdevSource::Usb { vendor, .. } = &mut h.source {
                *vendor = v
            }
        },
    );
    let (product, set_product) = text(
        studio,
        n,
        |h| usb_id(h, false),
        |h, v| {
            if let HostdevSource::Usb { product, .. } = &mut h.source {
                *product = v
            }
        },
    );
    let (bus, set_bus) = text(
        studio,
        n,
        |h| usb_address(h, true),
        |h, v| set_usb_address(h, true, v),
    );
    let (device, set_device) = text(
        studio,
        n,
        |h| usb_address(h, false),
        |h, v| set_usb_address(h, false, v),
    );
    view! {
        <p class="group__intro">"Pick the device by its vendor and product ids, or by its bus and device numbers on the host: lsusb shows both."</p>
        <TextField label="Vendor id" path=at.run("/source/vendor") value=vendor on_input=set_vendor placeholder="0x1234"
            help="The USB vendor id. Write it in hexadecimal with 0x, as lsusb shows it; decimal and 0-led octal are read too."
            since="after 0.4.4" />
        <TextField label="Product id" path=at.run("/source/product") value=product on_input=set_product placeholder="0xbeef"
            help="The USB product id, in the same forms as the vendor id."
            since="after 0.4.4" />
        <TextField label="Host bus" path=at.run("/source/address/@bus") value=bus on_input=set_bus placeholder="1"
            help="The USB bus the device appears at on the host, in decimal, hexadecimal (0x) or octal (leading 0)."
            since="after 0.4.4" />
        <TextField label="Host device number" path=at.run("/source/address/@device") value=device on_input=set_device placeholder="3"
            help="The device number on that bus, in the same forms."
            since="after 0.4.4" />
        <CheckField
            label="Managed"
            path=at.run("/@managed")
            value=Signal::derive(move || read(studio, n, |h| h.managed == Some(true)))
            on_change=Callback::new(move |on: bool| edit(studio, n, |h| h.managed = on.then_some(true)))
            help="libvirt detaches the device from its host driver before the guest starts and gives it back afterwards. It matters for PCI devices; USB devices are passed through as they are."
        />
    }
}

#[component]
fn HostdevCard(n: usize, count: Signal<usize>) -> impl IntoView {
    let studio = use_studio();
    let base = Signal::derive(move || device_path(KIND, n, count.get()));
    let at = Callback::new(move |suffix: &'static str| {
        Signal::derive(move || format!("{}{suffix}", base.get()))
    });
    let usb =
        Memo::new(move |_| read(studio, n, |h| matches!(h.source, HostdevSource::Usb { .. })));
    let heading = Signal::derive(move || read(studio, n, |h| title(h, n)));
    let body = move || {
        if usb.get() {
            view! {
                <UsbFields n at />
                <CardMessages path=base covered=COVERED />
            }
            .into_any()
        } else {
            let t = read(studio, n, |h| h.source.type_name().map(str::to_string));
            let note = match t {
                Some(t) => format!("Type '{t}' is kept as is: vmxml models USB host devices, so this device is written back exactly as it was."),
                None => "This host device has no type; it is kept as written.".to_string(),
            };
            let xml = move || read(studio, n, |h| element_text(&h.write()));
            view! {
                <p class="kept">{note}</p>
                <pre class="code kept">{xml}</pre>
                <CardMessages path=base covered=&[] />
            }
            .into_any()
        }
    };
    view! {
        <article class="card" data-testid="hostdev-card" data-path=move || base.get()>
            <CardHead name=KIND what="host device" n count title=heading />
            {body}
        </article>
    }
}

#[component]
pub fn HostDevices() -> impl IntoView {
    let studio = use_studio();
    let count = Memo::new(move |_| studio.domain.with(|d| device_count(d, KIND)));
    let indices = move || (0..count.get()).collect::<Vec<usize>>();
    let add = move |_| {
        studio.edit(|d| {
            let x = new_usb(d);
            d.devices_mut().add(Device::Hostdev(x));
        })
    };
    let kept = Memo::new(move |_| studio.domain.with(|d| device_count(d, "redirdev") > 0));
    let others = Memo::new(move |_| {
        studio.domain.with(|d| {
            d.devices.iter().flat_map(|x| x.list.iter()).any(|dev| {
                matches!(dev, Device::Unmodelled { .. })
                    && !LISTED_ELSEWHERE.contains(&dev.element_name())
            })
        })
    });
    view! {
        <Group title="USB devices" intro="USB devices attached to the host can be passed through to the guest. For USB, mode is always subsystem and type is usb.">
            <For each=indices key=|i| *i let:i>
                <HostdevCard n=i count=count.into() />
            </For>
            <div class="actions">
                <button type="button" class="button button--secondary" data-testid="add-usb" on:click=add>"Add USB device"</button>
            </div>
        </Group>
        {move || kept.get().then(|| view! {
            <Group title="Kept as is" intro="USB redirection vmxml does not model. It stays in the design unchanged.">
                <KeptDevices name="redirdev" label="Redirected device" />
            </Group>
        })}
        {move || others.get().then(|| view! {
            <Group title="Other devices kept as is" intro="Devices vmxml does not model and no page above lists (memory balloon, random number generator, watchdog, TPM, ...). They stay in the design unchanged.">
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
