//! OS and boot: guest OS type, BIOS boot order and loader, direct kernel boot, host
//! bootloader, device model emulator.

use leptos::prelude::*;
use vmxml_core::node::step;
use vmxml_core::os::{Boot, BootDevice, Loader, Os, OsKind, OsType};
use vmxml_core::Domain;

use super::Group;
use crate::fields::{at, field_id, text_lens, Select, SelectField, TextField};
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

#[component]
pub fn OsBoot() -> impl IntoView {
    let studio = use_studio();
    let os = move |f: fn(&Os) -> Option<String>| move |d: &Domain| d.os.as_ref().and_then(f);
    let (arch, set_arch) = text_lens(
        |d| {
            d.os.as_ref()
                .and_then(|o| o.os_type.as_ref())
                .and_then(|t| t.arch.clone())
        },
        |d, v| os_type_mut(d).arch = v,
    );
    let (machine, set_machine) = text_lens(
        |d| {
            d.os.as_ref()
                .and_then(|o| o.os_type.as_ref())
                .and_then(|t| t.machine.clone())
        },
        |d, v| os_type_mut(d).machine = v,
    );
    let (loader, set_loader) =
        text_lens(os(|o| o.loader.as_ref().map(|l| l.path.clone())), |d, v| {
            let os = os_mut(d);
            match (v, os.loader.as_mut()) {
                (Some(p), Some(l)) => l.path = p,
                (Some(p), None) => {
                    os.loader = Some(Loader {
                        path: p,
                        extra: Default::default(),
                    })
                }
                (None, _) => os.loader = None,
            }
        });
    let (kernel, set_kernel) = text_lens(os(|o| o.kernel.clone()), |d, v| os_mut(d).kernel = v);
    let (initrd, set_initrd) = text_lens(os(|o| o.initrd.clone()), |d, v| os_mut(d).initrd = v);
    let (cmdline, set_cmdline) = text_lens(os(|o| o.cmdline.clone()), |d, v| os_mut(d).cmdline = v);
    let (bootloader, set_bootloader) = text_lens(|d| d.bootloader.clone(), |d, v| d.bootloader = v);
    let (bootloader_args, set_bootloader_args) =
        text_lens(|d| d.bootloader_args.clone(), |d, v| d.bootloader_args = v);
    let (emulator, set_emulator) = text_lens(
        |d| d.devices.as_ref().and_then(|x| x.emulator.clone()),
        |d, v| d.devices_mut().emulator = v,
    );
    let boot_count = move || {
        studio
            .domain
            .with(|d| d.os.as_ref().map_or(0, |o| o.boot.len()))
    };
    let boot_indices = move || (0..boot_count()).collect::<Vec<usize>>();
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
        <Group title="Guest OS">
            <SelectField
                label="OS type"
                path=at("/domain/os/type")
                options=vec![
                    ("hvm", "hvm: fully virtualized (an OS made for real hardware)"),
                    ("linux", "linux: Xen paravirtualized (2008 spelling)"),
                    ("xen", "xen: Xen paravirtualized"),
                    ("xenpvh", "xenpvh: Xen PVH"),
                    ("exe", "exe: container (LXC, OpenVZ)"),
                    ("uml", "uml: User-mode Linux"),
                ]
                value=Signal::derive(move || studio.domain.with(|d| d.os.as_ref().and_then(|o| o.os_type.as_ref()).map(|t| t.kind.as_str().to_string()).unwrap_or_default()))
                on_change=Callback::new(move |v: String| studio.edit(|d| os_type_mut(d).kind = OsKind::parse(&v)))
                help="hvm is an OS designed to run on bare metal, which needs full virtualization; linux (badly named) is a Xen 3 paravirtualized guest."
                since="0.0.1"
            />
            <TextField label="Architecture" path=at("/domain/os/type/@arch") value=arch on_input=set_arch placeholder="x86_64"
                help="The CPU architecture to virtualize; the host's capabilities XML lists the allowed values." since="0.0.1" />
            <TextField label="Machine type" path=at("/domain/os/type/@machine") value=machine on_input=set_machine placeholder="q35"
                help="The emulated machine, such as q35 or pc for x86 KVM guests." since="0.0.1" />
        </Group>
        <Group title="BIOS boot" intro="The firmware tries these devices in order.">
            <TextField label="Loader" path=at("/domain/os/loader") value=loader on_input=set_loader placeholder="/usr/lib/xen/boot/hvmloader"
                help="A firmware blob that helps create the domain; Xen fully virtualized guests need hvmloader." since="0.1.0" />
            <ol class="list" data-testid="boot-list">
                <For each=boot_indices key=|i| *i let:i>
                    <BootRow i count=Signal::derive(boot_count) />
                </For>
            </ol>
            <button type="button" class="button button--secondary" data-testid="add-boot" on:click=add_boot>"Add boot device"</button>
            <p class="field__help">"fd, hd, cdrom or network; repeat to set a priority list. " <span class="field__since">"libvirt 0.1.3"</span></p>
        </Group>
        <Group title="Direct kernel boot" intro="Boot a kernel and initrd stored on the host, for example to start an installer with its own command line.">
            <TextField label="Kernel" path=at("/domain/os/kernel") value=kernel on_input=set_kernel placeholder="/root/f8-i386-vmlinuz"
                help="Fully-qualified path to the kernel image in the host OS." since="0.0.1" />
            <TextField label="Initrd" path=at("/domain/os/initrd") value=initrd on_input=set_initrd placeholder="/root/f8-i386-initrd"
                help="Fully-qualified path to the (optional) ramdisk image in the host OS." since="0.0.1" />
            <TextField label="Kernel command line" path=at("/domain/os/cmdline") value=cmdline on_input=set_cmdline placeholder="console=ttyS0"
                help="Arguments passed to the kernel (or installer) at boot, such as an alternate console or a kickstart file." since="0.0.1" />
        </Group>
        <Group title="Host bootloader" intro="Paravirtualized guests (such as Xen with pygrub) are started by a bootloader that runs on the host.">
            <TextField label="Bootloader" path=at("/domain/bootloader") value=bootloader on_input=set_bootloader placeholder="/usr/bin/pygrub"
                help="Fully qualified path to the bootloader executable in the host OS." since="0.1.0" />
            <TextField label="Bootloader arguments" path=at("/domain/bootloader_args") value=bootloader_args on_input=set_bootloader_args placeholder="--append single"
                help="Command line arguments passed to the bootloader." since="0.2.3" />
        </Group>
        <Group title="Device model">
            <TextField label="Emulator" path=at("/domain/devices/emulator") value=emulator on_input=set_emulator placeholder="/usr/bin/qemu-system-x86_64"
                help="Path of the device model emulator binary; the capabilities XML names the default for each domain type and architecture." since="0.1.3" />
        </Group>
    }
}
