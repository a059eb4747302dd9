//! `<redirdev>`: a USB device of the viewer's machine (or a socket) redirected into the guest.

use serde::{Deserialize, Serialize};

use crate::devices::chardev::LIBVIRT_CHAR_TYPES;
use crate::devices::{unknown_value, Device};
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::xml::Element;

value_enum!(
    /// `<redirdev bus=...>`: only USB can be redirected.
    RedirdevBus {
        Usb = "usb",
    }
);

value_enum!(
    /// `<redirdev type=...>`: the char device the USB traffic travels over.
    RedirdevType {
        /// Through the SPICE connection: the viewer picks the device.
        Spicevmc = "spicevmc",
        /// A usbredir server or client on TCP (`<source mode host service>`).
        Tcp = "tcp",
        Unix = "unix",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirdev {
    /// `None` writes no bus (libvirt requires usb).
    #[serde(default)]
    pub bus: Option<RedirdevBus>,
    /// `Other("")` when the document gave no type (libvirt requires one).
    pub redir_type: RedirdevType,
    /// `<source>`, `<protocol>`, `<boot>`, `<address>` and the rest, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Redirdev {
    /// USB redirection through SPICE, as virt-manager adds it.
    pub fn spice_usb() -> Redirdev {
        Redirdev {
            bus: Some(RedirdevBus::Usb),
            redir_type: RedirdevType::Spicevmc,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, _diags: &mut Diagnostics) -> Redirdev {
        Redirdev {
            bus: c.attr("bus").map(RedirdevBus::parse),
            redir_type: RedirdevType::parse(c.attr("type").unwrap_or("")),
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let ty = Some(self.redir_type.as_str()).filter(|t| !t.is_empty());
        ElementBuilder::new("redirdev")
            .opt_attr("bus", self.bus.as_ref().map(|b| b.as_str()))
            .opt_attr("type", ty)
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        match &self.bus {
            Some(RedirdevBus::Other(b)) => unknown_value(
                diags,
                "E-REDIRDEV-BUS",
                format!("{path}/@bus"),
                "redirection bus",
                b,
                RedirdevBus::known(),
            ),
            None => diags.error(
                "E-REDIRDEV-BUS",
                format!("{path}/@bus"),
                "the redirected device has no bus",
                "write bus='usb'",
            ),
            Some(RedirdevBus::Usb) => {}
        }
        if let RedirdevType::Other(t) = &self.redir_type {
            if !LIBVIRT_CHAR_TYPES.contains(&t.as_str()) {
                unknown_value(
                    diags,
                    "E-REDIRDEV-TYPE",
                    format!("{path}/@type"),
                    "redirection type",
                    t,
                    LIBVIRT_CHAR_TYPES,
                );
                return;
            }
        }
        // The USB traffic travels over a char device: its <source> follows those rules.
        crate::devices::chardev::validate_embedded_source(&self.write(), path, diags);
    }
}

/// spicevmc redirection needs a SPICE display to travel over.
pub fn validate_all(devices: &[(&Device, String)], _cx: &Context, diags: &mut Diagnostics) {
    if crate::devices::graphics::has_spice(devices) {
        return;
    }
    for (d, path) in devices {
        if let Device::Redirdev(r) = d {
            if r.redir_type == RedirdevType::Spicevmc {
                diags.warning(
                    "W-REDIRDEV-NO-SPICE",
                    format!("{path}/@type"),
                    "spicevmc redirection travels over SPICE, and the guest has no SPICE display",
                    "add <graphics type='spice'/>, or remove the <redirdev>",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn redirdev_of(xml: &str) -> Redirdev {
        match first_device(xml) {
            Device::Redirdev(r) => r,
            other => panic!("not a redirdev: {other:?}"),
        }
    }

    #[test]
    fn both_directions() {
        let xml = "<redirdev bus='usb' type='spicevmc'/>\n";
        assert_eq!(redirdev_of(xml), Redirdev::spice_usb());
        assert_eq!(xml_of(&Redirdev::spice_usb().write()), xml);
        let tcp = "<redirdev bus='usb' type='tcp'>\n  <source mode='connect' host='localhost' service='4000'/>\n  <boot order='1'/>\n</redirdev>\n";
        let r = redirdev_of(tcp);
        assert_eq!(r.redir_type, RedirdevType::Tcp);
        assert!(r.extra.has_element("source"));
        assert_eq!(xml_of(&r.write()), tcp);
    }

    #[test]
    fn rules() {
        let codes = |d: &str| codes_of(&domain_with_devices(d));
        assert!(
            codes("<redirdev bus='usb' type='spicevmc'/>").contains(&"W-REDIRDEV-NO-SPICE".into())
        );
        assert!(
            codes("<redirdev bus='pci' type='spicevmc'/><graphics type='spice'/>")
                .contains(&"E-REDIRDEV-BUS".into())
        );
        assert!(codes("<redirdev bus='usb' type='spice'/>").contains(&"E-REDIRDEV-TYPE".into()));
        assert!(codes(
            "<redirdev bus='usb' type='tcp'><source mode='connect' service='4000'/></redirdev>"
        )
        .contains(&"E-CHARDEV-SOURCE-HOST-MISSING".into()));
        let ok = codes("<redirdev bus='usb' type='spicevmc'/><graphics type='spice'/><redirdev bus='usb' type='tcp'><source mode='connect' host='h' service='4000'/></redirdev>");
        assert!(
            !ok.iter()
                .any(|c| c.contains("REDIRDEV") || c.contains("CHARDEV")),
            "{ok:?}"
        );
    }
}
