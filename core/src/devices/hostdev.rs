//! `<hostdev>`: host devices passed through to the guest. vmxml models USB devices, picked by
//! vendor/product id or by their bus/device address on the host; other types are kept.

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
    /// Another type (pci, scsi, mdev, storage, net, ...): its `<source>` is kept as written.
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

impl Hostdev {
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
            other => {
                if let Some(t) =
                    other.filter(|t| SUBSYSTEM_TYPES.contains(t) || CAPABILITIES_TYPES.contains(t))
                {
                    diags.info(
                        "I-HOSTDEV-TYPE-KEPT",
                        c.attr_path("type"),
                        format!(
                            "hostdev type '{t}' is kept as written; vmxml models USB host devices"
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
    for (j, (second, path)) in usb.iter().enumerate() {
        let earlier = usb
            .iter()
            .take(j)
            .find(|(first, _)| usb_match(first, second));
        if let Some((_, first_path)) = earlier {
            diags.error(
                "E-HOSTDEV-DUPLICATE",
                format!("{path}/source"),
                format!("this USB device is already passed through by {first_path}"),
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
