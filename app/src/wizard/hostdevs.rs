//! Host devices: USB and PCI devices of the host passed through to the guest (`<hostdev>`),
//! USB redirection, TPM, RNG, memory balloon, watchdog and panic notifier, and the devices
//! the wizard keeps as written.

use leptos::prelude::*;
use vmxml_core::devices::hostdev::{Hostdev, HostdevSource, PciAddress};
use vmxml_core::devices::memballoon::{Memballoon, MemballoonModel};
use vmxml_core::devices::panic::{Panic, PanicModel};
use vmxml_core::devices::redirdev::Redirdev;
use vmxml_core::devices::rng::{Rng, RngBackendModel};
use vmxml_core::devices::tpm::{Tpm, TpmBackendType, TpmModel};
use vmxml_core::devices::watchdog::{Watchdog, WatchdogAction, WatchdogModel};
use vmxml_core::devices::Device;
use vmxml_core::Domain;

use super::Group;
use crate::choices;
use crate::fields::{device_at, device_at_mut, element_text, shown_read_only, KeptOthers};
use crate::form::{never_kept, Add, At, Choices, Control, DeviceKind, DeviceList, Field, FIELD};
use crate::state::use_studio;

const KIND: &str = "hostdev";

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

pub(crate) static FIELDS: [Field; 9] = [
    Field {
        label: "Vendor id",
        at: At::Rel("/source/vendor"),
        control: Control::Text("0x1234"),
        get: Some(|d, n| usb_id(hostdev(d, n)?, true)),
        set: Some(|d, n, v| edit(d, n, |h| set_usb_id(h, true, v))),
        help: "The USB vendor id. Write it in hexadecimal with 0x, as lsusb shows it; decimal and 0-led octal are read too.",
        ..USB
    },
    Field {
        label: "Product id",
        at: At::Rel("/source/product"),
        control: Control::Text("0xbeef"),
        get: Some(|d, n| usb_id(hostdev(d, n)?, false)),
        set: Some(|d, n, v| edit(d, n, |h| set_usb_id(h, false, v))),
        help: "The USB product id, in the same forms as the vendor id.",
        ..USB
    },
    Field {
        label: "Host bus",
        at: At::Rel("/source/address/@bus"),
        control: Control::Text("1"),
        help: "The USB bus the device appears at on the host, in decimal, hexadecimal (0x) or octal (leading 0).",
        ..USB
    },
    Field {
        label: "Host device number",
        at: At::Rel("/source/address/@device"),
        control: Control::Text("3"),
        help: "The device number on that bus, in the same forms.",
        ..USB
    },
    Field {
        label: "Managed",
        at: At::Rel("/@managed"),
        control: Control::Check,
        get: Some(|d, n| (hostdev(d, n)?.managed == Some(true)).then(|| "yes".into())),
        set: Some(|d, n, v| edit(d, n, |h| h.managed = v.map(|_| true))),
        help: "libvirt detaches the device from its host driver before the guest starts and gives it back afterwards. It matters for PCI devices; USB devices are passed through as they are.",
        since: "",
        show: Some(is_usb_or_pci),
    },
    Field {
        label: "PCI domain",
        at: At::Rel("/source/address/@domain"),
        control: Control::Text("0x0000"),
        help: "The first part of the address lspci -D prints (0000:03:00.0), with 0x: usually 0x0000.",
        ..PCI
    },
    Field {
        label: "PCI bus",
        at: At::Rel("/source/address/@bus"),
        control: Control::Text("0x03"),
        help: "The bus, the second part of 0000:03:00.0, in hexadecimal with 0x (at most 0xff).",
        ..PCI
    },
    Field {
        label: "PCI slot",
        at: At::Rel("/source/address/@slot"),
        control: Control::Text("0x00"),
        help: "The slot, the third part of 0000:03:00.0 (at most 0x1f).",
        ..PCI
    },
    Field {
        label: "PCI function",
        at: At::Rel("/source/address/@function"),
        control: Control::Text("0x0"),
        help: "The function, after the dot in 0000:03:00.0 (0 to 7). A GPU's audio function is a separate device: add it too.",
        ..PCI
    },
];

pub(crate) static HOSTDEV: DeviceKind = DeviceKind {
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

device_access!(redirdev, "redirdev", Redirdev, Redirdev);
device_access!(tpm, "tpm", Tpm, Tpm);
device_access!(rng, "rng", Rng, Rng);
device_access!(memballoon, "memballoon", Memballoon, Memballoon);
device_access!(watchdog, "watchdog", Watchdog, Watchdog);
device_access!(panic_dev, "panic", Panic, Panic);

const REDIR_BUSES: Choices = choices![
    "usb" => "usb",
];
const REDIR_TYPES: Choices = choices![
    "spicevmc" => "spicevmc: over the SPICE connection",
    "tcp" => "tcp: a TCP server",
    "unix" => "unix: a UNIX socket",
];
const TPM_MODELS: Choices = choices![
    "tpm-tis" => "tpm-tis: the classic x86 interface",
    "tpm-crb" => "tpm-crb: TPM 2.0 command buffer (UEFI guests)",
    "tpm-spapr" => "tpm-spapr: PowerPC",
    "spapr-tpm-proxy" => "spapr-tpm-proxy: PowerPC proxy to the host's TPM",
];
const TPM_BACKENDS: Choices = choices![
    "emulator" => "emulator: swtpm, started by libvirt",
    "passthrough" => "passthrough: the host's own TPM",
    "external" => "external: a swtpm started by something else",
];
const TPM_VERSIONS: Choices = choices![
    "2.0" => "2.0",
    "1.2" => "1.2",
];
const RNG_MODELS: Choices = choices![
    "virtio" => "virtio",
    "virtio-transitional" => "virtio-transitional",
    "virtio-non-transitional" => "virtio-non-transitional",
];
const RNG_BACKENDS: Choices = choices![
    "random" => "random: a host device such as /dev/urandom",
    "egd" => "egd: an entropy daemon over a char device",
    "builtin" => "builtin: QEMU's own generator",
];
const BALLOON_MODELS: Choices = choices![
    "virtio" => "virtio",
    "virtio-transitional" => "virtio-transitional",
    "virtio-non-transitional" => "virtio-non-transitional",
    "xen" => "xen",
    "none" => "none: no balloon",
];
const WATCHDOG_MODELS: Choices = choices![
    "i6300esb" => "i6300esb: PCI, the usual choice",
    "ib700" => "ib700: ISA",
    "diag288" => "diag288: s390",
    "itco" => "itco: q35's built-in (libvirt after 9.0)",
];
const WATCHDOG_ACTIONS: Choices = choices![
    "reset" => "reset: reset the guest",
    "shutdown" => "shutdown: shut the guest down gracefully",
    "poweroff" => "poweroff: power the guest off",
    "pause" => "pause: pause the guest",
    "none" => "none: do nothing",
    "dump" => "dump: dump the guest's core",
    "inject-nmi" => "inject-nmi: send a non-maskable interrupt",
];
const PANIC_MODELS: Choices = choices![
    "isa" => "isa: pvpanic ISA device (x86)",
    "pseries" => "pseries: PowerPC firmware",
    "hyperv" => "hyperv: Hyper-V crash MSRs (Windows)",
    "s390" => "s390",
    "pvpanic" => "pvpanic: PCI device (libvirt after 9.0)",
];

/// A device's title: "TPM 1: tpm-crb", or "TPM 1" without a value.
fn titled(what: &str, n: usize, value: Option<&str>) -> String {
    match value.filter(|v| !v.is_empty()) {
        Some(v) => format!("{what} {}: {v}", n + 1),
        None => format!("{what} {}", n + 1),
    }
}

pub(crate) static REDIR_FIELDS: [Field; 2] = [
    Field {
        label: "Redirection bus",
        at: At::Rel("/@bus"),
        control: Control::Select(REDIR_BUSES),
        help: "The guest bus the redirected device appears on; libvirt only has usb.",
        since: "0.9.5",
        ..FIELD
    },
    Field {
        label: "Redirection type",
        at: At::Rel("/@type"),
        control: Control::Select(REDIR_TYPES),
        help: "spicevmc sends USB devices plugged into the SPICE client's machine to the guest; it needs a SPICE display.",
        since: "0.9.5",
        ..FIELD
    },
];

pub(crate) static REDIR_KIND: DeviceKind = DeviceKind {
    name: "redirdev",
    what: "redirected device",
    slot: 0,
    title: |d, n| {
        titled(
            "USB redirection",
            n,
            redirdev(d, n).map(|r| r.redir_type.as_str()),
        )
    },
    fields: &REDIR_FIELDS,
    note: |_, _| None,
    kept: never_kept,
};

pub(crate) static TPM_FIELDS: [Field; 3] = [
    Field {
        label: "TPM model",
        at: At::Rel("/@model"),
        control: Control::Select(TPM_MODELS),
        help: "The interface the guest sees: tpm-crb for TPM 2.0 UEFI guests (Windows 11), tpm-tis for TPM 1.2 or BIOS guests. Empty: tpm-tis.",
        since: "1.2.18; tpm-crb 4.1.0",
        ..FIELD
    },
    Field {
        label: "TPM backend",
        at: At::Rel("/backend/@type"),
        control: Control::Select(TPM_BACKENDS),
        help: "emulator runs swtpm for the guest, keeping its state with the domain; passthrough hands it the host's TPM.",
        since: "1.2.18; emulator 4.5.0",
        ..FIELD
    },
    Field {
        label: "TPM version",
        at: At::Rel("/backend/@version"),
        control: Control::Select(TPM_VERSIONS),
        help: "The TPM specification the emulator implements: 2.0 for Windows 11 and measured boot.",
        since: "",
        show: Some(|d, n| tpm(d, n).and_then(|t| t.backend.as_ref()).is_some_and(|b| b.backend_type != TpmBackendType::Passthrough)),
        ..FIELD
    },
];

pub(crate) static TPM_KIND: DeviceKind = DeviceKind {
    name: "tpm",
    what: "TPM",
    slot: 0,
    title: |d, n| {
        titled(
            "TPM",
            n,
            tpm(d, n).and_then(|t| t.model.as_ref()).map(|m| m.as_str()),
        )
    },
    fields: &TPM_FIELDS,
    note: |_, _| None,
    kept: never_kept,
};

pub(crate) static RNG_FIELDS: [Field; 3] = [
    Field {
        label: "RNG model",
        at: At::Rel("/@model"),
        control: Control::Select(RNG_MODELS),
        help: "A virtio RNG gives the guest entropy from the host, so it never waits for randomness at boot.",
        since: "1.3.4",
        ..FIELD
    },
    Field {
        label: "RNG backend",
        at: At::Rel("/backend/@model"),
        control: Control::Select(RNG_BACKENDS),
        help: "Where the entropy comes from on the host: random reads a device file.",
        since: "1.3.4; builtin 6.1.0",
        ..FIELD
    },
    Field {
        label: "Host device",
        at: At::Rel("/backend"),
        control: Control::Text("/dev/urandom"),
        help: "The file the random backend reads: /dev/urandom (or /dev/random, /dev/hwrng). Empty: /dev/random.",
        since: "1.3.4",
        show: Some(|d, n| rng(d, n).and_then(|r| r.backend.as_ref()).is_some_and(|b| b.model == RngBackendModel::Random)),
        ..FIELD
    },
];

pub(crate) static RNG_KIND: DeviceKind = DeviceKind {
    name: "rng",
    what: "random number generator",
    slot: 0,
    title: |d, n| {
        titled(
            "Random number generator",
            n,
            rng(d, n).map(|r| r.model.as_str()),
        )
    },
    fields: &RNG_FIELDS,
    note: |_, _| None,
    kept: never_kept,
};

pub(crate) static BALLOON_FIELDS: [Field; 3] = [
    Field {
        label: "Balloon model",
        at: At::Rel("/@model"),
        control: Control::Select(BALLOON_MODELS),
        help: "The balloon lets the host take memory back from a running guest (below the current memory) and reports memory statistics. none removes the one libvirt adds by default.",
        ..FIELD
    },
    Field {
        label: "Auto-deflate",
        at: At::Rel("/@autodeflate"),
        control: Control::Switch,
        help: "The balloon gives memory back before the guest runs out of it.",
        since: "1.3.1",
        ..FIELD
    },
    Field {
        label: "Free page reporting",
        at: At::Rel("/@freePageReporting"),
        control: Control::Switch,
        help: "The guest tells the host which pages it freed, so the host can reclaim them.",
        since: "6.9.0",
        ..FIELD
    },
];

pub(crate) static BALLOON_KIND: DeviceKind = DeviceKind {
    name: "memballoon",
    what: "memory balloon",
    slot: 0,
    title: |d, n| {
        titled(
            "Memory balloon",
            n,
            memballoon(d, n).map(|m| m.model.as_str()),
        )
    },
    fields: &BALLOON_FIELDS,
    note: |_, _| None,
    kept: never_kept,
};

pub(crate) static WATCHDOG_FIELDS: [Field; 2] = [
    Field {
        label: "Watchdog model",
        at: At::Rel("/@model"),
        control: Control::Select(WATCHDOG_MODELS),
        help: "A virtual watchdog card: if the guest's watchdog daemon stops petting it, the action below runs.",
        since: "0.7.3",
        ..FIELD
    },
    Field {
        label: "Watchdog action",
        at: At::Rel("/@action"),
        control: Control::Select(WATCHDOG_ACTIONS),
        help: "What happens when the guest hangs. Empty: reset.",
        since: "0.7.3",
        ..FIELD
    },
];

pub(crate) static WATCHDOG_KIND: DeviceKind = DeviceKind {
    name: "watchdog",
    what: "watchdog",
    slot: 0,
    title: |d, n| titled("Watchdog", n, watchdog(d, n).map(|w| w.model.as_str())),
    fields: &WATCHDOG_FIELDS,
    note: |_, _| None,
    kept: never_kept,
};

pub(crate) static PANIC_FIELDS: [Field; 1] = [Field {
    label: "Panic model",
    at: At::Rel("/@model"),
    control: Control::Select(PANIC_MODELS),
    help: "Lets the guest tell libvirt it crashed, so the on-crash action on the Features page runs. Empty: the architecture's own.",
    since: "1.2.1",
    ..FIELD
}];

pub(crate) static PANIC_KIND: DeviceKind = DeviceKind {
    name: "panic",
    what: "panic notifier",
    slot: 0,
    title: |d, n| {
        titled(
            "Panic notifier",
            n,
            panic_dev(d, n)
                .and_then(|p| p.model.as_ref())
                .map(|m| m.as_str()),
        )
    },
    fields: &PANIC_FIELDS,
    note: |_, _| None,
    kept: never_kept,
};

pub(super) static ADD_REDIR: [Add; 1] = [Add {
    label: "Add USB redirection",
    testid: "add-redirdev",
    add: |d| {
        d.devices_mut().add(Device::Redirdev(Redirdev::spice_usb()));
    },
}];

pub(super) static ADD_TPM: [Add; 1] = [Add {
    label: "Add TPM 2.0",
    testid: "add-tpm",
    add: |d| {
        d.devices_mut()
            .add(Device::Tpm(Tpm::emulated(TpmModel::TpmCrb)));
    },
}];

pub(super) static ADD_RNG: [Add; 1] = [Add {
    label: "Add random number generator",
    testid: "add-rng",
    add: |d| {
        d.devices_mut().add(Device::Rng(Rng::urandom()));
    },
}];

pub(super) static ADD_BALLOON: [Add; 1] = [Add {
    label: "Add memory balloon",
    testid: "add-memballoon",
    add: |d| {
        d.devices_mut()
            .add(Device::Memballoon(Memballoon::new(MemballoonModel::Virtio)));
    },
}];

pub(super) static ADD_WATCHDOG: [Add; 1] = [Add {
    label: "Add watchdog",
    testid: "add-watchdog",
    add: |d| {
        d.devices_mut().add(Device::Watchdog(Watchdog::new(
            WatchdogModel::I6300esb,
            Some(WatchdogAction::Reset),
        )));
    },
}];

pub(super) static ADD_PANIC: [Add; 1] = [Add {
    label: "Add panic notifier",
    testid: "add-panic",
    add: |d| {
        d.devices_mut()
            .add(Device::Panic(Panic::new(Some(PanicModel::Isa))));
    },
}];

#[component]
pub fn HostDevices() -> impl IntoView {
    let studio = use_studio();
    let others = Memo::new(move |_| {
        studio.domain.with(|d| {
            d.devices
                .iter()
                .flat_map(|x| x.list.iter())
                .any(shown_read_only)
        })
    });
    view! {
        <Group title="USB and PCI devices" intro="Devices of the host can be passed through to the guest. Pick a USB device by its vendor and product ids, or by its bus and device numbers on the host (lsusb shows both); a PCI device (a GPU, a NIC, an NVMe drive) by the address lspci -D shows. PCI passthrough needs the IOMMU turned on in the host's firmware and kernel.">
            <DeviceList kind=&HOSTDEV adds=&ADDS />
        </Group>
        <Group title="USB redirection" intro="USB devices plugged into the machine of the person viewing the guest over SPICE, sent to the guest. Add one per device to redirect at a time.">
            <DeviceList kind=&REDIR_KIND adds=&ADD_REDIR />
        </Group>
        <Group title="TPM" intro="A trusted platform module for measured boot, disk encryption keys and Windows 11.">
            <DeviceList kind=&TPM_KIND adds=&ADD_TPM />
        </Group>
        <Group title="Random number generator">
            <DeviceList kind=&RNG_KIND adds=&ADD_RNG />
        </Group>
        <Group title="Memory balloon" intro="QEMU guests get a virtio balloon unless one with model none is written.">
            <DeviceList kind=&BALLOON_KIND adds=&ADD_BALLOON />
        </Group>
        <Group title="Watchdog">
            <DeviceList kind=&WATCHDOG_KIND adds=&ADD_WATCHDOG />
        </Group>
        <Group title="Panic notifier">
            <DeviceList kind=&PANIC_KIND adds=&ADD_PANIC />
        </Group>
        {move || others.get().then(|| view! {
            <Group title="Other devices kept as is" intro="Devices the wizard has no fields for (smartcards, hubs, shared memory, vsock, ...). They stay in the design unchanged.">
                <KeptOthers />
            </Group>
        }.into_any())}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmxml_core::devices::redirdev::{RedirdevBus, RedirdevType};
    use vmxml_core::devices::rng::RngModel;
    use vmxml_core::devices::tpm::TpmVersion;
    use vmxml_core::devices::CharKind;

    use crate::wizard::test_support::problems_said as problems;

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
        // The address's parts are set and cleared by path, and it goes when both are clear.
        let field = |label: &str| FIELDS.iter().find(|f| f.label == label).expect("a field");
        let base = crate::fields::device_path(KIND, 0, 3);
        let set = |d: &mut Domain, label: &str, v: Option<&str>| {
            crate::form::set_field(field(label), d, &base, 0, v.map(str::to_string))
        };
        set(&mut d, "Host bus", Some("1"));
        set(&mut d, "Host device number", Some("3"));
        assert!(matches!(
            hostdev(&d, 0).map(|h| &h.source),
            Some(HostdevSource::Usb {
                address: Some(_),
                ..
            })
        ));
        set(&mut d, "Host bus", None);
        set(&mut d, "Host device number", None);
        assert!(matches!(
            hostdev(&d, 0).map(|h| &h.source),
            Some(HostdevSource::Usb { address: None, .. })
        ));
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

    #[test]
    fn host_device_choices_are_cores() {
        fn values(o: &crate::form::Choices) -> Vec<&'static str> {
            o.values().collect()
        }
        assert_eq!(values(&REDIR_BUSES), RedirdevBus::known());
        assert_eq!(values(&REDIR_TYPES), RedirdevType::known());
        assert_eq!(values(&TPM_MODELS), TpmModel::known());
        assert_eq!(values(&TPM_BACKENDS), TpmBackendType::known());
        assert_eq!(values(&TPM_VERSIONS), TpmVersion::known());
        assert_eq!(values(&RNG_MODELS), RngModel::known());
        assert_eq!(values(&RNG_BACKENDS), RngBackendModel::known());
        assert_eq!(values(&BALLOON_MODELS), MemballoonModel::known());
        assert_eq!(values(&WATCHDOG_MODELS), WatchdogModel::known());
        assert_eq!(values(&WATCHDOG_ACTIONS), WatchdogAction::known());
        assert_eq!(values(&PANIC_MODELS), PanicModel::known());
    }

    /// Every add button of the modern-guest devices, on a KVM guest with a SPICE display
    /// (USB redirection travels over it): no errors or warnings, and the XML reads back as
    /// the same design.
    #[test]
    fn every_new_add_button_makes_a_valid_device() {
        use super::super::{display, storage};
        use vmxml_core::devices::graphics::Graphics;
        let mut d = vmxml_core::check("<domain type='kvm'><name>g</name><memory unit='MiB'>1024</memory><vcpu>2</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>")
            .domain
            .expect("the base design reads");
        d.devices_mut()
            .add(Device::Graphics(Graphics::spice_auto()));
        let adds = [
            &display::ADD_VIDEO[..],
            &display::ADD_SOUND[..],
            &display::ADD_AUDIO[..],
            &storage::ADD_CONTROLLER[..],
            &storage::ADD_FS[..],
            &ADD_REDIR[..],
            &ADD_TPM[..],
            &ADD_RNG[..],
            &ADD_BALLOON[..],
            &ADD_WATCHDOG[..],
            &ADD_PANIC[..],
        ];
        for a in adds.iter().flat_map(|x| x.iter()) {
            (a.add)(&mut d);
        }
        assert_eq!(problems(&d), Vec::<String>::new());
        let xml = vmxml_core::write(&d);
        for part in [
            "<model type='virtio'/>",
            "<sound model='ich9'/>",
            "<audio id='1' type='none'/>",
            "<controller type='usb' index='0' model='qemu-xhci'/>",
            "<controller type='scsi' index='0' model='virtio-scsi'/>",
            "<driver type='virtiofs'/>",
            "<access mode='shared'/>",
            "<redirdev bus='usb' type='spicevmc'/>",
            "<tpm model='tpm-crb'>",
            "<backend type='emulator' version='2.0'/>",
            "<backend model='random'>/dev/urandom</backend>",
            "<memballoon model='virtio'/>",
            "<watchdog model='i6300esb' action='reset'/>",
            "<panic model='isa'/>",
        ] {
            assert!(xml.contains(part), "{part} in {xml}");
        }
        let back = vmxml_core::check(&xml);
        assert!(!back.has_errors(), "{:?}", back.diagnostics);
        assert_eq!(
            back.domain.map(|b| vmxml_core::write(&b)),
            Some(xml.clone())
        );
        // Each card has fields, so none is listed read-only.
        assert!(!d
            .devices
            .iter()
            .flat_map(|x| x.list.iter())
            .any(shown_read_only));
    }
}
