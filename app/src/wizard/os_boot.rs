//! OS and boot: guest OS type, BIOS boot order and loader, direct kernel boot, host
//! bootloader, device model emulator.

use leptos::prelude::*;
use vmxml_core::node::step;
use vmxml_core::os::{Boot, BootDevice, Loader, Os, OsKind, OsType};
use vmxml_core::Domain;

use super::Group;
use crate::fields::{at, field_id, Select};
use crate::form::{fields, At, Control, Field, FIELD};
use crate::state::use_studio;

fn os_mut(d: &mut Domain) -> &mut Os {
    d.os.get_or_insert_with(Os::default)
}

fn os_type_mut(d: &mut Domain) -> &mut OsType {
    os_mut(d).os_type.get_or_insert_with(|| OsType {
        kind: OsKind::Hvm,
        arch: None,
        machine: None,
        extra: Default::default(),
    })
}

const BOOT_DEVICES: [(&str, &str); 4] = [
    ("hd", "Hard disk"),
    ("cdrom", "CD-ROM"),
    ("network", "Network (PXE)"),
    ("fd", "Floppy"),
];

#[component]
fn BootRow(i: usize, count: Signal<usize>) -> impl IntoView {
    let studio = use_studio();
    let path =
        Signal::derive(move || format!("/domain/os/{}/@dev", step("boot", i + 1, count.get())));
    let value = Signal::derive(move || {
        studio.domain.with(|d| {
            d.os.as_ref()
                .and_then(|o| o.boot.get(i))
                .map(|b| b.dev.as_str().to_string())
                .unwrap_or_default()
        })
    });
    let set = Callback::new(move |v: String| {
        studio.edit(|d| {
            if let Some(b) = os_mut(d).boot.get_mut(i) {
                b.dev = BootDevice::parse(&v)
            }
        })
    });
    let id = Signal::derive(move || field_id(&path.get()));
    let up = move |_: leptos::ev::MouseEvent| {
        studio.edit(|d| os_mut(d).boot.swap(i.saturating_sub(1), i))
    };
    let down = move |_: leptos::ev::MouseEvent| {
        studio.edit(|d| {
            let b = &mut os_mut(d).boot;
            if i + 1 < b.len() {
                b.swap(i, i + 1)
            }
        })
    };
    let remove = move |_: leptos::ev::MouseEvent| {
        studio.edit(|d| {
            let b = &mut os_mut(d).boot;
            if i < b.len() {
                b.remove(i);
            }
        })
    };
    view! {
        <li class="list__row">
            <span class="list__index">{i + 1}</span>
            <Select id path options=BOOT_DEVICES.to_vec() value on_change=set label="Boot device" />
            <button type="button" class="button button--icon" aria-label="Move up" disabled=i == 0 on:click=up>"↑"</button>
            <button type="button" class="button button--icon" aria-label="Move down" disabled=move || { i + 1 >= count.get() } on:click=down>"↓"</button>
            <button type="button" class="button button--icon button--danger" aria-label="Remove boot device" on:click=remove>"✕"</button>
        </li>
    }
}

const OS_TYPES: [(&str, &str); 6] = [
    (
        "hvm",
        "hvm: fully virtualized (an OS made for real hardware)",
    ),
    ("linux", "linux: Xen paravirtualized (2008 spelling)"),
    ("xen", "xen: Xen paravirtualized"),
    ("xenpvh", "xenpvh: Xen PVH"),
    ("exe", "exe: container (LXC, OpenVZ)"),
    ("uml", "uml: User-mode Linux"),
];

fn os_type(d: &Domain) -> Option<&OsType> {
    d.os.as_ref()?.os_type.as_ref()
}

static GUEST_OS: [Field; 3] = [
    Field {
        label: "OS type",
        at: At::Rel("/domain/os/type"),
        control: Control::Select(&OS_TYPES),
        get: |d, _| os_type(d).map(|t| t.kind.as_str().to_string()),
        set: |d, _, v| os_type_mut(d).kind = OsKind::parse(v.as_deref().unwrap_or("hvm")),
        help: "hvm is an OS designed to run on bare metal, which needs full virtualization; linux (badly named) is a Xen 3 paravirtualized guest.",
        since: "0.0.1",
        ..FIELD
    },
    Field {
        label: "Architecture",
        at: At::Rel("/domain/os/type/@arch"),
        control: Control::Text("x86_64"),
        get: |d, _| os_type(d)?.arch.clone(),
        set: |d, _, v| os_type_mut(d).arch = v,
        help: "The CPU architecture to virtualize; the host's capabilities XML lists the allowed values.",
        since: "0.0.1",
        ..FIELD
    },
    Field {
        label: "Machine type",
        at: At::Rel("/domain/os/type/@machine"),
        control: Control::Text("q35"),
        get: |d, _| os_type(d)?.machine.clone(),
        set: |d, _, v| os_type_mut(d).machine = v,
        help: "The emulated machine, such as q35 or pc for x86 KVM guests.",
        since: "0.0.1",
        ..FIELD
    },
];

static LOADER: [Field; 1] = [Field {
    label: "Loader",
    at: At::Rel("/domain/os/loader"),
    control: Control::Text("/usr/lib/xen/boot/hvmloader"),
    get: |d, _| d.os.as_ref()?.loader.as_ref().map(|l| l.path.clone()),
    set: |d, _, v| {
        let os = os_mut(d);
        match (v, os.loader.as_mut()) {
            (Some(p), Some(l)) => l.path = p,
            (Some(p), None) => os.loader = Some(Loader::new(p)),
            (None, _) => os.loader = None,
        }
    },
    help:
        "A firmware blob that helps create the domain; Xen fully virtualized guests need hvmloader.",
    since: "0.1.0",
    ..FIELD
}];

static KERNEL_BOOT: [Field; 3] = [
    Field {
        label: "Kernel",
        at: At::Rel("/domain/os/kernel"),
        control: Control::Text("/root/f8-i386-vmlinuz"),
        get: |d, _| d.os.as_ref()?.kernel.clone(),
        set: |d, _, v| os_mut(d).kernel = v,
        help: "Fully-qualified path to the kernel image in the host OS.",
        since: "0.0.1",
        ..FIELD
    },
    Field {
        label: "Initrd",
        at: At::Rel("/domain/os/initrd"),
        control: Control::Text("/root/f8-i386-initrd"),
        get: |d, _| d.os.as_ref()?.initrd.clone(),
        set: |d, _, v| os_mut(d).initrd = v,
        help: "Fully-qualified path to the (optional) ramdisk image in the host OS.",
        since: "0.0.1",
        ..FIELD
    },
    Field {
        label: "Kernel command line",
        at: At::Rel("/domain/os/cmdline"),
        control: Control::Text("console=ttyS0"),
        get: |d, _| d.os.as_ref()?.cmdline.clone(),
        set: |d, _, v| os_mut(d).cmdline = v,
        help: "Arguments passed to the kernel (or installer) at boot, such as an alternate console or a kickstart file.",
        since: "0.0.1",
        ..FIELD
    },
];

static HOST_BOOTLOADER: [Field; 2] = [
    Field {
        label: "Bootloader",
        at: At::Rel("/domain/bootloader"),
        control: Control::Text("/usr/bin/pygrub"),
        get: |d, _| d.bootloader.clone(),
        set: |d, _, v| d.bootloader = v,
        help: "Fully qualified path to the bootloader executable in the host OS.",
        since: "0.1.0",
        ..FIELD
    },
    Field {
        label: "Bootloader arguments",
        at: At::Rel("/domain/bootloader_args"),
        control: Control::Text("--append single"),
        get: |d, _| d.bootloader_args.clone(),
        set: |d, _, v| d.bootloader_args = v,
        help: "Command line arguments passed to the bootloader.",
        since: "0.2.3",
        ..FIELD
    },
];

static DEVICE_MODEL: [Field; 1] = [Field {
    label: "Emulator",
    at: At::Rel("/domain/devices/emulator"),
    control: Control::Text("/usr/bin/qemu-system-x86_64"),
    get: |d, _| d.devices.as_ref()?.emulator.clone(),
    set: |d, _, v| d.devices_mut().emulator = v,
    help: "Path of the device model emulator binary; the capabilities XML names the default for each domain type and architecture.",
    since: "0.1.3",
    ..FIELD
}];

#[component]
pub fn OsBoot() -> impl IntoView {
    let studio = use_studio();
    let root = at("");
    let boot_count = Memo::new(move |_| {
        studio
            .domain
            .with(|d| d.os.as_ref().map_or(0, |o| o.boot.len()))
    });
    let add_boot = move |_| {
        studio.edit(|d| {
            let boot = &mut os_mut(d).boot;
            let next = BOOT_DEVICES
                .iter()
                .map(|(v, _)| BootDevice::parse(v))
                .find(|b| !boot.iter().any(|x| x.dev == *b))
                .unwrap_or(BootDevice::Hd);
            boot.push(Boot::new(next));
        })
    };
    view! {
        <Group title="Guest OS">{fields(&GUEST_OS, root, 0)}</Group>
        <Group title="BIOS boot" intro="The firmware tries these devices in order.">
            {fields(&LOADER, root, 0)}
            <ol class="list" data-testid="boot-list">
                // Redrawn together when a device is added or removed: a short list.
                {move || (0..boot_count.get()).map(|i| view! { <BootRow i count=boot_count.into() /> }).collect_view()}
            </ol>
            <button type="button" class="button button--secondary" data-testid="add-boot" on:click=add_boot>"Add boot device"</button>
            <p class="field__help">"fd, hd, cdrom or network; repeat to set a priority list. " <span class="field__since">"libvirt 0.1.3"</span></p>
        </Group>
        <Group title="Direct kernel boot" intro="Boot a kernel and initrd stored on the host, for example to start an installer with its own command line.">
            {fields(&KERNEL_BOOT, root, 0)}
        </Group>
        <Group title="Host bootloader" intro="Paravirtualized guests (such as Xen with pygrub) are started by a bootloader that runs on the host.">
            {fields(&HOST_BOOTLOADER, root, 0)}
        </Group>
        <Group title="Device model">{fields(&DEVICE_MODEL, root, 0)}</Group>
    }
}
