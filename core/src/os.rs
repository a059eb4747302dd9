//! `<os>`: how the guest boots. BIOS or UEFI boot (firmware, loader, nvram, boot order,
//! boot menu), direct kernel boot (kernel, initrd, cmdline); the host bootloader lives on
//! `<domain>` itself.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{step, Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::{choice_hint, parse_u32, refuse_unknown};
use crate::xml::Element;

value_enum!(
    /// `<type>` content: what kind of guest OS.
    OsKind {
        /// Fully virtualised: an OS made for bare metal.
        Hvm = "hvm",
        /// Xen paravirtualised guest (the Xen 3 guest ABI).
        Linux = "linux",
        /// Xen paravirtualised guest, today's spelling of `linux`.
        Xen = "xen",
        /// Xen PVH guest.
        Xenpvh = "xenpvh",
        /// A container (LXC, OpenVZ): run a process.
        Exe = "exe",
        Uml = "uml",
    }
);

value_enum!(
    /// `<boot dev=...>`.
    BootDevice {
        Fd = "fd",
        Hd = "hd",
        Cdrom = "cdrom",
        Network = "network",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsType {
    pub kind: OsKind,
    #[serde(default)]
    pub arch: Option<String>,
    #[serde(default)]
    pub machine: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

value_enum!(
    /// `<os firmware=...>`: libvirt picks a firmware image of that kind from the host's
    /// firmware descriptors, so no loader path is needed.
    Firmware {
        Efi = "efi",
        Bios = "bios",
    }
);

value_enum!(
    /// `<loader type=...>`: how the firmware image is mapped into the guest.
    LoaderType {
        /// Read-only memory: SeaBIOS, or OVMF without variables.
        Rom = "rom",
        /// Flash: OVMF with a separate `<nvram>` variable store.
        Pflash = "pflash",
    }
);

value_enum!(
    /// `<os><firmware><feature name=...>`: what firmware auto-selection must (or must not) offer.
    FirmwareFeatureName {
        SecureBoot = "secure-boot",
        EnrolledKeys = "enrolled-keys",
    }
);

/// `<loader>`: a firmware blob (hvmloader, SeaBIOS, OVMF).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loader {
    /// Empty when libvirt picks the image (`<os firmware='efi'>`).
    pub path: String,
    #[serde(default)]
    pub readonly: Option<bool>,
    /// Secure boot: the firmware only runs signed boot loaders (needs SMM on x86).
    #[serde(default)]
    pub secure: Option<bool>,
    #[serde(default)]
    pub loader_type: Option<LoaderType>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Loader {
    pub fn new(path: impl Into<String>) -> Self {
        Loader {
            path: path.into(),
            ..Default::default()
        }
    }
}

/// `<nvram>`: the guest's own copy of the UEFI variable store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nvram {
    /// Empty when libvirt names the file itself.
    pub path: String,
    /// The pristine variable store the guest's copy is made from.
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// One `<os><firmware><feature enabled=... name=.../>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareFeature {
    pub name: FirmwareFeatureName,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// `<os><firmware>`: the features firmware auto-selection matches against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareFeatures {
    #[serde(default)]
    pub features: Vec<FirmwareFeature>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl FirmwareFeatures {
    /// Whether the named feature is asked for (`enabled='yes'`).
    pub fn enabled(&self, name: &FirmwareFeatureName) -> bool {
        self.features
            .iter()
            .any(|f| &f.name == name && f.enabled == Some(true))
    }
}

/// `<bootmenu>`: whether the firmware offers a boot menu, and how long (ms).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootMenu {
    #[serde(default)]
    pub enable: Option<bool>,
    #[serde(default)]
    pub timeout: Option<u32>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Boot {
    pub dev: BootDevice,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Boot {
    pub fn new(dev: BootDevice) -> Self {
        Boot {
            dev,
            extra: Extra::default(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Os {
    /// `<os firmware=...>`: firmware auto-selection.
    #[serde(default)]
    pub firmware: Option<Firmware>,
    #[serde(default)]
    pub os_type: Option<OsType>,
    #[serde(default)]
    pub firmware_features: Option<FirmwareFeatures>,
    #[serde(default)]
    pub loader: Option<Loader>,
    #[serde(default)]
    pub nvram: Option<Nvram>,
    /// Boot devices in priority order.
    #[serde(default)]
    pub boot: Vec<Boot>,
    #[serde(default)]
    pub kernel: Option<String>,
    #[serde(default)]
    pub initrd: Option<String>,
    #[serde(default)]
    pub cmdline: Option<String>,
    /// `<init>`: the program a container (`exe`) starts as its first process.
    #[serde(default)]
    pub init: Option<String>,
    #[serde(default)]
    pub bootmenu: Option<BootMenu>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Os {
    /// A fully virtualised guest booting from its hard disk.
    pub fn hvm() -> Self {
        Os {
            os_type: Some(OsType {
                kind: OsKind::Hvm,
                arch: Some("x86_64".into()),
                machine: Some("q35".into()),
                extra: Extra::default(),
            }),
            boot: vec![Boot::new(BootDevice::Hd)],
            ..Default::default()
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Os {
        let first = c.element().elements().next().map(|e| e.name.clone());
        if c.element().child("type").is_some() && first.as_deref() != Some("type") {
            diags.warning(
                "W-ORDER",
                format!("{}/type", c.path()),
                "<type> is not the first element of <os>; libvirt's schema requires it first for Xen guests",
                "move <type> to the top of <os> (vmxml writes it first); libvirt itself only says \"Extra element ... in interleave\"",
            );
        }
        let firmware = c.attr("firmware").map(Firmware::parse);
        let os_type = c.child("type").map(|mut t| {
            let kind = OsKind::parse(&t.text());
            let arch = t.attr("arch").map(str::to_string);
            let machine = t.attr("machine").map(str::to_string);
            OsType {
                kind,
                arch,
                machine,
                extra: t.finish(),
            }
        });
        let firmware_features = c.child("firmware").map(|mut f| {
            let features = f
                .children("feature")
                .into_iter()
                .map(|mut e| {
                    let name = FirmwareFeatureName::parse(e.attr("name").unwrap_or_default());
                    let enabled = e.attr_yes_no("enabled", diags);
                    FirmwareFeature {
                        name,
                        enabled,
                        extra: e.finish(),
                    }
                })
                .collect();
            FirmwareFeatures {
                features,
                extra: f.finish(),
            }
        });
        let loader = c.child("loader").map(|mut l| {
            let readonly = l.attr_yes_no("readonly", diags);
            let secure = l.attr_yes_no("secure", diags);
            let loader_type = l.attr("type").map(LoaderType::parse);
            Loader {
                path: l.text(),
                readonly,
                secure,
                loader_type,
                extra: l.finish(),
            }
        });
        let nvram = c.child("nvram").map(|mut n| {
            let template = n.attr("template").map(str::to_string);
            Nvram {
                path: n.text(),
                template,
                extra: n.finish(),
            }
        });
        let mut boot = Vec::new();
        for mut b in c.children("boot") {
            let dev = match b.attr("dev") {
                Some(d) => BootDevice::parse(d),
                None => {
                    diags.error(
                        "E-BOOT-DEV-MISSING",
                        b.path(),
                        "<boot> has no dev attribute",
                        "write <boot dev='hd'/> (or fd, cdrom, network)",
                    );
                    BootDevice::Other(String::new())
                }
            };
            boot.push(Boot {
                dev,
                extra: b.finish(),
            });
        }
        let kernel = c.child("kernel").map(|e| e.text());
        let initrd = c.child("initrd").map(|e| e.text());
        let cmdline = c.child("cmdline").map(|e| e.element().text());
        let init = c.child("init").map(|e| e.text());
        let bootmenu = c.child("bootmenu").map(|mut b| {
            let enable = b.attr_yes_no("enable", diags);
            let timeout = b.attr_parsed("timeout", diags, |s| parse_u32("bootmenu timeout", s));
            BootMenu {
                enable,
                timeout,
                extra: b.finish(),
            }
        });
        Os {
            firmware,
            os_type,
            firmware_features,
            loader,
            nvram,
            boot,
            kernel,
            initrd,
            cmdline,
            init,
            bootmenu,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let text = |name: &str, v: &Option<String>| {
            v.as_ref().map(|s| Element::new(name).with_text(s.clone()))
        };
        // Text only when there is some: `<loader readonly='yes' type='pflash'/>` stays empty.
        let path_el = |name: &str, path: &str| {
            let b = ElementBuilder::new(name);
            if path.is_empty() {
                b
            } else {
                b.text(path)
            }
        };
        // libvirt's formatter order: type, init, firmware, loader, nvram, kernel, initrd,
        // cmdline, boot, bootmenu.
        ElementBuilder::new("os")
            .opt_attr("firmware", self.firmware.as_ref().map(|f| f.as_str()))
            .opt_child(self.os_type.as_ref().map(|t| {
                ElementBuilder::new("type")
                    .opt_attr("arch", t.arch.as_ref())
                    .opt_attr("machine", t.machine.as_ref())
                    .text(t.kind.as_str())
                    .build(&t.extra)
            }))
            .opt_child(text("init", &self.init))
            .opt_child(self.firmware_features.as_ref().map(|f| {
                ElementBuilder::new("firmware")
                    .children(f.features.iter().map(|e| {
                        ElementBuilder::new("feature")
                            .yes_no("enabled", e.enabled)
                            .attr("name", e.name.as_str())
                            .build(&e.extra)
                    }))
                    .build(&f.extra)
            }))
            .opt_child(self.loader.as_ref().map(|l| {
                path_el("loader", &l.path)
                    .yes_no("readonly", l.readonly)
                    .yes_no("secure", l.secure)
                    .opt_attr("type", l.loader_type.as_ref().map(|t| t.as_str()))
                    .build(&l.extra)
            }))
            .opt_child(self.nvram.as_ref().map(|n| {
                path_el("nvram", &n.path)
                    .opt_attr("template", n.template.as_ref())
                    .build(&n.extra)
            }))
            .opt_child(text("kernel", &self.kernel))
            .opt_child(text("initrd", &self.initrd))
            .opt_child(text("cmdline", &self.cmdline))
            .children(self.boot.iter().map(|b| {
                ElementBuilder::new("boot")
                    .attr("dev", b.dev.as_str())
                    .build(&b.extra)
            }))
            .opt_child(self.bootmenu.as_ref().map(|b| {
                ElementBuilder::new("bootmenu")
                    .yes_no("enable", b.enable)
                    .opt_attr("timeout", b.timeout.map(|t| t.to_string()))
                    .build(&b.extra)
            }))
            .build(&self.extra)
    }
}

pub fn validate(cx: &Context, diags: &mut Diagnostics) {
    let d = cx.domain;
    let Some(os) = &d.os else {
        if d.bootloader.is_none() {
            diags.error(
                "E-OS-MISSING",
                "/domain/os",
                "the domain has no <os>",
                "add <os><type>hvm</type></os> for a full virtual machine (or exe for a container)",
            );
        }
        return;
    };
    match &os.os_type {
        None => diags.error(
            "E-OS-TYPE-MISSING",
            "/domain/os/type",
            "<os> has no <type>",
            "add <type>hvm</type> as the first element of <os>",
        ),
        Some(t) => {
            if let OsKind::Other(k) = &t.kind {
                diags.error(
                    "E-OS-TYPE",
                    "/domain/os/type",
                    format!("'{k}' is not an OS type libvirt knows"),
                    choice_hint(k, OsKind::known()),
                );
            }
        }
    }
    let count = os.boot.len();
    for (i, b) in os.boot.iter().enumerate() {
        if let BootDevice::Other(v) = &b.dev {
            if !v.is_empty() {
                diags.error(
                    "E-BOOT-DEV",
                    format!("/domain/os/{}/@dev", step("boot", i + 1, count)),
                    format!("'{v}' is not a boot device"),
                    choice_hint(v, BootDevice::known()),
                );
            }
        }
    }
    // libvirt refuses <boot order=...> on devices together with <os><boot>.
    if count > 0 {
        if let Some(devs) = &d.devices {
            if let Some(path) = devs.first_with_boot_order() {
                diags.error(
                    "E-BOOT-MIXED",
                    path,
                    "a device has <boot order=...> while <os> also has <boot dev=...>",
                    "use one style: either <boot dev=...> in <os>, or <boot order=...> on the devices",
                );
            }
        }
    }
    firmware_rules(os, diags);
    secure_boot_rules(cx, os, diags);
    if os.initrd.is_some() && os.kernel.is_none() {
        diags.warning(
            "W-OS-INITRD-WITHOUT-KERNEL",
            "/domain/os/initrd",
            "<initrd> is set without <kernel>",
            "direct kernel boot needs <kernel>; without it the initrd is ignored",
        );
    }
    if os.cmdline.is_some() && os.kernel.is_none() {
        diags.warning(
            "W-OS-CMDLINE-WITHOUT-KERNEL",
            "/domain/os/cmdline",
            "<cmdline> is set without <kernel>",
            "the kernel command line only applies to direct kernel boot: add <kernel>",
        );
    }
}

/// Values libvirt refuses in the firmware parts of `<os>`.
fn firmware_rules(os: &Os, diags: &mut Diagnostics) {
    if let Some(Firmware::Other(v)) = &os.firmware {
        refuse_unknown(
            diags,
            "E-FIRMWARE",
            "/domain/os/@firmware",
            "firmware",
            v,
            Firmware::known(),
        );
    }
    if let Some(f) = &os.firmware_features {
        let count = f.features.len();
        for (i, feature) in f.features.iter().enumerate() {
            if let FirmwareFeatureName::Other(v) = &feature.name {
                refuse_unknown(
                    diags,
                    "E-FIRMWARE-FEATURE",
                    format!(
                        "/domain/os/firmware/{}/@name",
                        step("feature", i + 1, count)
                    ),
                    "firmware feature",
                    v,
                    FirmwareFeatureName::known(),
                );
            }
        }
    }
    if let Some(LoaderType::Other(v)) = os.loader.as_ref().and_then(|l| l.loader_type.as_ref()) {
        refuse_unknown(
            diags,
            "E-LOADER-TYPE",
            "/domain/os/loader/@type",
            "loader type",
            v,
            LoaderType::known(),
        );
    }
    if os.nvram.is_some()
        && os.firmware.is_none()
        && os.loader.as_ref().is_none_or(|l| l.path.is_empty())
    {
        diags.error(
            "E-NVRAM-WITHOUT-LOADER",
            "/domain/os/nvram",
            "<nvram> without a loader path or firmware auto-selection",
            "add <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>, or <os firmware='efi'> to let libvirt choose",
        );
    }
    if let Some(t) = os.bootmenu.as_ref().and_then(|b| b.timeout) {
        if t > 65535 {
            diags.error(
                "E-BOOTMENU-TIMEOUT",
                "/domain/os/bootmenu/@timeout",
                format!("boot menu timeout {t} ms is above 65535"),
                "libvirt takes 0 to 65535 milliseconds: write timeout='3000' for three seconds",
            );
        }
    }
}

/// Secure boot needs UEFI firmware in flash, and on x86 System Management Mode so that the
/// guest OS cannot write the variable store. libvirt's test driver accepts either missing;
/// QEMU's driver refuses to start the guest, hence warnings.
fn secure_boot_rules(cx: &Context, os: &Os, diags: &mut Diagnostics) {
    let loader_secure = os.loader.as_ref().is_some_and(|l| l.secure == Some(true));
    let feature_secure = os
        .firmware_features
        .as_ref()
        .is_some_and(|f| f.enabled(&FirmwareFeatureName::SecureBoot));
    if !loader_secure && !feature_secure {
        return;
    }
    let path = if loader_secure {
        "/domain/os/loader/@secure"
    } else {
        "/domain/os/firmware/feature/@enabled"
    };
    let efi = os.firmware == Some(Firmware::Efi)
        || os
            .loader
            .as_ref()
            .is_some_and(|l| l.loader_type == Some(LoaderType::Pflash));
    if !efi {
        diags.warning(
            "W-SECURE-BOOT-NO-EFI",
            path,
            "secure boot is asked for without UEFI firmware",
            "write <os firmware='efi'>, or an OVMF <loader type='pflash'>: QEMU's driver refuses secure boot otherwise",
        );
    }
    let x86 = os
        .os_type
        .as_ref()
        .and_then(|t| t.arch.as_deref())
        .is_none_or(|a| matches!(a, "x86_64" | "i686"));
    let smm = cx.domain.features.as_ref().and_then(|f| f.smm.as_ref());
    let smm_on = smm.is_some_and(|s| s.state != Some(false));
    // With firmware auto-selection libvirt turns SMM on itself when the image needs it,
    // unless the document turns it off.
    let autoselect = os.firmware.is_some() && os.loader.as_ref().is_none_or(|l| l.path.is_empty());
    let smm_off = smm.is_some_and(|s| s.state == Some(false));
    if x86 && !smm_on && (smm_off || !autoselect) {
        diags.warning(
            "W-SECURE-BOOT-NO-SMM",
            "/domain/features/smm",
            "secure boot on x86 without <smm state='on'/> in <features>",
            "add <features><smm state='on'/></features>: QEMU refuses secure boot without SMM (virt-install --boot uefi enables SMM itself)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_from, xml_of};

    #[test]
    fn bios_boot_both_directions() {
        let xml = "<os>\n  <type arch='x86_64' machine='pc'>hvm</type>\n  <loader>/usr/lib/xen/boot/hvmloader</loader>\n  <boot dev='cdrom'/>\n  <boot dev='hd'/>\n</os>\n";
        let os = Os {
            os_type: Some(OsType {
                kind: OsKind::Hvm,
                arch: Some("x86_64".into()),
                machine: Some("pc".into()),
                extra: Extra::default(),
            }),
            loader: Some(Loader::new("/usr/lib/xen/boot/hvmloader")),
            boot: vec![Boot::new(BootDevice::Cdrom), Boot::new(BootDevice::Hd)],
            ..Default::default()
        };
        assert_eq!(xml_of(&os.write()), xml);
        let d = domain_from(&format!("<domain type='kvm'>{xml}</domain>"));
        assert_eq!(d.os, Some(os));
    }

    #[test]
    fn kernel_boot_both_directions() {
        let xml = "<os>\n  <type>linux</type>\n  <kernel>/root/vmlinuz</kernel>\n  <initrd>/root/initrd</initrd>\n  <cmdline>console=ttyS0 ks=http://example.com/</cmdline>\n</os>\n";
        let d = domain_from(&format!("<domain type='xen'>{xml}</domain>"));
        let os = d.os.unwrap();
        assert_eq!(os.os_type.as_ref().unwrap().kind, OsKind::Linux);
        assert_eq!(
            os.cmdline.as_deref(),
            Some("console=ttyS0 ks=http://example.com/")
        );
        assert_eq!(xml_of(&os.write()), xml);
    }

    #[test]
    fn uefi_boot_both_directions() {
        let xml = "<os firmware='efi'>\n  <type arch='x86_64' machine='q35'>hvm</type>\n  <firmware>\n    <feature enabled='yes' name='secure-boot'/>\n    <feature enabled='no' name='enrolled-keys'/>\n  </firmware>\n  <loader readonly='yes' secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.secboot.fd</loader>\n  <nvram template='/usr/share/OVMF/OVMF_VARS.fd'>/var/lib/libvirt/qemu/nvram/g_VARS.fd</nvram>\n  <boot dev='hd'/>\n  <bootmenu enable='yes' timeout='3000'/>\n</os>\n";
        let os = Os {
            firmware: Some(Firmware::Efi),
            os_type: Some(OsType {
                kind: OsKind::Hvm,
                arch: Some("x86_64".into()),
                machine: Some("q35".into()),
                extra: Extra::default(),
            }),
            firmware_features: Some(FirmwareFeatures {
                features: vec![
                    FirmwareFeature {
                        name: FirmwareFeatureName::SecureBoot,
                        enabled: Some(true),
                        extra: Extra::default(),
                    },
                    FirmwareFeature {
                        name: FirmwareFeatureName::EnrolledKeys,
                        enabled: Some(false),
                        extra: Extra::default(),
                    },
                ],
                extra: Extra::default(),
            }),
            loader: Some(Loader {
                readonly: Some(true),
                secure: Some(true),
                loader_type: Some(LoaderType::Pflash),
                ..Loader::new("/usr/share/OVMF/OVMF_CODE.secboot.fd")
            }),
            nvram: Some(Nvram {
                path: "/var/lib/libvirt/qemu/nvram/g_VARS.fd".into(),
                template: Some("/usr/share/OVMF/OVMF_VARS.fd".into()),
                extra: Extra::default(),
            }),
            boot: vec![Boot::new(BootDevice::Hd)],
            bootmenu: Some(BootMenu {
                enable: Some(true),
                timeout: Some(3000),
                extra: Extra::default(),
            }),
            ..Default::default()
        };
        assert_eq!(xml_of(&os.write()), xml);
        let d = domain_from(&format!("<domain type='kvm'>{xml}</domain>"));
        assert_eq!(d.os, Some(os));
    }

    #[test]
    fn empty_loader_stays_empty_and_unknown_parts_stay() {
        let xml = "<os>\n  <type>hvm</type>\n  <loader readonly='yes' type='pflash' stateless='yes'/>\n  <smbios mode='sysinfo'/>\n</os>\n";
        let os = domain_from(&format!("<domain type='kvm'>{xml}</domain>"))
            .os
            .unwrap();
        assert_eq!(os.loader.as_ref().unwrap().path, "");
        assert_eq!(xml_of(&os.write()), xml);
    }

    #[test]
    fn secure_boot_rules() {
        let doc = |os_attr: &str, os: &str, features: &str| {
            format!("<domain type='kvm'><name>a</name><memory>1</memory><os{os_attr}><type arch='x86_64' machine='q35'>hvm</type>{os}</os><features><acpi/>{features}</features></domain>")
        };
        let pflash = "<loader readonly='yes' secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.secboot.fd</loader>";
        let c = codes_of(&doc("", pflash, ""));
        assert!(c.contains(&"W-SECURE-BOOT-NO-SMM".into()), "{c:?}");
        assert!(!c.contains(&"W-SECURE-BOOT-NO-EFI".into()), "{c:?}");
        let c = codes_of(&doc("", pflash, "<smm state='on'/>"));
        assert!(!c.iter().any(|x| x.starts_with("W-SECURE-BOOT")), "{c:?}");
        let rom = "<loader secure='yes' type='rom'>/usr/share/OVMF/OVMF_CODE.fd</loader>";
        let c = codes_of(&doc("", rom, "<smm state='on'/>"));
        assert!(c.contains(&"W-SECURE-BOOT-NO-EFI".into()), "{c:?}");
        // Auto-selection: libvirt turns SMM on itself, unless the document turns it off.
        let auto = "<firmware><feature enabled='yes' name='secure-boot'/></firmware>";
        let c = codes_of(&doc(" firmware='efi'", auto, ""));
        assert!(!c.iter().any(|x| x.starts_with("W-SECURE-BOOT")), "{c:?}");
        let c = codes_of(&doc(" firmware='efi'", auto, "<smm state='off'/>"));
        assert!(c.contains(&"W-SECURE-BOOT-NO-SMM".into()), "{c:?}");
        let c = codes_of(&doc(" firmware='bios'", auto, "<smm state='on'/>"));
        assert!(c.contains(&"W-SECURE-BOOT-NO-EFI".into()), "{c:?}");
    }

    #[test]
    fn rules() {
        let c = codes_of("<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type><boot dev='usb'/></os></domain>");
        assert!(c.contains(&"E-BOOT-DEV".into()), "{c:?}");
        let c = codes_of("<domain type='xen'><name>a</name><memory>1</memory><os><kernel>/k</kernel><type>linux</type></os></domain>");
        assert!(c.contains(&"W-ORDER".into()), "{c:?}");
    }
}
