//! `<domain>`: the root, its general metadata (name, uuid, title, description) and the order
//! in which libvirt writes its children.

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::cpu::Cpu;
use crate::devices::Devices;
use crate::diagnostic::Diagnostics;
use crate::features::Features;
use crate::lifecycle::{Lifecycle, LifecycleAction};
use crate::memory::{MemoryBacking, MemorySize, MemoryUnit, Vcpu};
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::os::Os;
use crate::validate::Context;
use crate::value_enum;
use crate::values::{uuid_is_rfc4122, uuid_is_valid};
use crate::xml::Element;

value_enum!(
    /// `<domain type=...>`: the hypervisor driver.
    DomainType {
        Kvm = "kvm",
        Qemu = "qemu",
        Xen = "xen",
        Lxc = "lxc",
        Kqemu = "kqemu",
        Hvf = "hvf",
        Bhyve = "bhyve",
        Vmware = "vmware",
        Vbox = "vbox",
        Hyperv = "hyperv",
        Openvz = "openvz",
        Uml = "uml",
        Vz = "vz",
        Phyp = "phyp",
        Ch = "ch",
        Test = "test",
    }
);

/// A whole libvirt domain. Fields follow libvirt's element order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub domain_type: DomainType,
    /// Runtime id of a running guest; inactive definitions have none.
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub uuid: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub memory: Option<MemorySize>,
    #[serde(default)]
    pub current_memory: Option<MemorySize>,
    #[serde(default)]
    pub memory_backing: Option<MemoryBacking>,
    #[serde(default)]
    pub vcpu: Option<Vcpu>,
    #[serde(default)]
    pub bootloader: Option<String>,
    #[serde(default)]
    pub bootloader_args: Option<String>,
    #[serde(default)]
    pub os: Option<Os>,
    #[serde(default)]
    pub features: Option<Features>,
    #[serde(default)]
    pub cpu: Option<Cpu>,
    #[serde(default)]
    pub clock: Option<Clock>,
    #[serde(default)]
    pub lifecycle: Lifecycle,
    #[serde(default)]
    pub devices: Option<Devices>,
    /// Everything else (`<metadata>`, `<memtune>`, `<seclabel>`, `qemu:commandline`, ...), verbatim.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Default for Domain {
    /// A sensible new guest: KVM, 2 GiB, 2 vCPUs, one virtio disk, one NAT network interface.
    fn default() -> Self {
        use crate::devices::disk::Disk;
        use crate::devices::interface::Interface;
        use crate::devices::Device;
        Domain {
            domain_type: DomainType::Kvm,
            id: None,
            name: Some("guest".into()),
            uuid: None,
            title: None,
            description: None,
            memory: Some(MemorySize::new(2, MemoryUnit::GiB)),
            current_memory: None,
            memory_backing: None,
            vcpu: Some(Vcpu::new(2)),
            bootloader: None,
            bootloader_args: None,
            os: Some(Os::hvm()),
            features: Some(Features::pc()),
            cpu: None,
            clock: Some(Clock::utc()),
            lifecycle: Lifecycle {
                on_poweroff: Some(LifecycleAction::Destroy),
                on_reboot: Some(LifecycleAction::Restart),
                on_crash: Some(LifecycleAction::Destroy),
            },
            devices: Some(Devices {
                emulator: None,
                list: vec![
                    Device::Disk(Disk::new_file("/var/lib/libvirt/images/guest.qcow2", "vda")),
                    Device::Interface(Interface::network("default")),
                ],
                extra: Extra::default(),
            }),
            extra: Extra::default(),
        }
    }
}

impl Domain {
    /// An empty domain of a type: only what the caller sets.
    pub fn empty(domain_type: DomainType) -> Self {
        Domain {
            domain_type,
            id: None,
            name: None,
            uuid: None,
            title: None,
            description: None,
            memory: None,
            current_memory: None,
            memory_backing: None,
            vcpu: None,
            bootloader: None,
            bootloader_args: None,
            os: None,
            features: None,
            cpu: None,
            clock: None,
            lifecycle: Lifecycle::default(),
            devices: None,
            extra: Extra::default(),
        }
    }

    /// Reads a `<domain>` element. Never fails: what cannot be read is reported and kept.
    pub fn read(root: &Element, diags: &mut Diagnostics) -> Domain {
        let mut c = Cursor::new(root, "/domain");
        let domain_type = match c.attr("type") {
            Some(t) => DomainType::parse(t),
            None => {
                diags.error(
                    "E-DOMAIN-TYPE-MISSING",
                    "/domain/@type",
                    "<domain> has no type attribute",
                    "name the hypervisor: <domain type='kvm'> (or qemu, xen, lxc, ...)",
                );
                DomainType::Other(String::new())
            }
        };
        let id = c.attr_parsed("id", diags, |s| {
            s.trim().parse::<i64>().map_err(|_| {
                (
                    "E-DOMAIN-ID",
                    format!("id '{s}' is not a number"),
                    "remove id=: it is the runtime id of a running guest and libvirt assigns it"
                        .to_string(),
                )
            })
        });
        let raw_text = |c: &mut Cursor, name: &str| c.child(name).map(|e| e.element().text());
        let name = raw_text(&mut c, "name");
        let uuid = c.child("uuid").map(|e| e.text());
        let title = raw_text(&mut c, "title");
        let description = raw_text(&mut c, "description");
        let memory = MemorySize::read("memory", &mut c, diags);
        let current_memory = MemorySize::read("currentMemory", &mut c, diags);
        let memory_backing = c
            .child("memoryBacking")
            .map(|m| MemoryBacking::read(m, diags));
        let vcpu = Vcpu::read(&mut c, diags);
        check_order(root, "bootloader", "os", diags);
        let bootloader = raw_text(&mut c, "bootloader");
        let bootloader_args = raw_text(&mut c, "bootloader_args");
        let os = c.child("os").map(|o| Os::read(o, diags));
        let features = c.child("features").map(|f| Features::read(f, diags));
        let cpu = c.child("cpu").map(|f| Cpu::read(f, diags));
        let clock = c.child("clock").map(|f| Clock::read(f, diags));
        let lifecycle = Lifecycle::read(&mut c, diags);
        let devices = c.child("devices").map(|d| Devices::read(d, diags));
        let extra = c.finish();
        Domain {
            domain_type,
            id,
            name,
            uuid,
            title,
            description,
            memory,
            current_memory,
            memory_backing,
            vcpu,
            bootloader,
            bootloader_args,
            os,
            features,
            cpu,
            clock,
            lifecycle,
            devices,
            extra,
        }
    }

    pub fn write(&self) -> Element {
        let text = |name: &str, v: &Option<String>| {
            v.as_ref().map(|s| Element::new(name).with_text(s.clone()))
        };
        ElementBuilder::new("domain")
            .attr("type", self.domain_type.as_str())
            .opt_attr("id", self.id.map(|i| i.to_string()))
            .opt_child(text("name", &self.name))
            .opt_child(text("uuid", &self.uuid))
            .opt_child(text("title", &self.title))
            .opt_child(text("description", &self.description))
            .opt_child(self.memory.as_ref().map(|m| m.write("memory")))
            .opt_child(
                self.current_memory
                    .as_ref()
                    .map(|m| m.write("currentMemory")),
            )
            .opt_child(self.memory_backing.as_ref().map(|m| m.write()))
            .opt_child(self.vcpu.as_ref().map(|v| v.write()))
            .opt_child(text("bootloader", &self.bootloader))
            .opt_child(text("bootloader_args", &self.bootloader_args))
            .opt_child(self.os.as_ref().map(|o| o.write()))
            .opt_child(self.features.as_ref().map(|f| f.write()))
            .opt_child(self.cpu.as_ref().map(|c| c.write()))
            .opt_child(self.clock.as_ref().map(|c| c.write()))
            .children(self.lifecycle.write())
            .opt_child(self.devices.as_ref().map(|d| d.write()))
            .build(&self.extra)
    }

    /// Whether this is a Windows guest, as far as the document says: a libosinfo id from
    /// microsoft.com in `<metadata>` (what virt-install writes), or Hyper-V enlightenments,
    /// which only Windows uses.
    pub fn looks_like_windows(&self) -> bool {
        let osinfo = self.extra.element("metadata").is_some_and(|m| {
            m.elements().any(|e| {
                e.name.ends_with("libosinfo")
                    && e.elements().any(|os| {
                        os.attr("id")
                            .is_some_and(|id| id.contains("microsoft.com/win"))
                    })
            })
        });
        let hyperv = self
            .features
            .as_ref()
            .and_then(|f| f.hyperv.as_ref())
            .is_some_and(|h| !h.features.is_empty());
        osinfo || hyperv
    }

    /// The path of the n-th (0-based) device of a kind, as diagnostics name it.
    pub fn devices_mut(&mut self) -> &mut Devices {
        self.devices.get_or_insert_with(Devices::default)
    }
}

/// Warns when `first` comes after `then` among an element's children: libvirt's schema
/// enforces a few such orders and reports them only as "Extra element ... in interleave".
pub fn check_order(parent: &Element, first: &str, then: &str, diags: &mut Diagnostics) {
    let names: Vec<&str> = parent.elements().map(|e| e.name.as_str()).collect();
    let (Some(f), Some(t)) = (
        names.iter().position(|n| *n == first),
        names.iter().position(|n| *n == then),
    ) else {
        return;
    };
    if f > t {
        let path = if parent.name == "domain" {
            "/domain".to_string()
        } else {
            format!("//{}", parent.name)
        };
        diags.warning(
            "W-ORDER",
            format!("{path}/{first}"),
            format!("<{first}> comes after <{then}>; libvirt's schema requires <{first}> before <{then}>"),
            format!("move <{first}> above <{then}> (vmxml writes them in the right order); libvirt itself only says \"Extra element ... in interleave\""),
        );
    }
}

pub fn validate(cx: &Context, diags: &mut Diagnostics) {
    let d = cx.domain;
    match &d.name {
        None => diags.error(
            "E-NAME-MISSING",
            "/domain/name",
            "the domain has no <name>",
            "add <name>my-guest</name>: libvirt needs a name that is unique on the host",
        ),
        Some(n) if n.trim().is_empty() => diags.error(
            "E-NAME-EMPTY",
            "/domain/name",
            "<name> is empty",
            "give the guest a short name such as web01",
        ),
        Some(n) if n.contains('/') => diags.error(
            "E-NAME-SLASH",
            "/domain/name",
            format!("name '{n}' contains '/'"),
            "libvirt uses the name as a file name: replace '/' with '-' or '_'",
        ),
        Some(n) if n.contains('\n') => diags.error(
            "E-NAME-NEWLINE",
            "/domain/name",
            "the name spans more than one line",
            "write the name on one line",
        ),
        Some(_) => {}
    }
    if let Some(u) = &d.uuid {
        if !uuid_is_valid(u) {
            diags.error(
                "E-UUID-FORMAT",
                "/domain/uuid",
                format!("'{u}' is not a UUID"),
                "write 32 hexadecimal digits in RFC 4122 form, such as 3e3fce45-4f53-4fa7-bb32-11f34168b82b, or leave <uuid> out and libvirt makes one",
            );
        } else if !uuid_is_rfc4122(u.trim()) {
            diags.info(
                "I-UUID-FORM",
                "/domain/uuid",
                format!("'{u}' is a UUID, but not in RFC 4122 form"),
                "libvirt accepts it and writes it back as 8-4-4-4-12 digits with dashes",
            );
        }
    }
    if let DomainType::Other(t) = &d.domain_type {
        if !t.is_empty() {
            diags.info(
                "I-DOMAIN-TYPE-OTHER",
                "/domain/@type",
                format!("domain type '{t}' is not one vmxml models"),
                format!("vmxml knows {}", DomainType::known().join(", ")),
            );
        }
    }
    if let Some(t) = &d.title {
        if t.contains('\n') {
            diags.error(
                "E-TITLE-NEWLINE",
                "/domain/title",
                "the title spans more than one line",
                "a title is one line: put longer text in <description>",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_from};

    #[test]
    fn metadata_both_directions() {
        let xml = "<domain type='xen' id='3'>\n  <name>fv0</name>\n  <uuid>4dea22b31d52d8f32516782e98ab3fa0</uuid>\n  <title>A</title>\n  <description>B &amp; C</description>\n</domain>\n";
        let d = domain_from(xml);
        assert_eq!(d.domain_type, DomainType::Xen);
        assert_eq!(d.id, Some(3));
        assert_eq!(d.name.as_deref(), Some("fv0"));
        assert_eq!(d.description.as_deref(), Some("B & C"));
        assert_eq!(crate::write(&d), xml);
    }

    #[test]
    fn name_and_uuid_rules() {
        assert!(
            codes_of("<domain type='kvm'><name>foo/bar</name><memory>1</memory></domain>")
                .contains(&"E-NAME-SLASH".into())
        );
        assert!(codes_of("<domain type='kvm'><memory>1</memory></domain>")
            .contains(&"E-NAME-MISSING".into()));
        assert!(codes_of(
            "<domain type='kvm'><name>a</name><uuid>xyz</uuid><memory>1</memory></domain>"
        )
        .contains(&"E-UUID-FORMAT".into()));
    }

    #[test]
    fn bootloader_after_os_is_a_warning_and_is_written_first() {
        let src = "<domain type='xen'><name>a</name><memory>1</memory><os><type>linux</type></os><bootloader>/usr/bin/pygrub</bootloader></domain>";
        assert!(codes_of(src).contains(&"W-ORDER".into()));
        let out = crate::write(&domain_from(src));
        assert!(out.find("<bootloader>").unwrap() < out.find("<os>").unwrap());
    }

    #[test]
    fn modern_parts_are_written_in_libvirts_order() {
        // Source order scrambled; libvirt writes memtune, memoryBacking, vcpu ... features,
        // cpu, clock.
        let src = "<domain type='kvm'><name>a</name><cpu mode='host-passthrough'/><clock offset='utc'/><vcpu>2</vcpu><memory>1024</memory><memtune><hard_limit>2048</hard_limit></memtune><memoryBacking><locked/></memoryBacking><features><acpi/></features><os><type>hvm</type></os></domain>";
        let d = domain_from(src);
        assert!(d.cpu.is_some() && d.memory_backing.as_ref().is_some_and(|m| m.locked));
        let out = crate::write(&d);
        let at = |s: &str| out.find(s).unwrap();
        assert!(at("<memory") < at("<memtune>"));
        assert!(at("<memtune>") < at("<memoryBacking>"));
        assert!(at("<memoryBacking>") < at("<vcpu>"));
        assert!(at("<features>") < at("<cpu "));
        assert!(at("<cpu ") < at("<clock "));
    }

    #[test]
    fn unknown_children_are_kept_in_place() {
        let src = "<domain type='kvm'>\n  <name>a</name>\n  <metadata>\n    <app:x xmlns:app='urn:x'>free <b>text</b></app:x>\n  </metadata>\n  <memory unit='KiB'>1024</memory>\n</domain>\n";
        assert_eq!(crate::write(&domain_from(src)), src);
    }
}
