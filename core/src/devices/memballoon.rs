//! `<memballoon>`: the balloon through which the host takes memory back from the guest.

use serde::{Deserialize, Serialize};

use crate::devices::{unknown_value, Device};
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::xml::Element;

value_enum!(
    /// `<memballoon model=...>`.
    MemballoonModel {
        Virtio = "virtio",
        VirtioTransitional = "virtio-transitional",
        VirtioNonTransitional = "virtio-non-transitional",
        Xen = "xen",
        /// No balloon: libvirt adds a virtio one otherwise.
        None = "none",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memballoon {
    /// `Other("")` when the document gave no model (libvirt requires one).
    pub model: MemballoonModel,
    /// `autodeflate='on'`: the balloon gives memory back before the guest runs out.
    #[serde(default)]
    pub autodeflate: Option<bool>,
    /// `freePageReporting='on'`: the guest reports free pages for the host to reclaim.
    #[serde(default)]
    pub free_page_reporting: Option<bool>,
    /// `<stats period>`, `<address>`, `<driver>` and the rest, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// Reads an attribute the schema types as `virOnOff`; anything else is reported and kept.
pub(crate) fn attr_on_off(c: &mut Cursor, name: &str, diags: &mut Diagnostics) -> Option<bool> {
    c.attr_parsed(name, diags, |v| match v {
        "on" => Ok(true),
        "off" => Ok(false),
        other => Err((
            "E-VALUE-ON-OFF",
            format!("{name}='{other}' is neither on nor off"),
            format!("write {name}='on' or {name}='off'"),
        )),
    })
}

pub(crate) fn on_off(value: Option<bool>) -> Option<&'static str> {
    value.map(|b| if b { "on" } else { "off" })
}

impl Memballoon {
    pub fn new(model: MemballoonModel) -> Memballoon {
        Memballoon {
            model,
            autodeflate: None,
            free_page_reporting: None,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Memballoon {
        let model = MemballoonModel::parse(c.attr("model").unwrap_or(""));
        let autodeflate = attr_on_off(&mut c, "autodeflate", diags);
        let free_page_reporting = attr_on_off(&mut c, "freePageReporting", diags);
        Memballoon {
            model,
            autodeflate,
            free_page_reporting,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        ElementBuilder::new("memballoon")
            .opt_attr("model", Some(self.model.as_str()).filter(|m| !m.is_empty()))
            .opt_attr("autodeflate", on_off(self.autodeflate))
            .opt_attr("freePageReporting", on_off(self.free_page_reporting))
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        if let MemballoonModel::Other(m) = &self.model {
            unknown_value(
                diags,
                "E-MEMBALLOON-MODEL",
                format!("{path}/@model"),
                "memory balloon model",
                m,
                MemballoonModel::known(),
            );
        }
    }
}

/// libvirt takes a single balloon.
pub fn validate_all(devices: &[(&Device, String)], _cx: &Context, diags: &mut Diagnostics) {
    for (_, path) in devices
        .iter()
        .filter(|(d, _)| matches!(d, Device::Memballoon(_)))
        .skip(1)
    {
        diags.error(
            "E-MEMBALLOON-DUPLICATE",
            path.clone(),
            "libvirt supports only one memory balloon",
            "remove this <memballoon>",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn balloon_of(xml: &str) -> Memballoon {
        match first_device(xml) {
            Device::Memballoon(m) => m,
            other => panic!("not a balloon: {other:?}"),
        }
    }

    #[test]
    fn both_directions() {
        let xml = "<memballoon model='virtio' autodeflate='on' freePageReporting='off'/>\n";
        let model = Memballoon {
            autodeflate: Some(true),
            free_page_reporting: Some(false),
            ..Memballoon::new(MemballoonModel::Virtio)
        };
        assert_eq!(balloon_of(xml), model);
        assert_eq!(xml_of(&model.write()), xml);
        let none = "<memballoon model='none'/>\n";
        assert_eq!(balloon_of(none), Memballoon::new(MemballoonModel::None));
        let kept = "<memballoon model='virtio'>\n  <stats period='10'/>\n  <address type='pci' domain='0x0000' bus='0x00' slot='0x06' function='0x0'/>\n</memballoon>\n";
        let m = balloon_of(kept);
        assert!(m.extra.has_element("stats"));
        assert_eq!(xml_of(&m.write()), kept);
        // A value libvirt would refuse stays as written.
        let bad = "<memballoon model='virtio' autodeflate='yes'/>\n";
        assert_eq!(xml_of(&balloon_of(bad).write()), bad);
    }

    #[test]
    fn rules() {
        let codes = |d: &str| codes_of(&domain_with_devices(d));
        assert!(codes("<memballoon model='virtoi'/>").contains(&"E-MEMBALLOON-MODEL".into()));
        assert!(codes("<memballoon/>").contains(&"E-MEMBALLOON-MODEL".into()));
        assert!(codes("<memballoon model='virtio' autodeflate='yes'/>")
            .contains(&"E-VALUE-ON-OFF".into()));
        assert!(
            codes("<memballoon model='virtio'/><memballoon model='none'/>")
                .contains(&"E-MEMBALLOON-DUPLICATE".into())
        );
        let ok = codes("<memballoon model='virtio' autodeflate='on'/>");
        assert!(
            !ok.iter()
                .any(|c| c.contains("MEMBALLOON") || c.contains("ON-OFF")),
            "{ok:?}"
        );
    }
}
