//! `<os>`: how the guest boots. BIOS boot (loader and boot order), direct kernel boot
//! (kernel, initrd, cmdline); the host bootloader lives on `<domain>` itself.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{step, Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::choice_hint;
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

/// `<loader>`: a firmware blob (hvmloader, SeaBIOS, OVMF).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loader {
    pub path: String,
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
    #[serde(default)]
    pub os_type: Option<OsType>,
    #[serde(default)]
    pub loader: Option<Loader>,
    /// Boot devices in priority order.
    #[serde(default)]
    pub boot: Vec<Boot>,
    #[serde(default)]
    pub kernel: Option<String>,
    #[serde(default)]
    pub initrd: Option<String>,
    #[serde(default)]
    pub cmdline: Option<String>,
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
        let loader = c.child("loader").map(|l| Loader {
            path: l.text(),
            extra: l.finish(),
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
        Os {
            os_type,
            loader,
            boot,
            kernel,
            initrd,
            cmdline,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let text = |name: &str, v: &Option<String>| {
            v.as_ref().map(|s| Element::new(name).with_text(s.clone()))
        };
        ElementBuilder::new("os")
            .opt_child(self.os_type.as_ref().map(|t| {
                ElementBuilder::new("type")
                    .opt_attr("arch", t.arch.as_ref())
                    .opt_attr("machine", t.machine.as_ref())
                    .text(t.kind.as_str())
                    .build(&t.extra)
            }))
            .opt_child(
                self.loader
                    .as_ref()
                    .map(|l| ElementBuilder::new("loader").text(&l.path).build(&l.extra)),
            )
            .opt_child(text("kernel", &self.kernel))
            .opt_child(text("initrd", &self.initrd))
            .opt_child(text("cmdline", &self.cmdline))
            .children(self.boot.iter().map(|b| {
                ElementBuilder::new("boot")
                    .attr("dev", b.dev.as_str())
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
            loader: Some(Loader {
                path: "/usr/lib/xen/boot/hvmloader".into(),
                extra: Extra::default(),
            }),
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
    fn rules() {
        let c = codes_of("<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type><boot dev='usb'/></os></domain>");
        assert!(c.contains(&"E-BOOT-DEV".into()), "{c:?}");
        let c = codes_of("<domain type='xen'><name>a</name><memory>1</memory><os><kernel>/k</kernel><type>linux</type></os></domain>");
        assert!(c.contains(&"W-ORDER".into()), "{c:?}");
    }
}
