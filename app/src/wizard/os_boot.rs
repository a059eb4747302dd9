//! OS and boot: guest OS type, firmware (BIOS or UEFI, secure boot, loader, NVRAM, boot
//! menu), boot order, direct kernel boot, host bootloader, device model emulator.

use leptos::prelude::*;
use vmxml_core::node::step;
use vmxml_core::os::{
    Boot, BootDevice, BootMenu, Firmware, FirmwareFeature, FirmwareFeatureName, FirmwareFeatures,
    LoaderType, Nvram, Os,
};
use vmxml_core::Domain;

use super::{yes, Group};
use crate::choices;
use crate::fields::{at, field_id, Select};
use crate::form::{fields, At, Choices, Control, Field, FIELD};
use crate::state::use_studio;

fn os_mut(d: &mut Domain) -> &mut Os {
    d.os.get_or_insert_with(Os::default)
}

const BOOT_DEVICES: Choices = choices![
    "hd" => "Hard disk",
    "cdrom" => "CD-ROM",
    "network" => "Network (PXE)",
    "fd" => "Floppy",
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
            <Select id path options=BOOT_DEVICES value on_change=set label="Boot device" />
            <button type="button" class="button button--icon" aria-label="Move up" disabled=i == 0 on:click=up>"↑"</button>
            <button type="button" class="button button--icon" aria-label="Move down" disabled=move || { i + 1 >= count.get() } on:click=down>"↓"</button>
            <button type="button" class="button button--icon button--danger" aria-label="Remove boot device" on:click=remove>"✕"</button>
        </li>
    }
}

const OS_TYPES: Choices = choices![
    "hvm" => "hvm: fully virtualized (an OS made for real hardware)",
    "linux" => "linux: Xen paravirtualized (2008 spelling)",
    "xen" => "xen: Xen paravirtualized",
    "xenpvh" => "xenpvh: Xen PVH",
    "exe" => "exe: container (LXC, OpenVZ)",
    "uml" => "uml: User-mode Linux",
];

pub(crate) static GUEST_OS: [Field; 3] = [
    Field {
        label: "OS type",
        at: At::Rel("/domain/os/type"),
        control: Control::Select(OS_TYPES),
        help: "hvm is an OS designed to run on bare metal, which needs full virtualization; linux (badly named) is a Xen 3 paravirtualized guest.",
        since: "0.0.1",
        ..FIELD
    },
    Field {
        label: "Architecture",
        at: At::Rel("/domain/os/type/@arch"),
        control: Control::Text("x86_64"),
        help: "The CPU architecture to virtualize; the host's capabilities XML lists the allowed values.",
        since: "0.0.1",
        ..FIELD
    },
    Field {
        label: "Machine type",
        at: At::Rel("/domain/os/type/@machine"),
        control: Control::Text("q35"),
        help: "The emulated machine, such as q35 or pc for x86 KVM guests.",
        since: "0.0.1",
        ..FIELD
    },
];

pub(crate) static LOADER: [Field; 1] = [Field {
    label: "Loader",
    at: At::Rel("/domain/os/loader"),
    control: Control::Text("/usr/lib/xen/boot/hvmloader"),
    help:
        "A firmware blob that helps create the domain; Xen fully virtualized guests need hvmloader.",
    since: "0.1.0",
    ..FIELD
}];

pub(crate) static KERNEL_BOOT: [Field; 3] = [
    Field {
        label: "Kernel",
        at: At::Rel("/domain/os/kernel"),
        control: Control::Text("/root/f8-i386-vmlinuz"),
        help: "Fully-qualified path to the kernel image in the host OS.",
        since: "0.0.1",
        ..FIELD
    },
    Field {
        label: "Initrd",
        at: At::Rel("/domain/os/initrd"),
        control: Control::Text("/root/f8-i386-initrd"),
        help: "Fully-qualified path to the (optional) ramdisk image in the host OS.",
        since: "0.0.1",
        ..FIELD
    },
    Field {
        label: "Kernel command line",
        at: At::Rel("/domain/os/cmdline"),
        control: Control::Text("console=ttyS0"),
        help: "Arguments passed to the kernel (or installer) at boot, such as an alternate console or a kickstart file.",
        since: "0.0.1",
        ..FIELD
    },
];

pub(crate) static HOST_BOOTLOADER: [Field; 2] = [
    Field {
        label: "Bootloader",
        at: At::Rel("/domain/bootloader"),
        control: Control::Text("/usr/bin/pygrub"),
        help: "Fully qualified path to the bootloader executable in the host OS.",
        since: "0.1.0",
        ..FIELD
    },
    Field {
        label: "Bootloader arguments",
        at: At::Rel("/domain/bootloader_args"),
        control: Control::Text("--append single"),
        help: "Command line arguments passed to the bootloader.",
        since: "0.2.3",
        ..FIELD
    },
];

pub(crate) static DEVICE_MODEL: [Field; 1] = [Field {
    label: "Emulator",
    at: At::Rel("/domain/devices/emulator"),
    control: Control::Text("/usr/bin/qemu-system-x86_64"),
    get: Some(|d, _| d.devices.as_ref()?.emulator.clone()),
    set: Some(|d, _, v| d.devices_mut().emulator = v),
    help: "Path of the device model emulator binary; the capabilities XML names the default for each domain type and architecture.",
    since: "0.1.3",
    ..FIELD
}];

fn nvram(d: &Domain) -> Option<&Nvram> {
    d.os.as_ref()?.nvram.as_ref()
}

fn bootmenu(d: &Domain) -> Option<&BootMenu> {
    d.os.as_ref()?.bootmenu.as_ref()
}

/// Whether firmware auto-selection must offer secure boot with Microsoft's keys enrolled.
fn secure_boot(d: &Domain) -> bool {
    d.os.as_ref()
        .and_then(|o| o.firmware_features.as_ref())
        .is_some_and(|f| f.enabled(&FirmwareFeatureName::SecureBoot))
}

/// Asks for (or stops asking for) secure-boot and enrolled-keys; `<firmware>` goes when
/// nothing is left in it.
fn set_secure_boot(d: &mut Domain, on: bool) {
    let os = os_mut(d);
    let f = os
        .firmware_features
        .get_or_insert_with(FirmwareFeatures::default);
    let ours = [
        FirmwareFeatureName::SecureBoot,
        FirmwareFeatureName::EnrolledKeys,
    ];
    f.features.retain(|x| !ours.contains(&x.name));
    if on {
        for name in ours {
            f.features.push(FirmwareFeature {
                name,
                enabled: Some(true),
                extra: Default::default(),
            });
        }
    }
    if f.features.is_empty() && f.extra.is_empty() {
        os.firmware_features = None;
    }
}

const FIRMWARES: Choices = choices![
    "bios" => "bios: SeaBIOS",
    "efi" => "efi: UEFI (OVMF), picked by libvirt",
];

const LOADER_TYPES: Choices = choices![
    "rom" => "rom: read-only memory (SeaBIOS)",
    "pflash" => "pflash: flash, with an NVRAM variable store (OVMF)",
];

fn is_efi(d: &Domain, _: usize) -> bool {
    d.os.as_ref().is_some_and(|o| {
        o.firmware == Some(Firmware::Efi)
            || o.loader
                .as_ref()
                .is_some_and(|l| l.loader_type == Some(LoaderType::Pflash))
    }) || secure_boot(d)
        || nvram(d).is_some()
}

pub(crate) static FIRMWARE: [Field; 7] = [
    Field {
        label: "Firmware",
        at: At::Rel("/domain/os/@firmware"),
        control: Control::Select(FIRMWARES),
        help: "libvirt picks a firmware image of this kind from the host's descriptors, so no loader path is needed. UEFI is what Windows 11 and modern Linux installs expect. Empty: the hypervisor's default (BIOS on x86).",
        since: "5.2.0",
        ..FIELD
    },
    Field {
        label: "Secure boot",
        at: At::Rel("/domain/os/firmware/feature/@enabled"),
        control: Control::Check,
        get: Some(|d, _| yes(secure_boot(d))),
        set: Some(|d, _, v| set_secure_boot(d, v.is_some())),
        help: "Ask firmware auto-selection for an image with secure boot on and Microsoft's keys enrolled (secure-boot and enrolled-keys features). Needs UEFI and, on x86, SMM on the Features page.",
        since: "7.2.0",
        ..FIELD
    },
    Field {
        label: "Loader type",
        at: At::Rel("/domain/os/loader/@type"),
        control: Control::Select(LOADER_TYPES),
        help: "How the loader is mapped into the guest: OVMF with a variable store is pflash.",
        since: "1.2.8",
        ..FIELD
    },
    Field {
        label: "Loader read-only",
        at: At::Rel("/domain/os/loader/@readonly"),
        control: Control::Check,
        help: "The guest cannot write the loader image; OVMF code images are read-only, their variables live in NVRAM.",
        since: "1.2.8",
        ..FIELD
    },
    Field {
        label: "Loader secure",
        at: At::Rel("/domain/os/loader/@secure"),
        control: Control::Check,
        help: "The loader is secure-boot capable: the guest can only change its variables in System Management Mode (turn SMM on on the Features page).",
        since: "2.1.0",
        ..FIELD
    },
    Field {
        label: "NVRAM file",
        at: At::Rel("/domain/os/nvram"),
        control: Control::Text("/var/lib/libvirt/qemu/nvram/guest_VARS.fd"),
        help: "The guest's own UEFI variable store. Empty: libvirt names one under /var/lib/libvirt/qemu/nvram.",
        since: "1.2.8",
        show: Some(is_efi),
        ..FIELD
    },
    Field {
        label: "NVRAM template",
        at: At::Rel("/domain/os/nvram/@template"),
        control: Control::Text("/usr/share/OVMF/OVMF_VARS.fd"),
        help: "The pristine variable store the guest's copy is made from, the first time it starts.",
        since: "1.2.8",
        show: Some(is_efi),
        ..FIELD
    },
];

pub(crate) static BOOT_MENU: [Field; 2] = [
    Field {
        label: "Boot menu",
        at: At::Rel("/domain/os/bootmenu/@enable"),
        control: Control::Check,
        help: "Offer the firmware's interactive boot menu when the guest starts.",
        since: "0.8.3",
        ..FIELD
    },
    Field {
        label: "Boot menu timeout (ms)",
        at: At::Rel("/domain/os/bootmenu/@timeout"),
        control: Control::Number(Some(0), Some(65535)),
        help: "How long the boot menu waits for a key, in milliseconds (0 to 65535).",
        since: "1.2.8",
        show: Some(|d, _| bootmenu(d).is_some_and(|b| b.enable == Some(true))),
        ..FIELD
    },
];

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
        <Group title="Firmware" intro="BIOS or UEFI. Name the firmware kind and libvirt picks the image; or give a loader path and its attributes yourself.">
            {fields(&FIRMWARE, root, 0)}
            {fields(&LOADER, root, 0)}
            {fields(&BOOT_MENU, root, 0)}
        </Group>
        <Group title="Boot order" intro="The firmware tries these devices in order.">
            <ol class="list" data-testid="boot-list">
                // Redrawn together when a device is added or removed: a short list.
                {move || (0..boot_count.get()).map(|i| view! { <BootRow i count=boot_count.into() /> }.into_any()).collect_view()}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firmware_choices_are_cores() {
        fn values(o: &crate::form::Choices) -> Vec<&'static str> {
            let mut v: Vec<&'static str> = o.values().collect();
            v.sort();
            v
        }
        let mut fw = Firmware::known().to_vec();
        fw.sort();
        assert_eq!(values(&FIRMWARES), fw);
        let mut lt = LoaderType::known().to_vec();
        lt.sort();
        assert_eq!(values(&LOADER_TYPES), lt);
    }

    #[test]
    fn uefi_with_secure_boot_writes_and_clears() {
        let mut d = vmxml_core::check("<domain type='kvm'><name>g</name><memory>1048576</memory><os><type arch='x86_64' machine='q35'>hvm</type></os><features><smm state='on'/></features></domain>")
            .domain
            .expect("reads");
        let set = |d: &mut Domain, label: &str, v: Option<&str>| {
            let f = FIRMWARE
                .iter()
                .chain(LOADER.iter())
                .chain(BOOT_MENU.iter())
                .find(|f| f.label == label)
                .expect("a field");
            crate::form::set_field(f, d, "", 0, v.map(str::to_string));
        };
        set(&mut d, "Firmware", Some("efi"));
        set(&mut d, "Secure boot", Some("yes"));
        set(&mut d, "Boot menu", Some("yes"));
        set(&mut d, "Boot menu timeout (ms)", Some("3000"));
        let xml = vmxml_core::write(&d);
        assert!(xml.contains("<os firmware='efi'>"), "{xml}");
        assert!(
            xml.contains("<feature enabled='yes' name='secure-boot'/>"),
            "{xml}"
        );
        assert!(
            xml.contains("<feature enabled='yes' name='enrolled-keys'/>"),
            "{xml}"
        );
        assert!(
            xml.contains("<bootmenu enable='yes' timeout='3000'/>"),
            "{xml}"
        );
        let bad: Vec<String> = vmxml_core::validate(&d)
            .into_iter()
            .filter(|x| x.severity != vmxml_core::Severity::Info)
            .map(|x| x.code.to_string())
            .collect();
        assert_eq!(bad, Vec::<String>::new());
        set(&mut d, "Loader secure", Some("yes"));
        set(&mut d, "Loader type", Some("pflash"));
        assert!(
            vmxml_core::write(&d).contains("<loader secure='yes' type='pflash'/>")
                || vmxml_core::write(&d).contains("<loader type='pflash' secure='yes'/>"),
            "{}",
            vmxml_core::write(&d)
        );
        for label in [
            "Secure boot",
            "Loader secure",
            "Loader type",
            "Boot menu timeout (ms)",
            "Boot menu",
            "Firmware",
        ] {
            set(&mut d, label, None);
        }
        let os = d.os.as_ref().expect("os");
        assert!(
            os.firmware_features.is_none()
                && os.loader.is_none()
                && os.bootmenu.is_none()
                && os.firmware.is_none()
        );
    }
}
