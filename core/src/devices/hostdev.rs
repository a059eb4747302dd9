//! `<hostdev>`: host devices passed through to the guest. vmxml models USB devices, picked by
//! vendor/product id or by their bus/device address on the host, and PCI devices by their
//! domain:bus:slot.function address; other types are kept.

use crate::values::FirstSeen;

use serde::{Deserialize, Serialize};

use crate::devices::Device;
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::{choice_hint, parse_c_number};
use crate::xml::Element;

value_enum!(
    /// `<hostdev mode=...>`: a bus device (`subsystem`) or a host resource such as a block
    /// device or network interface (`capabilities`, LXC only).
    HostdevMode {
        Subsystem = "subsystem",
        Capabilities = "capabilities",
    }
);

/// `type` values libvirt accepts in each mode.
pub const SUBSYSTEM_TYPES: &[&str] = &["usb", "pci", "scsi", "scsi_host", "mdev"];
pub const CAPABILITIES_TYPES: &[&str] = &["storage", "misc", "net"];

/// `<address bus=... device=...>` of a USB device on the host, as written (decimal, 0x hex
/// or 0-led octal).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsbAddress {
    #[serde(default)]
    pub bus: Option<String>,
    #[serde(default)]
    pub device: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// `<address domain=... bus=... slot=... function=...>` of a PCI device on the host, as
/// written (`0x0000`, `0x03`, ...): what `lspci -D` prints as `0000:03:00.0`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PciAddress {
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub bus: Option<String>,
    #[serde(default)]
    pub slot: Option<String>,
    #[serde(default)]
    pub function: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl PciAddress {
    /// From `lspci -D` notation, `0000:03:00.0` (the domain may be left out).
    pub fn from_lspci(text: &str) -> Option<PciAddress> {
        let t = text.trim();
        let (rest, function) = t.rsplit_once('.')?;
        let mut parts: Vec<&str> = rest.split(':').collect();
        let slot = parts.pop()?;
        let bus = parts.pop()?;
        let domain = parts.pop().unwrap_or("0000");
        let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
        if !parts.is_empty() || ![domain, bus, slot, function].iter().all(|p| hex(p)) {
            return None;
        }
        Some(PciAddress {
            domain: Some(format!("0x{domain}")),
            bus: Some(format!("0x{bus}")),
            slot: Some(format!("0x{slot}")),
            function: Some(format!("0x{function}")),
            extra: Extra::default(),
        })
    }

    /// The four numbers, where each is written and readable.
    pub fn numbers(&self) -> Option<[u64; 4]> {
        let n = |v: &Option<String>| v.as_deref().and_then(parse_c_number);
        Some([
            n(&self.domain).unwrap_or(0),
            n(&self.bus)?,
            n(&self.slot)?,
            n(&self.function).unwrap_or(0),
        ])
    }
}

/// What the host device is; the variant is its `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HostdevSource {
    /// `type='usb'`: ids as written (`0x1234`); `extra` keeps the rest of `<source>`.
    Usb {
        #[serde(default)]
        vendor: Option<String>,
        #[serde(default)]
        product: Option<String>,
        #[serde(default)]
        address: Option<UsbAddress>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='pci'`: a PCI device of the host (a GPU, a NIC, an NVMe drive), by its address.
    Pci {
        #[serde(default)]
        address: Option<PciAddress>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// Another type (scsi, mdev, storage, net, ...): its `<source>` is kept as written.
    /// `None`: the document has no `type`.
    Other {
        #[serde(default)]
        hostdev_type: Option<String>,
    },
}

impl HostdevSource {
    pub fn type_name(&self) -> Option<&str> {
        match self {
            HostdevSource::Usb { .. } => Some("usb"),
            HostdevSource::Pci { .. } => Some("pci"),
            HostdevSource::Other { hostdev_type } => hostdev_type.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hostdev {
    /// `None`: no `mode` written; libvirt reads subsystem.
    #[serde(default)]
    pub mode: Option<HostdevMode>,
    pub source: HostdevSource,
    /// `managed='yes'`: libvirt detaches the device from the host driver and gives it back.
    #[serde(default)]
    pub managed: Option<bool>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// A `<vendor id=...>`/`<product id=...>` with nothing else on it, so modelling it loses
/// nothing; any other form stays in the source's extras.
fn take_id(s: &mut Cursor, name: &str) -> Option<String> {
    let el = s.element().child(name)?;
    let plain = el.attrs.len() == 1 && el.attr("id").is_some() && el.elements().next().is_none();
    if !plain {
        return None;
    }
    s.child(name)
        .and_then(|mut c| c.attr("id").map(str::to_string))
}

fn read_usb(c: &mut Cursor, path: &str, diags: &mut Diagnostics) -> HostdevSource {
    let Some(mut s) = c.child("source") else {
        return HostdevSource::Usb {
            vendor: None,
            product: None,
            address: None,
            extra: Extra::default(),
        };
    };
    let names: Vec<&str> = s.element().elements().map(|e| e.name.as_str()).collect();
    let vendor_at = names.iter().position(|n| *n == "vendor");
    let product_at = names.iter().position(|n| *n == "product");
    if let (Some(v), Some(p)) = (vendor_at, product_at) {
        if p < v {
            diags.warning(
                "W-ORDER",
                format!("{path}/source/vendor"),
                "<vendor> comes after <product>; libvirt's schema requires <vendor> before <product> in a USB hostdev source",
                "move <vendor> above <product> (vmxml writes them in the right order); libvirt itself reads either order",
            );
        }
    }
    let vendor = take_id(&mut s, "vendor");
    let product = take_id(&mut s, "product");
    let address = s.child("address").map(|mut a| UsbAddress {
        bus: a.attr("bus").map(str::to_string),
        device: a.attr("device").map(str::to_string),
        extra: a.finish(),
    });
    HostdevSource::Usb {
        vendor,
        product,
        address,
        extra: s.finish(),
    }
}

fn read_pci(c: &mut Cursor) -> HostdevSource {
    let Some(mut s) = c.child_with_content("source") else {
        return HostdevSource::Pci {
            address: None,
            extra: Extra::default(),
        };
    };
    let address = s.child("address").map(|mut a| PciAddress {
        domain: a.attr("domain").map(str::to_string),
        bus: a.attr("bus").map(str::to_string),
        slot: a.attr("slot").map(str::to_string),
        function: a.attr("function").map(str::to_string),
        extra: a.finish(),
    });
    HostdevSource::Pci {
        address,
        extra: s.finish(),
    }
}

impl Hostdev {
    /// A managed PCI device of the host: libvirt detaches it from its host driver.
    pub fn pci(address: PciAddress) -> Hostdev {
        Hostdev {
            mode: Some(HostdevMode::Subsystem),
            source: HostdevSource::Pci {
                address: Some(address),
                extra: Extra::default(),
            },
            managed: Some(true),
            extra: Extra::default(),
        }
    }

    /// A USB device picked by vendor and product id (`0x1234`).
    pub fn usb_by_id(vendor: &str, product: &str) -> Hostdev {
        Hostdev::usb(Some(vendor.into()), Some(product.into()), None)
    }

    /// A USB device picked by where it sits on the host (`lsusb` bus and device numbers).
    pub fn usb_by_address(bus: &str, device: &str) -> Hostdev {
        let address = UsbAddress {
            bus: Some(bus.into()),
            device: Some(device.into()),
            extra: Extra::default(),
        };
        Hostdev::usb(None, None, Some(address))
    }

    fn usb(
        vendor: Option<String>,
        product: Option<String>,
        address: Option<UsbAddress>,
    ) -> Hostdev {
        Hostdev {
            mode: Some(HostdevMode::Subsystem),
            source: HostdevSource::Usb {
                vendor,
                product,
                address,
                extra: Extra::default(),
            },
            managed: None,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Hostdev {
        let path = c.path().to_string();
        let mode = c.attr("mode").map(HostdevMode::parse);
        // libvirt reads anything but 'yes' as no: only the two schema values are modelled.
        let managed = match c.peek_attr("managed") {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        };
        if managed.is_some() {
            c.attr("managed");
        }
        let hostdev_type = c.attr("type");
        let source = match hostdev_type {
            Some("usb") if mode != Some(HostdevMode::Capabilities) => {
                read_usb(&mut c, &path, diags)
            }
            Some("pci") if mode != Some(HostdevMode::Capabilities) => read_pci(&mut c),
            other => {
                if let Some(t) =
                    other.filter(|t| SUBSYSTEM_TYPES.contains(t) || CAPABILITIES_TYPES.contains(t))
                {
                    diags.info(
                        "I-HOSTDEV-TYPE-KEPT",
                        c.attr_path("type"),
                        format!(
                            "hostdev type '{t}' is kept as written; vmxml models USB and PCI host devices"
                        ),
                        "the wizard shows this device's source as kept as is",
                    );
                }
                HostdevSource::Other {
                    hostdev_type: other.map(str::to_string),
                }
            }
        };
        Hostdev {
            mode,
            source,
            managed,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let source = match &self.source {
            HostdevSource::Usb {
                vendor,
                product,
                address,
                extra,
            } => Some(
                ElementBuilder::new("source")
                    .opt_child(
                        vendor
                            .as_ref()
                            .map(|v| Element::new("vendor").with_attr("id", v)),
                    )
                    .opt_child(
                        product
                            .as_ref()
                            .map(|p| Element::new("product").with_attr("id", p)),
                    )
                    .opt_child(address.as_ref().map(|a| {
                        ElementBuilder::new("address")
                            .opt_attr("bus", a.bus.as_ref())
                            .opt_attr("device", a.device.as_ref())
                            .build(&a.extra)
                    }))
                    .build(extra),
            ),
            HostdevSource::Pci { address, extra } => {
                (address.is_some() || !extra.is_empty()).then(|| {
                    ElementBuilder::new("source")
                        .opt_child(address.as_ref().map(|a| {
                            ElementBuilder::new("address")
                                .opt_attr("domain", a.domain.as_ref())
                                .opt_attr("bus", a.bus.as_ref())
                                .opt_attr("slot", a.slot.as_ref())
                                .opt_attr("function", a.function.as_ref())
                                .build(&a.extra)
                        }))
                        .build(extra)
                })
            }
            HostdevSource::Other { .. } => None,
        };
        ElementBuilder::new("hostdev")
            .opt_attr("mode", self.mode.as_ref().map(|m| m.as_str()))
            .opt_attr("type", self.source.type_name())
            .yes_no("managed", self.managed)
            .opt_child(source)
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        let mode = self.mode.clone().unwrap_or(HostdevMode::Subsystem);
        if let HostdevMode::Other(m) = &mode {
            diags.error(
                "E-HOSTDEV-MODE",
                format!("{path}/@mode"),
                format!("libvirt has no hostdev mode '{m}'"),
                choice_hint(m, HostdevMode::known()),
            );
        }
        if let Some(m) = self.extra.attr("managed") {
            diags.error(
                "E-HOSTDEV-MANAGED",
                format!("{path}/@managed"),
                format!("managed='{m}' is neither yes nor no; libvirt reads it as no"),
                "write managed='yes' to let libvirt detach the device from the host, or managed='no'",
            );
        }
        let allowed = match mode {
            HostdevMode::Subsystem => SUBSYSTEM_TYPES,
            HostdevMode::Capabilities => CAPABILITIES_TYPES,
            HostdevMode::Other(_) => return,
        };
        match self.source.type_name() {
            None => diags.error(
                "E-HOSTDEV-TYPE",
                format!("{path}/@type"),
                "the hostdev has no type",
                format!("add type='usb' (or one of {})", allowed.join(", ")),
            ),
            Some(t) if !allowed.contains(&t) => diags.error(
                "E-HOSTDEV-TYPE",
                format!("{path}/@type"),
                format!("'{t}' is not a hostdev type in {mode} mode"),
                choice_hint(t, allowed),
            ),
            Some(_) => {}
        }
        if let HostdevSource::Usb {
            vendor,
            product,
            address,
            extra,
        } = &self.source
        {
            validate_usb(path, vendor, product, address, extra, diags);
        }
        if let HostdevSource::Pci { address, .. } = &self.source {
            validate_pci(path, address.as_ref(), diags);
        }
    }
}

/// libvirt's limits for a host PCI address (virPCIDeviceAddressIsValid).
const PCI_LIMITS: [(&str, u64); 4] = [
    ("domain", 0xffff_ffff),
    ("bus", 0xff),
    ("slot", 0x1f),
    ("function", 7),
];

fn validate_pci(path: &str, address: Option<&PciAddress>, diags: &mut Diagnostics) {
    let apath = format!("{path}/source/address");
    let Some(a) = address else {
        diags.error(
            "E-HOSTDEV-PCI-ADDRESS-MISSING",
            apath,
            "the PCI host device has no <source><address>",
            "add <source><address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source>, the address lspci -D prints as 0000:03:00.0",
        );
        return;
    };
    let values = [&a.domain, &a.bus, &a.slot, &a.function];
    for ((name, max), value) in PCI_LIMITS.iter().zip(values) {
        let at = format!("{apath}/@{name}");
        match value.as_deref() {
            None if matches!(*name, "bus" | "slot") => diags.error(
                "E-HOSTDEV-PCI-ADDRESS-MISSING",
                at,
                format!("the host PCI address has no {name}"),
                "write all of domain, bus, slot and function, as lspci -D prints them (0000:03:00.0)",
            ),
            None => {}
            Some(v) => match usb_number(v) {
                None => diags.error(
                    "E-HOSTDEV-PCI-ADDRESS",
                    at,
                    format!("{name} '{v}' is not a number"),
                    format!("write the {name} in hexadecimal with 0x, as lspci -D prints it"),
                ),
                Some(n) if n > *max => diags.error(
                    "E-HOSTDEV-PCI-ADDRESS",
                    at,
                    format!("{name} {v} is out of range: a PCI {name} is at most {max:#x}"),
                    "copy the address from lspci -D: domain:bus:slot.function",
                ),
                Some(_) => {}
            },
        }
    }
}

/// The id of `<vendor>`/`<product>`, modelled or kept in the source's extras.
fn effective_id<'a>(model: &'a Option<String>, extra: &'a Extra, name: &str) -> Option<&'a str> {
    model
        .as_deref()
        .or_else(|| extra.element(name).and_then(|e| e.attr("id")))
}

/// What libvirt takes a USB id or address number for; `None` when it refuses the text.
fn usb_number(text: &str) -> Option<u64> {
    // libvirt's strtoul reads leading blanks but nothing after the digits.
    let t = text.trim_start();
    if t.is_empty() || t.starts_with(['+', '-']) || t != t.trim_end() {
        return None;
    }
    parse_c_number(t)
}

fn validate_usb(
    path: &str,
    vendor: &Option<String>,
    product: &Option<String>,
    address: &Option<UsbAddress>,
    extra: &Extra,
    diags: &mut Diagnostics,
) {
    let spath = format!("{path}/source");
    for name in ["vendor", "product"] {
        if extra.element(name).is_some_and(|e| e.attr("id").is_none()) {
            diags.error(
                "E-HOSTDEV-USB-ID-MISSING",
                format!("{spath}/{name}"),
                format!("<{name}> has no id"),
                format!("write <{name} id='0x1234'/>: the id lsusb shows, with 0x in front"),
            );
        }
    }
    let vendor = effective_id(vendor, extra, "vendor");
    let product = effective_id(product, extra, "product");
    if let Some(v) = vendor {
        if check_id(v, "vendor", &spath, diags) == Some(0) {
            diags.error(
                "E-HOSTDEV-USB-ID-ZERO",
                format!("{spath}/vendor/@id"),
                "vendor id 0 is not a USB vendor; libvirt refuses it",
                "write the vendor id lsusb shows, such as 0x046d",
            );
        }
    }
    if let Some(p) = product {
        check_id(p, "product", &spath, diags);
    }
    match (vendor, product) {
        (Some(_), None) => diags.error(
            "E-HOSTDEV-USB-PRODUCT-MISSING",
            format!("{spath}/product"),
            "the USB device has a vendor id and no product id",
            "add <product id='0x...'/> after <vendor>: libvirt needs both to find the device",
        ),
        (None, Some(_)) => diags.error(
            "E-HOSTDEV-USB-VENDOR-MISSING",
            format!("{spath}/vendor"),
            "the USB device has a product id and no vendor id",
            "add <vendor id='0x...'/> before <product>: libvirt needs both to find the device",
        ),
        _ => {}
    }
    let by_id = vendor.is_some() || product.is_some();
    match address {
        Some(a) => check_address(a, &spath, by_id, diags),
        None if !by_id => diags.error(
            "E-HOSTDEV-USB-SOURCE-MISSING",
            spath,
            "the USB host device says neither which device it is (vendor and product) nor where it is (bus and device)",
            "add <vendor id='0x1234'/><product id='0xbeef'/>, or <address bus='1' device='3'/>, as lsusb shows them",
        ),
        None => {}
    }
}

/// A vendor or product id: a number libvirt can read, non-zero for a vendor, 16 bits.
fn check_id(text: &str, name: &str, spath: &str, diags: &mut Diagnostics) -> Option<u64> {
    let at = format!("{spath}/{name}/@id");
    let Some(value) = usb_number(text) else {
        let hint = if !text.is_empty()
            && text.len() <= 4
            && text.chars().all(|c| c.is_ascii_hexdigit())
        {
            format!("did you mean 0x{text}? libvirt reads an id without 0x as decimal, or octal when it starts with 0")
        } else {
            "write the id in hexadecimal with 0x in front, such as 0x1234".to_string()
        };
        diags.error(
            "E-HOSTDEV-USB-ID-NUMBER",
            at,
            format!("{name} id '{text}' is not a number libvirt can read"),
            hint,
        );
        return None;
    };
    if value > 0xffff {
        diags.error(
            "E-HOSTDEV-USB-ID-RANGE",
            at,
            format!("{name} id '{text}' is {value:#x}, and USB ids are 16 bits (at most 0xffff)"),
            "write the 4-digit id lsusb shows, with 0x in front",
        );
        return Some(value);
    }
    let is_hex = text.starts_with("0x") || text.starts_with("0X");
    if !is_hex && text.len() == 4 {
        let base = if text.starts_with('0') {
            "octal"
        } else {
            "decimal"
        };
        diags.warning(
            "W-HOSTDEV-USB-ID-NOT-HEX",
            at,
            format!("{name} id '{text}' is read as {base} {value} ({value:#06x})"),
            format!("lsusb shows ids in hexadecimal: if you copied it from there, write 0x{text}"),
        );
    }
    Some(value)
}

/// Both of bus and device, as numbers from 1 (libvirt reads 0 as "not given").
fn check_address(a: &UsbAddress, spath: &str, by_id: bool, diags: &mut Diagnostics) {
    let apath = format!("{spath}/address");
    let mut zero = false;
    for (name, value) in [("bus", &a.bus), ("device", &a.device)] {
        let Some(text) = value else {
            diags.error(
                "E-HOSTDEV-USB-ADDRESS-INCOMPLETE",
                format!("{apath}/@{name}"),
                format!("the USB address has no {name}"),
                "write both, as lsusb shows them: <address bus='1' device='3'/>",
            );
            continue;
        };
        match usb_number(text) {
            None => diags.error(
                "E-HOSTDEV-USB-ADDRESS-NUMBER",
                format!("{apath}/@{name}"),
                format!("USB {name} '{text}' is not a number libvirt can read"),
                format!("write the {name} number lsusb shows, such as {name}='3'"),
            ),
            Some(0) => zero = true,
            Some(n) if n > 0xfff => diags.error(
                "E-HOSTDEV-USB-ADDRESS-RANGE",
                format!("{apath}/@{name}"),
                format!("USB {name} '{text}' is {n}, above what libvirt's schema allows (0xfff)"),
                format!("write the {name} number lsusb shows"),
            ),
            Some(_) => {}
        }
    }
    if !zero {
        return;
    }
    let message =
        "USB bus and device numbers start at 1; libvirt reads 0 as 'no address' and drops it";
    let hint =
        "write the bus and device numbers lsusb shows, such as <address bus='1' device='3'/>";
    if by_id {
        // The ids still pick the device; only the address is lost.
        diags.warning("W-HOSTDEV-USB-ADDRESS-ZERO", apath, message, hint);
    } else {
        diags.error("E-HOSTDEV-USB-ADDRESS-ZERO", apath, message, hint);
    }
}

/// Rules across all host devices: the same USB device is passed through once.
pub fn validate_all(devices: &[(&Device, String)], _cx: &Context, diags: &mut Diagnostics) {
    let usb: Vec<(UsbNumbers, &str)> = devices
        .iter()
        .filter_map(|(d, path)| match d {
            Device::Hostdev(h) => usb_numbers(h)
                .filter(|n| n.vendor != 0 || n.product != 0 || n.bus != 0 || n.device != 0)
                .map(|n| (n, path.as_str())),
            _ => None,
        })
        .collect();
    // usb_match looks at the earlier device's address, so keep earlier devices in two maps:
    // those matched by address and those matched by ids. Linear, even for hostile input.
    let mut by_address = FirstSeen::default();
    let mut by_ids = FirstSeen::default();
    for (j, (second, path)) in usb.iter().enumerate() {
        let address = format!("{}:{}", second.bus, second.device);
        let ids = format!("{}:{}", second.vendor, second.product);
        let earlier = [by_address.get(&address), by_ids.get(&ids)]
            .into_iter()
            .flatten()
            .min()
            .and_then(|i| usb.get(i));
        if let Some((first, first_path)) = earlier {
            debug_assert!(usb_match(first, second));
            diags.error(
                "E-HOSTDEV-DUPLICATE",
                format!("{path}/source"),
                format!("this USB device is already passed through by {first_path}"),
                "remove one of the two <hostdev> elements: libvirt refuses the same host device twice",
            );
        }
        if second.bus != 0 && second.device != 0 {
            by_address.remember(address, j);
        } else {
            by_ids.remember(ids, j);
        }
    }
    let mut pci = FirstSeen::default();
    for (i, (d, path)) in devices.iter().enumerate() {
        let Device::Hostdev(Hostdev {
            source: HostdevSource::Pci {
                address: Some(a), ..
            },
            ..
        }) = d
        else {
            continue;
        };
        let Some(n) = a.numbers() else { continue };
        let key = format!("{}:{}:{}.{}", n[0], n[1], n[2], n[3]);
        if let Some(first) = pci.check(key, i) {
            diags.error(
                "E-HOSTDEV-DUPLICATE",
                format!("{path}/source/address"),
                format!(
                    "this PCI device is already passed through by {}",
                    crate::devices::path_of(devices, first)
                ),
                "remove one of the two <hostdev> elements: libvirt refuses the same host device twice",
            );
        }
    }
}

/// A USB hostdev's numbers as libvirt holds them, 0 for "not given".
struct UsbNumbers {
    vendor: u64,
    product: u64,
    bus: u64,
    device: u64,
}

fn usb_numbers(h: &Hostdev) -> Option<UsbNumbers> {
    let HostdevSource::Usb {
        vendor,
        product,
        address,
        extra,
    } = &h.source
    else {
        return None;
    };
    let num = |s: Option<&str>| s.and_then(usb_number).unwrap_or(0);
    Some(UsbNumbers {
        vendor: num(effective_id(vendor, extra, "vendor")),
        product: num(effective_id(product, extra, "product")),
        bus: num(address.as_ref().and_then(|a| a.bus.as_deref())),
        device: num(address.as_ref().and_then(|a| a.device.as_deref())),
    })
}

/// libvirt's `virDomainHostdevMatchSubsysUSB`: by address when the first has one, else by ids.
fn usb_match(first: &UsbNumbers, second: &UsbNumbers) -> bool {
    if first.bus != 0 && first.device != 0 {
        first.bus == second.bus && first.device == second.device
    } else {
        first.vendor == second.vendor && first.product == second.product
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn hostdev_of(xml: &str) -> Hostdev {
        match Some(first_device(xml)) {
            Some(Device::Hostdev(h)) => h,
            other => panic!("not a hostdev: {other:?}"),
        }
    }

    fn domain(devices: &str) -> String {
        domain_with_devices(devices)
    }

    fn has(devices: &str, code: &str) -> bool {
        codes_of(&domain(devices)).iter().any(|c| c == code)
    }

    fn found(devices: &str) -> Vec<(String, String)> {
        crate::check(&domain(devices))
            .diagnostics
            .into_iter()
            .map(|d| (d.code, d.path))
            .collect()
    }

    fn clean(devices: &str) -> bool {
        let all = codes_of(&domain(devices));
        let bad: Vec<&String> = all
            .iter()
            .filter(|c| c.starts_with("E-") || c.starts_with("W-"))
            .collect();
        assert!(bad.is_empty(), "{devices}: {bad:?}");
        true
    }

    fn usb(vendor: &str, product: &str) -> String {
        format!("<hostdev mode='subsystem' type='usb'><source><vendor id='{vendor}'/><product id='{product}'/></source></hostdev>")
    }

    fn usb_at(bus: &str, device: &str) -> String {
        format!("<hostdev mode='subsystem' type='usb'><source><address bus='{bus}' device='{device}'/></source></hostdev>")
    }

    #[test]
    fn spec_example_by_id_both_directions() {
        let xml = "<hostdev mode='subsystem' type='usb'>\n  <source>\n    <vendor id='0x1234'/>\n    <product id='0xbeef'/>\n  </source>\n</hostdev>\n";
        let model = Hostdev::usb_by_id("0x1234", "0xbeef");
        assert_eq!(hostdev_of(xml), model);
        assert_eq!(xml_of(&model.write()), xml);
        assert!(clean(xml));
    }

    #[test]
    fn pci_both_directions_and_rules() {
        let xml = "<hostdev mode='subsystem' type='pci' managed='yes'>\n  <source>\n    <address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>\n  </source>\n</hostdev>\n";
        let model = Hostdev::pci(PciAddress::from_lspci("0000:03:00.0").unwrap());
        assert_eq!(hostdev_of(xml), model);
        assert_eq!(xml_of(&model.write()), xml);
        assert!(clean(xml));
        assert_eq!(
            PciAddress::from_lspci("03:1f.7").unwrap().numbers(),
            Some([0, 3, 0x1f, 7])
        );
        assert!(PciAddress::from_lspci("03:00").is_none());
        assert!(PciAddress::from_lspci("zz:00.0").is_none());
        // A guest-side address after the source is kept.
        let guest = "<hostdev mode='subsystem' type='pci' managed='yes'>\n  <source>\n    <address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/>\n  </source>\n  <address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/>\n</hostdev>\n";
        assert_eq!(xml_of(&hostdev_of(guest).write()), guest);
        assert!(has(
            "<hostdev mode='subsystem' type='pci'><source/></hostdev>",
            "E-HOSTDEV-PCI-ADDRESS-MISSING"
        ));
        assert!(has(
            "<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x03' slot='0x20' function='0x0'/></source></hostdev>",
            "E-HOSTDEV-PCI-ADDRESS"
        ));
        let two = "<hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source></hostdev><hostdev mode='subsystem' type='pci'><source><address bus='3' slot='0'/></source></hostdev>";
        assert!(found(two).contains(&(
            "E-HOSTDEV-DUPLICATE".to_string(),
            "/domain/devices/hostdev[2]/source/address".to_string()
        )));
    }

    #[test]
    fn by_address_both_directions() {
        let xml = "<hostdev mode='subsystem' type='usb' managed='no'>\n  <source>\n    <address bus='1' device='3'/>\n  </source>\n</hostdev>\n";
        let model = Hostdev {
            managed: Some(false),
            ..Hostdev::usb_by_address("1", "3")
        };
        assert_eq!(hostdev_of(xml), model);
        assert_eq!(xml_of(&model.write()), xml);
        assert!(clean(xml));
    }

    #[test]
    fn ids_in_every_base_are_kept_as_written() {
        let xml = "<hostdev mode='subsystem' type='usb'>\n  <source>\n    <vendor id='0X46D'/>\n    <product id='011064'/>\n    <address bus='0x1' device='012'/>\n  </source>\n</hostdev>\n";
        let h = hostdev_of(xml);
        let HostdevSource::Usb {
            vendor,
            product,
            address,
            ..
        } = &h.source
        else {
            panic!("not usb");
        };
        assert_eq!(vendor.as_deref(), Some("0X46D"));
        assert_eq!(product.as_deref(), Some("011064"));
        assert_eq!(
            address.as_ref().and_then(|a| a.device.as_deref()),
            Some("012")
        );
        assert_eq!(xml_of(&h.write()), xml);
        assert!(clean(xml));
    }

    #[test]
    fn unmodelled_parts_come_back_in_place() {
        for xml in [
            "<hostdev mode='subsystem' type='usb' managed='yes'>\n  <source startupPolicy='optional' guestReset='off'>\n    <vendor id='0x1234'/>\n    <product id='0xbeef'/>\n    <address bus='1' device='2'/>\n  </source>\n  <boot order='2'/>\n  <alias name='hostdev0'/>\n  <address type='usb' bus='0' port='1'/>\n</hostdev>\n",
            "<hostdev mode='subsystem' type='pci' managed='yes'>\n  <driver name='vfio'/>\n  <source>\n    <address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/>\n  </source>\n</hostdev>\n",
            "<hostdev mode='capabilities' type='storage'>\n  <source>\n    <block>/dev/sdf1</block>\n  </source>\n</hostdev>\n",
            "<hostdev type='usb'>\n  <source>\n    <address bus='1' device='2'/>\n  </source>\n</hostdev>\n",
        ] {
            assert_eq!(xml_of(&hostdev_of(xml).write()), xml);
        }
        let scsi = "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/></source></hostdev>";
        assert_eq!(
            hostdev_of(scsi).source,
            HostdevSource::Other {
                hostdev_type: Some("scsi".into())
            }
        );
        assert!(has(scsi, "I-HOSTDEV-TYPE-KEPT"));
    }

    #[test]
    fn product_before_vendor_warns_and_is_written_in_order() {
        let xml = "<hostdev mode='subsystem' type='usb'><source><product id='0xbeef'/><vendor id='0x1234'/></source></hostdev>";
        let f = found(xml);
        let w = crate::check(&domain(xml))
            .diagnostics
            .into_iter()
            .find(|d| d.code == "W-ORDER")
            .expect("order warning");
        assert_eq!(w.path, "/domain/devices/hostdev/source/vendor");
        assert!(w.hint.contains("vmxml writes them in the right order"));
        assert!(!f.iter().any(|(c, _)| c.starts_with("E-")), "{f:?}");
        assert_eq!(
            xml_of(&hostdev_of(xml).write()),
            "<hostdev mode='subsystem' type='usb'>\n  <source>\n    <vendor id='0x1234'/>\n    <product id='0xbeef'/>\n  </source>\n</hostdev>\n"
        );
    }

    #[test]
    fn models_survive_serde() {
        for model in [
            Hostdev::usb_by_id("0x1234", "0xbeef"),
            Hostdev::usb_by_address("1", "3"),
            hostdev_of("<hostdev mode='subsystem' type='pci'><source/></hostdev>"),
        ] {
            // Spans are not serialised: compare what serialises.
            let json = serde_json::to_string(&model).unwrap();
            let back: Hostdev = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&back).unwrap(), json);
            assert_eq!(back.write().name, "hostdev");
        }
    }

    #[test]
    fn rule_vendor_and_product_together() {
        let only_vendor =
            "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/></source></hostdev>";
        assert!(found(only_vendor).contains(&(
            "E-HOSTDEV-USB-PRODUCT-MISSING".into(),
            "/domain/devices/hostdev/source/product".into()
        )));
        assert!(has(
            "<hostdev mode='subsystem' type='usb'><source><product id='0x1234'/></source></hostdev>",
            "E-HOSTDEV-USB-VENDOR-MISSING"
        ));
        assert!(has(
            "<hostdev mode='subsystem' type='usb'><source><vendor/><product id='1'/></source></hostdev>",
            "E-HOSTDEV-USB-ID-MISSING"
        ));
        assert!(has(
            "<hostdev mode='subsystem' type='usb'><source/></hostdev>",
            "E-HOSTDEV-USB-SOURCE-MISSING"
        ));
        assert!(has(
            "<hostdev mode='subsystem' type='usb'></hostdev>",
            "E-HOSTDEV-USB-SOURCE-MISSING"
        ));
        assert!(clean(&usb("0x1234", "0xbeef")));
    }

    #[test]
    fn rule_bus_and_device_together() {
        assert!(found(
            "<hostdev mode='subsystem' type='usb'><source><address bus='1'/></source></hostdev>"
        )
        .contains(&(
            "E-HOSTDEV-USB-ADDRESS-INCOMPLETE".into(),
            "/domain/devices/hostdev/source/address/@device".into()
        )));
        assert!(has(&usb_at("x", "1"), "E-HOSTDEV-USB-ADDRESS-NUMBER"));
        assert!(has(&usb_at("0x1000", "1"), "E-HOSTDEV-USB-ADDRESS-RANGE"));
        assert!(has(&usb_at("0", "0"), "E-HOSTDEV-USB-ADDRESS-ZERO"));
        assert!(has(
            "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1'/><product id='0x2'/><address bus='0' device='0'/></source></hostdev>",
            "W-HOSTDEV-USB-ADDRESS-ZERO"
        ));
        assert!(clean(&usb_at("1", "3")));
        assert!(clean(&usb_at("0x1", "0x7f")));
    }

    #[test]
    fn rule_ids_are_numbers_in_range() {
        let f = found(&usb("08", "0x1"));
        assert!(f.contains(&(
            "E-HOSTDEV-USB-ID-NUMBER".into(),
            "/domain/devices/hostdev/source/vendor/@id".into()
        )));
        let beef = crate::check(&domain(&usb("0x1", "beef")))
            .diagnostics
            .into_iter()
            .find(|d| d.code == "E-HOSTDEV-USB-ID-NUMBER")
            .expect("beef is not a number");
        assert!(beef.hint.contains("0xbeef"), "{}", beef.hint);
        assert!(has(&usb("0x12345", "0x1"), "E-HOSTDEV-USB-ID-RANGE"));
        assert!(has(&usb("0", "0x1"), "E-HOSTDEV-USB-ID-ZERO"));
        assert!(has(&usb("1234", "0x1"), "W-HOSTDEV-USB-ID-NOT-HEX"));
        assert!(clean(&usb("0x046d", "0xc52b")));
        // libvirt takes product 0.
        assert!(clean(&usb("0x046d", "0x0")));
    }

    #[test]
    fn rule_mode_type_managed() {
        assert!(has(
            "<hostdev mode='bogus' type='usb'><source><address bus='1' device='2'/></source></hostdev>",
            "E-HOSTDEV-MODE"
        ));
        assert!(has(
            "<hostdev mode='subsystem' type='usbb'><source/></hostdev>",
            "E-HOSTDEV-TYPE"
        ));
        assert!(has(
            "<hostdev mode='subsystem'><source/></hostdev>",
            "E-HOSTDEV-TYPE"
        ));
        assert!(has(
            "<hostdev mode='capabilities' type='usb'><source/></hostdev>",
            "E-HOSTDEV-TYPE"
        ));
        assert!(has(
            "<hostdev mode='subsystem' type='usb' managed='on'><source><address bus='1' device='2'/></source></hostdev>",
            "E-HOSTDEV-MANAGED"
        ));
        assert!(clean(
            "<hostdev mode='subsystem' type='usb' managed='yes'><source><address bus='1' device='2'/></source></hostdev>"
        ));
    }

    #[test]
    fn rule_duplicate() {
        let f = found(&format!("{}{}", usb("1", "2"), usb("0x1", "0x2")));
        assert!(f.contains(&(
            "E-HOSTDEV-DUPLICATE".into(),
            "/domain/devices/hostdev[2]/source".into()
        )));
        assert!(has(
            &format!("{}{}", usb_at("1", "2"), usb_at("1", "2")),
            "E-HOSTDEV-DUPLICATE"
        ));
        assert!(clean(&format!("{}{}", usb_at("1", "2"), usb_at("1", "3"))));
        assert!(clean(&format!(
            "{}{}",
            usb("0x1", "0x2"),
            usb("0x1", "0x3")
        )));
    }
}
