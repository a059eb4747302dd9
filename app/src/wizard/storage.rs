//! Storage: hard drives, CD-ROMs and floppies (`<disk>`), the controllers they sit on, and
//! host directories shared with the guest (`<filesystem>`).

use leptos::prelude::*;
use vmxml_core::devices::controller::{Controller, ControllerModel, ControllerType};
use vmxml_core::devices::disk::drive_name;
use vmxml_core::devices::disk::{Disk, DiskBus, DiskDevice, DiskDriver, DiskSource, DiskTarget};
use vmxml_core::devices::filesystem::{Filesystem, FilesystemSource};
use vmxml_core::devices::Device;
use vmxml_core::memory::{MemoryAccessMode, MemoryBacking, MemorySourceType};
use vmxml_core::node::Extra;
use vmxml_core::os::OsKind;
use vmxml_core::{Domain, DomainType};

use super::{first_free, Group};
use crate::choices;
use crate::fields::{device_at, device_at_mut, device_count};
use crate::form::{never_kept, Add, At, Choices, Control, DeviceKind, DeviceList, Field, FIELD};

const KIND: &str = "disk";

const TYPES: Choices = choices![
    "file" => "file: an image file on the host",
    "block" => "block: a block device on the host",
];

const DEVICES: Choices = choices![
    "disk" => "disk: a hard drive",
    "cdrom" => "cdrom: a CD/DVD drive",
    "floppy" => "floppy: a floppy drive",
    "lun" => "lun: SCSI LUN passthrough",
];

const BUSES: Choices = choices![
    "" => "(from the target name)",
    "virtio" => "virtio: paravirtualized",
    "sata" => "sata",
    "scsi" => "scsi",
    "ide" => "ide",
    "usb" => "usb",
    "xen" => "xen: Xen paravirtualized",
    "fdc" => "fdc: floppy controller",
    "sd" => "sd: SD card",
];

const DRIVER_NAMES: Choices = choices![
    "" => "(the hypervisor's default)",
    "qemu" => "qemu: QEMU/KVM",
    "tap" => "tap: Xen blktap",
    "tap2" => "tap2: Xen blktap2",
    "phy" => "phy: Xen, a host device",
    "file" => "file: Xen, a loopback file",
];

const DRIVER_TYPES: Choices = choices![
    "" => "(not set)",
    "raw" => "raw",
    "qcow2" => "qcow2",
    "qed" => "qed",
    "vmdk" => "vmdk",
    "vdi" => "vdi",
    "vpc" => "vpc",
    "vhdx" => "vhdx",
    "bochs" => "bochs",
    "aio" => "aio (Xen tap)",
];

fn disk(d: &Domain, n: usize) -> Option<&Disk> {
    match device_at(d, KIND, n) {
        Some(Device::Disk(x)) => Some(x),
        _ => None,
    }
}

fn disk_mut(d: &mut Domain, n: usize) -> Option<&mut Disk> {
    match device_at_mut(d, KIND, n) {
        Some(Device::Disk(x)) => Some(x),
        _ => None,
    }
}

fn target_mut(x: &mut Disk) -> &mut DiskTarget {
    x.target.get_or_insert_with(|| DiskTarget {
        dev: String::new(),
        bus: None,
        extra: Extra::default(),
    })
}

fn used_targets(d: &Domain) -> Vec<String> {
    d.devices.as_ref().map_or(Vec::new(), |x| {
        x.disks()
            .filter_map(|disk| disk.target.as_ref().map(|t| t.dev.clone()))
            .collect()
    })
}

/// The first name with `prefix`, in the order of `indices`, that no disk uses yet.
fn free_target(d: &Domain, prefix: &str, indices: &[usize]) -> Option<String> {
    let used = used_targets(d);
    indices
        .iter()
        .map(|i| drive_name(prefix, *i))
        .find(|name| !used.contains(name))
}

fn any_free_target(d: &Domain, prefix: &str) -> String {
    let all: Vec<usize> = (0..26 * 27).collect();
    free_target(d, prefix, &all).unwrap_or_else(|| drive_name(prefix, 0))
}

fn is_xen(d: &Domain) -> bool {
    matches!(d.domain_type, DomainType::Xen)
}

/// A Xen paravirtualized guest: only Xen's own disk bus.
fn is_xen_pv(d: &Domain) -> bool {
    is_xen(d)
        && d.os
            .as_ref()
            .and_then(|o| o.os_type.as_ref())
            .is_some_and(|t| matches!(t.kind, OsKind::Linux | OsKind::Xen | OsKind::Xenpvh))
}

/// The bus for a new CD-ROM: IDE where the machine has one (Xen HVM, QEMU's `pc`), SATA on
/// modern x86 machines (q35, or no machine named), SCSI on other architectures.
fn cdrom_bus(d: &Domain) -> DiskBus {
    if is_xen_pv(d) {
        return DiskBus::Xen;
    }
    if is_xen(d) {
        return DiskBus::Ide;
    }
    let os_type = d.os.as_ref().and_then(|o| o.os_type.as_ref());
    let arch = os_type.and_then(|t| t.arch.as_deref());
    if arch.is_some_and(|a| !matches!(a, "x86_64" | "i686" | "i386")) {
        return DiskBus::Scsi;
    }
    match os_type.and_then(|t| t.machine.as_deref()) {
        Some(m) if !m.contains("q35") && (m.starts_with("pc") || m == "isapc") => DiskBus::Ide,
        _ => DiskBus::Sata,
    }
}

/// A target on `bus` that is free, for a device of kind `device`.
fn target_for(d: &Domain, bus: &DiskBus) -> DiskTarget {
    let dev = match bus {
        // IDE has four drives; a CD-ROM conventionally sits at hdc.
        DiskBus::Ide => free_target(d, "hd", &[2, 3, 0, 1]),
        DiskBus::Fdc => free_target(d, "fd", &[0, 1]),
        _ => None,
    };
    let (dev, bus) = match (dev, bus) {
        (Some(dev), bus) => (dev, bus.clone()),
        // The IDE or floppy drives are all taken: SATA has room.
        (None, DiskBus::Ide | DiskBus::Fdc) => (any_free_target(d, "sd"), DiskBus::Sata),
        (None, DiskBus::Xen) => (any_free_target(d, "xvd"), DiskBus::Xen),
        (None, DiskBus::Virtio) => (any_free_target(d, "vd"), DiskBus::Virtio),
        (None, bus) => (any_free_target(d, "sd"), bus.clone()),
    };
    DiskTarget {
        dev,
        bus: Some(bus),
        extra: Extra::default(),
    }
}

/// The guest's name as it may appear in a file name.
fn file_stem(d: &Domain) -> String {
    let name: String = d
        .name
        .as_deref()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if name.is_empty() || name.starts_with('.') {
        "guest".to_string()
    } else {
        name
    }
}

/// What "Add disk" adds: a qcow2 image on the next free virtio target (Xen: xvd).
pub(super) fn new_disk(d: &Domain) -> Disk {
    let prefix = if is_xen(d) { "xvd" } else { "vd" };
    let dev = any_free_target(d, prefix);
    let path = format!("/var/lib/libvirt/images/{}-{dev}.qcow2", file_stem(d));
    Disk::new_file(&path, &dev)
}

/// What "Add CD-ROM" adds: an empty read-only drive on the machine's CD-ROM bus.
pub(super) fn new_cdrom(d: &Domain) -> Disk {
    let driver = (!is_xen(d)).then(|| DiskDriver {
        name: Some("qemu".into()),
        driver_type: Some("raw".into()),
        ..Default::default()
    });
    Disk {
        source: DiskSource::File {
            file: None,
            extra: Extra::default(),
        },
        device: Some(DiskDevice::Cdrom),
        driver,
        target: Some(target_for(d, &cdrom_bus(d))),
        readonly: true,
        shareable: false,
        boot_order: None,
        extra: Extra::default(),
    }
}

/// Switches a disk between file and block, keeping its host path, target, driver and flags.
/// A type vmxml keeps as written is never changed.
pub(super) fn set_disk_type(x: &mut Disk, t: &str) {
    let (path, extra) = match &mut x.source {
        DiskSource::File { file, extra } => (file.take(), std::mem::take(extra)),
        DiskSource::Block { dev, extra } => (dev.take(), std::mem::take(extra)),
        DiskSource::Other { .. } => return,
    };
    x.source = match t {
        "block" => DiskSource::Block { dev: path, extra },
        _ => DiskSource::File { file: path, extra },
    };
}

/// Changes how the guest sees the disk. The target is kept unless its bus cannot carry the
/// new device (a floppy off the fdc bus, a CD-ROM on virtio), when a free one is picked.
pub(super) fn set_disk_device(d: &mut Domain, n: usize, value: &str) {
    let device = DiskDevice::parse(value);
    let Some(bus) = disk(d, n).map(Disk::effective_bus) else {
        return;
    };
    let new_bus = match (&device, bus) {
        (DiskDevice::Floppy, b) if b != Some(DiskBus::Fdc) => Some(DiskBus::Fdc),
        (DiskDevice::Cdrom, Some(DiskBus::Virtio)) => Some(cdrom_bus(d)),
        (DiskDevice::Cdrom | DiskDevice::Disk | DiskDevice::Lun, Some(DiskBus::Fdc)) => {
            Some(match device {
                DiskDevice::Cdrom => cdrom_bus(d),
                _ if is_xen(d) => DiskBus::Xen,
                _ => DiskBus::Virtio,
            })
        }
        _ => None,
    };
    let target = new_bus.map(|b| target_for(d, &b));
    let Some(x) = disk_mut(d, n) else { return };
    if device == DiskDevice::Cdrom {
        x.readonly = true;
    }
    x.device = Some(device);
    if let Some(t) = target {
        let old = target_mut(x);
        old.dev = t.dev;
        old.bus = t.bus;
    }
}

/// "Disk 2: vdb (virtio)".
fn title(x: &Disk, n: usize) -> String {
    let what = match x.device.as_ref().unwrap_or(&DiskDevice::Disk) {
        DiskDevice::Disk => "Disk",
        DiskDevice::Cdrom => "CD-ROM",
        DiskDevice::Floppy => "Floppy",
        DiskDevice::Lun => "LUN",
        DiskDevice::Other(_) => "Disk",
    };
    let dev = x
        .target
        .as_ref()
        .map(|t| t.dev.as_str())
        .filter(|d| !d.is_empty())
        .unwrap_or("no target");
    match x.effective_bus() {
        Some(b) => format!("{what} {}: {dev} ({b})", n + 1),
        None => format!("{what} {}: {dev}", n + 1),
    }
}

const TYPE: Field = Field {
    label: "Type",
    at: At::Rel("/@type"),
    control: Control::Select(TYPES),
    get: Some(|d, n| disk(d, n).map(|x| x.source.type_name().to_string())),
    set: Some(|d, n, v| {
        if let Some(x) = disk_mut(d, n) {
            set_disk_type(x, v.as_deref().unwrap_or("file"))
        }
    }),
    help: "Where the disk's data lives on the host: an image file, or a block device.",
    since: "0.0.3",
    show: Some(|d, n| disk(d, n).is_some_and(|x| !matches!(x.source, DiskSource::Other { .. }))),
};

const DEVICE: Field = Field {
    label: "Device",
    at: At::Rel("/@device"),
    control: Control::Select(DEVICES),
    get: Some(|d, n| disk(d, n)?.device.as_ref().map(|v| v.as_str().to_string())),
    set: Some(|d, n, v| set_disk_device(d, n, v.as_deref().unwrap_or("disk"))),
    help: "How the disk is shown to the guest. Without it libvirt reads disk.",
    since: "0.1.4; lun 0.9.10",
    ..FIELD
};

const FILE: Field = Field {
    label: "Image file",
    at: At::Rel("/source/@file"),
    control: Control::Text("/var/lib/libvirt/images/guest.qcow2"),
    help: "Fully-qualified path to the file holding the disk. Leave it empty for a drive with no medium in it.",
    since: "0.0.3",
    show: Some(|d, n| disk(d, n).is_some_and(|x| matches!(x.source, DiskSource::File { .. }))),
    ..FIELD
};

const BLOCK: Field = Field {
    label: "Host device",
    at: At::Rel("/source/@dev"),
    control: Control::Text("/dev/sdb"),
    help: "Path to the host device that serves as the disk, such as a partition or an LVM volume.",
    since: "0.0.3",
    show: Some(|d, n| disk(d, n).is_some_and(|x| matches!(x.source, DiskSource::Block { .. }))),
    ..FIELD
};

const TARGET: Field = Field {
    label: "Target device",
    at: At::Rel("/target/@dev"),
    control: Control::Text("vda"),
    help: "The logical device name in the guest, such as vda, sda, hdc or fda. Treat it as an ordering hint: the guest may name the disk differently.",
    since: "0.0.3",
    ..FIELD
};

const BUS: Field = Field {
    label: "Bus",
    at: At::Rel("/target/@bus"),
    control: Control::Select(BUSES),
    help: "The kind of disk device to emulate. Left out, libvirt infers it from the target name: sda is SCSI, vda virtio, hda IDE.",
    since: "0.4.3; usb after 0.4.4; sata 0.9.7; sd 1.1.2",
    ..FIELD
};

const DRIVER: Field = Field {
    label: "Driver",
    at: At::Rel("/driver/@name"),
    control: Control::Select(DRIVER_NAMES),
    help: "The backend driver, for hypervisors that have several: qemu for QEMU/KVM; tap, tap2, phy or file for Xen.",
    since: "0.1.8",
    ..FIELD
};

const DRIVER_TYPE: Field = Field {
    label: "Driver type",
    at: At::Rel("/driver/@type"),
    control: Control::Select(DRIVER_TYPES),
    help: "The driver's sub-type: the image format for qemu (raw, qcow2), aio for Xen's tap.",
    since: "0.1.8",
    ..FIELD
};

const CACHES: Choices = choices![
    "" => "(the hypervisor's default)",
    "none" => "none: no host cache (recommended for local images)",
    "writeback" => "writeback: host cache, flushes honoured",
    "writethrough" => "writethrough: host cache for reads only",
    "directsync" => "directsync: no host cache, every write synced",
    "unsafe" => "unsafe: ignores flushes (scratch disks only)",
    "default" => "default",
];

const IO_MODES: Choices = choices![
    "" => "(the hypervisor's default)",
    "native" => "native: Linux AIO (with cache none)",
    "io_uring" => "io_uring",
    "threads" => "threads: a thread pool",
];

const DISCARDS: Choices = choices![
    "" => "(ignore, the default)",
    "unmap" => "unmap: the guest's TRIM frees space in the image",
    "ignore" => "ignore",
];

const CACHE: Field = Field {
    label: "Cache",
    at: At::Rel("/driver/@cache"),
    control: Control::Select(CACHES),
    help: "How the host's page cache sits between the guest and the image. none bypasses it: the guest's own cache does the work and data survives a host crash.",
    since: "0.6.0; directsync 0.9.5; unsafe 0.9.7",
    ..FIELD
};

const IO: Field = Field {
    label: "I/O mode",
    at: At::Rel("/driver/@io"),
    control: Control::Select(IO_MODES),
    help: "How QEMU submits I/O to the host. native needs cache none or directsync.",
    since: "0.8.8; io_uring 6.3.0",
    ..FIELD
};

const DISCARD: Field = Field {
    label: "Discard",
    at: At::Rel("/driver/@discard"),
    control: Control::Select(DISCARDS),
    help: "Whether the guest's discard (TRIM) requests are passed to the image, so a thin qcow2 shrinks back.",
    since: "1.0.6",
    ..FIELD
};

const DISK_BOOT: Field = Field {
    label: "Boot order",
    at: At::Rel("/boot/@order"),
    control: Control::Number(Some(1), Some(999)),
    help: "This disk's place in the boot order, 1 first. Per-device boot order replaces the boot devices of the OS page: use one or the other.",
    since: "0.8.8",
    ..FIELD
};

const READONLY: Field = Field {
    label: "Read-only",
    at: At::Rel("/readonly"),
    control: Control::Check,
    help: "The guest cannot modify the device; CD-ROMs are read-only anyway.",
    since: "",
    ..FIELD
};

const SHAREABLE: Field = Field {
    label: "Shareable",
    at: At::Rel("/shareable"),
    control: Control::Check,
    help: "The device is shared between domains, so caching is turned off for it.",
    since: "",
    ..FIELD
};

pub(crate) static FIELDS: [Field; 14] = [
    TYPE,
    DEVICE,
    FILE,
    BLOCK,
    TARGET,
    BUS,
    DRIVER,
    DRIVER_TYPE,
    CACHE,
    IO,
    DISCARD,
    DISK_BOOT,
    READONLY,
    SHAREABLE,
];

pub(crate) static DISK: DeviceKind = DeviceKind {
    name: KIND,
    what: "disk",
    slot: 0,
    title: |d, n| disk(d, n).map(|x| title(x, n)).unwrap_or_default(),
    fields: &FIELDS,
    note: |d, n| {
        match &disk(d, n)?.source {
        DiskSource::Other { disk_type } => Some(format!("Type '{disk_type}' is kept as is: vmxml models file and block disks, so this disk's source is written back exactly as it was.")),
        _ => None,
    }
    },
    kept: never_kept,
};

static ADDS: [Add; 2] = [
    Add {
        label: "Add disk",
        testid: "add-disk",
        add: |d| {
            let x = new_disk(d);
            d.devices_mut().add(Device::Disk(x));
        },
    },
    Add {
        label: "Add CD-ROM",
        testid: "add-cdrom",
        add: |d| {
            let x = new_cdrom(d);
            d.devices_mut().add(Device::Disk(x));
        },
    },
];

device_access!(
    controller,
    controller_mut,
    "controller",
    Controller,
    Controller
);
device_access!(
    filesystem,
    filesystem_mut,
    "filesystem",
    Filesystem,
    Filesystem
);

const CONTROLLER_TYPES: Choices = choices![
    "usb" => "usb",
    "scsi" => "scsi",
    "pci" => "pci",
    "virtio-serial" => "virtio-serial",
    "ide" => "ide",
    "sata" => "sata",
    "fdc" => "fdc: floppy",
    "ccid" => "ccid: smartcard",
    "xenbus" => "xenbus",
    "isa" => "isa",
];

const CONTROLLER_MODELS: Choices = choices![
    "qemu-xhci" => "qemu-xhci (USB 3)",
    "nec-xhci" => "nec-xhci (USB 3)",
    "ich9-ehci1" => "ich9-ehci1 (USB 2)",
    "ich9-uhci1" => "ich9-uhci1",
    "ich9-uhci2" => "ich9-uhci2",
    "ich9-uhci3" => "ich9-uhci3",
    "piix3-uhci" => "piix3-uhci",
    "piix4-uhci" => "piix4-uhci",
    "ehci" => "ehci",
    "vt82c686b-uhci" => "vt82c686b-uhci",
    "pci-ohci" => "pci-ohci",
    "qusb1" => "qusb1",
    "qusb2" => "qusb2",
    "none" => "none (no USB bus)",
    "virtio-scsi" => "virtio-scsi",
    "lsilogic" => "lsilogic",
    "lsisas1068" => "lsisas1068",
    "lsisas1078" => "lsisas1078",
    "buslogic" => "buslogic",
    "vmpvscsi" => "vmpvscsi",
    "ibmvscsi" => "ibmvscsi",
    "ncr53c90" => "ncr53c90",
    "dc390" => "dc390",
    "am53c974" => "am53c974",
    "auto" => "auto",
    "virtio" => "virtio",
    "virtio-transitional" => "virtio-transitional",
    "virtio-non-transitional" => "virtio-non-transitional",
    "pcie-root" => "pcie-root",
    "pci-root" => "pci-root",
    "pcie-root-port" => "pcie-root-port",
    "pci-bridge" => "pci-bridge",
    "dmi-to-pci-bridge" => "dmi-to-pci-bridge",
    "pcie-to-pci-bridge" => "pcie-to-pci-bridge",
    "pcie-switch-upstream-port" => "pcie-switch-upstream-port",
    "pcie-switch-downstream-port" => "pcie-switch-downstream-port",
    "pci-expander-bus" => "pci-expander-bus",
    "pcie-expander-bus" => "pcie-expander-bus",
    "piix3" => "piix3",
    "piix4" => "piix4",
    "ich6" => "ich6",
];

const FS_TYPES: Choices = choices![
    "mount" => "mount: a host directory",
    "block" => "block: a host block device",
    "file" => "file: an image file",
    "template" => "template: an OpenVZ template",
    "ram" => "ram: a RAM disk",
    "bind" => "bind: a directory bound inside the container",
];

const FS_ACCESS: Choices = choices![
    "passthrough" => "passthrough: as the user QEMU runs as",
    "mapped" => "mapped: guest owners kept in extended attributes",
    "squash" => "squash: passthrough, ignoring ownership failures",
];

const FS_DRIVERS: Choices = choices![
    "virtiofs" => "virtiofs: fast, needs shared memory",
    "path" => "path: 9p from a directory",
    "handle" => "handle: 9p by file handles",
    "loop" => "loop: image through a loop device (LXC)",
    "nbd" => "nbd: image through qemu-nbd (LXC)",
    "ploop" => "ploop: OpenVZ image",
];

fn edit_controller(d: &mut Domain, n: usize, f: impl FnOnce(&mut Controller)) {
    if let Some(c) = controller_mut(d, n) {
        f(c)
    }
}

pub(crate) static CONTROLLER_FIELDS: [Field; 4] = [
    Field {
        label: "Controller type",
        at: At::Rel("/@type"),
        control: Control::Select(CONTROLLER_TYPES),
        get: Some(|d, n| Some(controller(d, n)?.controller_type.as_ref()?.as_str().to_string())),
        set: Some(|d, n, v| edit_controller(d, n, |c| {
            c.controller_type = v.map(|v| ControllerType::parse(&v));
            c.model = None;
        })),
        help: "The bus the controller provides. Changing it clears the model, as models belong to one type.",
        ..FIELD
    },
    Field {
        label: "Controller model",
        at: At::Rel("/@model"),
        control: Control::Select(CONTROLLER_MODELS),
        help: "The emulated chip: qemu-xhci for USB 3, virtio-scsi for SCSI disks, pcie-root-port for PCIe slots. Empty: libvirt picks one.",
        ..FIELD
    },
    Field {
        label: "Index",
        at: At::Rel("/@index"),
        control: Control::Number(Some(0), None),
        help: "The controller's number among those of its type, which device addresses refer to (bus or controller=).",
        ..FIELD
    },
    Field {
        label: "Ports",
        at: At::Rel("/@ports"),
        control: Control::Number(Some(1), None),
        help: "How many devices the controller takes: ports of a virtio-serial or USB 3 controller.",
        ..FIELD
    },
];

pub(crate) static CONTROLLER_KIND: DeviceKind = DeviceKind {
    name: "controller",
    what: "controller",
    slot: 0,
    title: |d, n| match controller(d, n) {
        Some(c) => {
            let ty = c.controller_type.as_ref().map_or("no type", |t| t.as_str());
            match &c.model {
                Some(m) => format!("Controller {}: {ty} ({m})", n + 1),
                None => format!("Controller {}: {ty}", n + 1),
            }
        }
        None => format!("Controller {}", n + 1),
    },
    fields: &CONTROLLER_FIELDS,
    note: |_, _| None,
    kept: never_kept,
};

/// A controller of `ty`, under the first index no controller of that type uses.
pub(super) fn new_controller(d: &Domain, ty: ControllerType, model: ControllerModel) -> Controller {
    let used: Vec<u32> = (0..device_count(d, "controller"))
        .filter_map(|n| controller(d, n))
        .filter(|c| c.controller_type.as_ref() == Some(&ty))
        .filter_map(|c| c.index)
        .collect();
    Controller::new(ty, Some(first_free(&used, 0)), Some(model))
}

pub(super) static ADD_CONTROLLER: [Add; 2] = [
    Add {
        label: "Add USB 3 controller",
        testid: "add-controller",
        add: |d| {
            let c = new_controller(d, ControllerType::Usb, ControllerModel::QemuXhci);
            d.devices_mut().add(Device::Controller(c));
        },
    },
    Add {
        label: "Add SCSI controller",
        testid: "add-scsi-controller",
        add: |d| {
            let c = new_controller(d, ControllerType::Scsi, ControllerModel::VirtioScsi);
            d.devices_mut().add(Device::Controller(c));
        },
    },
];

fn edit_fs(d: &mut Domain, n: usize, f: impl FnOnce(&mut Filesystem)) {
    if let Some(x) = filesystem_mut(d, n) {
        f(x)
    }
}

/// The attribute of `<source>` that holds the filesystem's source, and its value.
fn fs_source(s: &FilesystemSource) -> Option<(&'static str, &Option<String>)> {
    match s {
        FilesystemSource::Mount { dir, .. } | FilesystemSource::Bind { dir, .. } => {
            Some(("dir", dir))
        }
        FilesystemSource::Block { dev, .. } => Some(("dev", dev)),
        FilesystemSource::File { file, .. } => Some(("file", file)),
        FilesystemSource::Template { name, .. } => Some(("name", name)),
        FilesystemSource::Ram { .. } | FilesystemSource::Other { .. } => None,
    }
}

fn fs_source_mut(s: &mut FilesystemSource) -> Option<&mut Option<String>> {
    match s {
        FilesystemSource::Mount { dir, .. } | FilesystemSource::Bind { dir, .. } => Some(dir),
        FilesystemSource::Block { dev, .. } => Some(dev),
        FilesystemSource::File { file, .. } => Some(file),
        FilesystemSource::Template { name, .. } => Some(name),
        FilesystemSource::Ram { .. } | FilesystemSource::Other { .. } => None,
    }
}

/// An empty source of a type; the value typed for the old type moves over when both have one.
fn fs_source_of(ty: &str, value: Option<String>) -> FilesystemSource {
    let extra = Extra::default();
    match ty {
        "block" => FilesystemSource::Block { dev: value, extra },
        "file" => FilesystemSource::File { file: value, extra },
        "template" => FilesystemSource::Template { name: value, extra },
        "ram" => FilesystemSource::Ram { usage: None, extra },
        "bind" => FilesystemSource::Bind { dir: value, extra },
        _ => FilesystemSource::Mount { dir: value, extra },
    }
}

pub(crate) static FS_FIELDS: [Field; 6] = [
    Field {
        label: "Filesystem type",
        at: At::Rel("/@type"),
        control: Control::Select(FS_TYPES),
        get: Some(|d, n| Some(filesystem(d, n)?.source.type_name().to_string())),
        set: Some(|d, n, v| edit_fs(d, n, |f| {
            let old = fs_source_mut(&mut f.source).and_then(|s| s.take());
            f.source = fs_source_of(v.as_deref().unwrap_or("mount"), old);
            f.type_implied = false;
        })),
        help: "What is shared: mount, a host directory, is what QEMU guests use.",
        since: "0.3.3",
        show: Some(|d, n| filesystem(d, n).is_some_and(|f| !matches!(f.source, FilesystemSource::Other { .. }))),
    },
    Field {
        label: "Driver",
        at: At::Rel("/driver/@type"),
        control: Control::Select(FS_DRIVERS),
        help: "virtiofs is fast and needs the guest's memory shared (memory backing on the CPU and memory page); path is 9p, slower, with no such need.",
        since: "virtiofs 6.2.0",
        ..FIELD
    },
    Field {
        label: "Access mode",
        at: At::Rel("/@accessmode"),
        control: Control::Select(FS_ACCESS),
        help: "Whose permissions the guest's file operations use on the host. virtiofs only has passthrough.",
        since: "0.8.5",
        ..FIELD
    },
    Field {
        label: "Source",
        at: At::Computed(|d, n| {
            let attr = filesystem(d, n).and_then(|f| fs_source(&f.source)).map_or("dir", |(a, _)| a);
            format!("/source/@{attr}")
        }),
        control: Control::Text("/srv/share"),
        get: Some(|d, n| fs_source(&filesystem(d, n)?.source)?.1.clone()),
        set: Some(|d, n, v| edit_fs(d, n, |f| {
            if let Some(s) = fs_source_mut(&mut f.source) {
                *s = v
            }
        })),
        help: "The host directory to share (or the device, image file or template name for those types).",
        since: "0.3.3",
        show: Some(|d, n| filesystem(d, n).is_some_and(|f| fs_source(&f.source).is_some())),
    },
    Field {
        label: "Target",
        at: At::Rel("/target/@dir"),
        control: Control::Text("share"),
        help: "For QEMU guests a mount tag: the guest runs mount -t virtiofs share /mnt (or -t 9p). For containers, the path inside.",
        since: "0.3.3",
        ..FIELD
    },
    Field {
        label: "Read-only",
        at: At::Rel("/readonly"),
        control: Control::Check,
        help: "The guest can read the share but not write to it.",
        ..FIELD
    },
];

pub(crate) static FS_KIND: DeviceKind = DeviceKind {
    name: "filesystem",
    what: "filesystem",
    slot: 0,
    title: |d, n| match filesystem(d, n).and_then(|f| f.target.as_deref()) {
        Some(t) => format!("Filesystem {}: {t}", n + 1),
        None => format!("Filesystem {}", n + 1),
    },
    fields: &FS_FIELDS,
    note: |d, n| match &filesystem(d, n)?.source {
        FilesystemSource::Other { fs_type } => Some(format!(
            "Type '{fs_type}' is kept as is: its source is written back exactly as it was."
        )),
        _ => None,
    },
    kept: never_kept,
};

/// A host directory shared through virtiofs under a fresh tag; the guest's memory is made
/// shareable (memfd, shared) when it is not yet, as virtiofs needs.
pub(super) fn add_virtiofs(d: &mut Domain) {
    let used: Vec<String> = (0..device_count(d, "filesystem"))
        .filter_map(|n| filesystem(d, n)?.target.clone())
        .collect();
    let tag = (1..u32::MAX)
        .map(|i| {
            if i == 1 {
                "share".to_string()
            } else {
                format!("share{i}")
            }
        })
        .find(|t| !used.contains(t))
        .unwrap_or_else(|| "share".into());
    let m = d.memory_backing.get_or_insert_with(MemoryBacking::default);
    if m.access.is_none() {
        m.access = Some(MemoryAccessMode::Shared);
        if m.source.is_none() {
            m.source = Some(MemorySourceType::Memfd);
        }
    }
    d.devices_mut()
        .add(Device::Filesystem(Filesystem::virtiofs("/srv/share", tag)));
}

pub(super) static ADD_FS: [Add; 1] = [Add {
    label: "Add shared directory (virtiofs)",
    testid: "add-filesystem",
    add: add_virtiofs,
}];

#[component]
pub fn Storage() -> impl IntoView {
    view! {
        <Group title="Disks" intro="Anything that looks like a disk to the guest: hard drives, CD-ROMs and floppies. The order among disks is the order libvirt writes them.">
            <DeviceList kind=&DISK adds=&ADDS />
        </Group>
        <Group title="Controllers" intro="The buses disks and other devices sit on. libvirt adds the ones a guest needs; add one to choose its model (virtio-scsi for many SCSI disks, qemu-xhci for USB 3).">
            <DeviceList kind=&CONTROLLER_KIND adds=&ADD_CONTROLLER />
        </Group>
        <Group title="Shared directories" intro="A host directory the guest mounts. virtiofs is the fast way for Linux guests (and Windows with WinFsp); it needs shared guest memory, which adding one sets up.">
            <DeviceList kind=&FS_KIND adds=&ADD_FS />
        </Group>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmxml_core::devices::filesystem::{FsAccessMode, FsDriverType};

    fn errors(d: &Domain) -> Vec<String> {
        vmxml_core::validate(d)
            .into_iter()
            .filter(|x| x.is_error())
            .map(|x| format!("{} {} {}", x.code, x.path, x.message))
            .collect()
    }

    fn add(d: &mut Domain, x: Disk) {
        d.devices_mut().add(Device::Disk(x));
    }

    #[test]
    fn drive_names() {
        assert_eq!(drive_name("vd", 0), "vda");
        assert_eq!(drive_name("vd", 25), "vdz");
        assert_eq!(drive_name("vd", 26), "vdaa");
        assert_eq!(drive_name("sd", 27), "sdab");
    }

    #[test]
    fn added_disks_take_free_targets_and_are_valid() {
        let mut d = Domain::default();
        let x = new_disk(&d);
        assert_eq!(x.target.as_ref().map(|t| t.dev.as_str()), Some("vdb"));
        assert_eq!(
            x.source.path(),
            Some("/var/lib/libvirt/images/guest-vdb.qcow2")
        );
        add(&mut d, x);
        let x = new_disk(&d);
        add(&mut d, x);
        let c = new_cdrom(&d);
        // No machine named: a modern x86 machine, so SATA.
        assert_eq!(c.target.as_ref().map(|t| t.dev.as_str()), Some("sda"));
        assert_eq!(
            c.target.as_ref().and_then(|t| t.bus.clone()),
            Some(DiskBus::Sata)
        );
        add(&mut d, c);
        let x = new_cdrom(&d);
        add(&mut d, x);
        assert_eq!(errors(&d), Vec::<String>::new());
        let targets = used_targets(&d);
        assert_eq!(targets, ["vda", "vdb", "vdc", "sda", "sdb"]);
    }

    #[test]
    fn cdrom_on_pc_machine_is_ide_hdc() {
        let mut d = Domain::default();
        if let Some(t) = d.os.as_mut().and_then(|o| o.os_type.as_mut()) {
            t.machine = Some("pc".into());
        }
        let c = new_cdrom(&d);
        assert_eq!(c.target.as_ref().map(|t| t.dev.as_str()), Some("hdc"));
        add(&mut d, c);
        let c = new_cdrom(&d);
        assert_eq!(c.target.as_ref().map(|t| t.dev.as_str()), Some("hdd"));
        add(&mut d, c);
        assert_eq!(errors(&d), Vec::<String>::new());
    }

    #[test]
    fn type_switch_keeps_target_and_path() {
        let mut x = Disk::new_file("/a.img", "vdb");
        set_disk_type(&mut x, "block");
        assert_eq!(x.source.type_name(), "block");
        assert_eq!(x.source.path(), Some("/a.img"));
        assert_eq!(x.target.as_ref().map(|t| t.dev.as_str()), Some("vdb"));
        set_disk_type(&mut x, "file");
        assert_eq!(x.source.type_name(), "file");
        let mut kept = Disk {
            source: DiskSource::Other {
                disk_type: "network".into(),
            },
            ..Disk::new_file("/a.img", "vdc")
        };
        set_disk_type(&mut kept, "file");
        assert_eq!(kept.source.type_name(), "network");
    }

    #[test]
    fn device_switch_moves_off_an_incompatible_bus() {
        let mut d = Domain::default();
        set_disk_device(&mut d, 0, "floppy");
        let x = disk(&d, 0).cloned();
        let t = x.as_ref().and_then(|x| x.target.clone());
        assert_eq!(t.as_ref().map(|t| t.dev.as_str()), Some("fda"));
        assert_eq!(errors(&d), Vec::<String>::new());
        set_disk_device(&mut d, 0, "disk");
        let t = disk(&d, 0).and_then(|x| x.target.clone());
        assert_eq!(t.as_ref().map(|t| t.dev.as_str()), Some("vda"));
        set_disk_device(&mut d, 0, "cdrom");
        assert!(disk(&d, 0).is_some_and(|x| x.readonly));
        assert_eq!(errors(&d), Vec::<String>::new());
    }

    #[test]
    fn controller_and_filesystem_choices_are_cores() {
        fn values(o: &crate::form::Choices) -> Vec<&'static str> {
            o.values().collect()
        }
        assert_eq!(values(&CONTROLLER_TYPES), ControllerType::known());
        assert_eq!(values(&CONTROLLER_MODELS), ControllerModel::known());
        assert_eq!(values(&FS_ACCESS), FsAccessMode::known());
        assert_eq!(values(&FS_DRIVERS), FsDriverType::known());
        for (ty, _) in FS_TYPES.iter() {
            assert_eq!(fs_source_of(ty, None).type_name(), ty);
        }
    }

    #[test]
    fn added_controllers_and_shares_are_distinct_and_valid() {
        let mut d = Domain::default();
        for _ in 0..2 {
            for a in ADD_CONTROLLER.iter().chain(ADD_FS.iter()) {
                (a.add)(&mut d);
            }
        }
        let indices: Vec<Option<u32>> = (0..4)
            .map(|n| controller(&d, n).and_then(|c| c.index))
            .collect();
        assert_eq!(indices, [Some(0), Some(0), Some(1), Some(1)]);
        let tags: Vec<Option<&str>> = (0..2)
            .map(|n| filesystem(&d, n).and_then(|f| f.target.as_deref()))
            .collect();
        assert_eq!(tags, [Some("share"), Some("share2")]);
        assert_eq!(errors(&d), Vec::<String>::new());
        let warnings: Vec<String> = vmxml_core::validate(&d)
            .into_iter()
            .filter(|x| x.severity == vmxml_core::Severity::Warning)
            .map(|x| format!("{} {}", x.code, x.path))
            .collect();
        assert_eq!(warnings, Vec::<String>::new());
        // Switching the type keeps the typed source where the new type has one.
        if let Some(f) = filesystem_mut(&mut d, 0) {
            let old = fs_source_mut(&mut f.source).and_then(|s| s.take());
            f.source = fs_source_of("bind", old);
            assert_eq!(
                fs_source(&f.source).map(|(a, v)| (a, v.clone())),
                Some(("dir", Some("/srv/share".to_string())))
            );
        }
    }
}
