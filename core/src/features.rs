//! `<features>`: hypervisor features toggled on by their presence.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::xml::Element;

/// A feature switched on by an empty element; attributes such as `<apic eoi='on'/>` are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureFlag {
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Features {
    /// Physical address extension: lets 32-bit guests use more than 4 GB.
    #[serde(default)]
    pub pae: Option<FeatureFlag>,
    /// ACPI: power management; KVM guests need it for a graceful shutdown.
    #[serde(default)]
    pub acpi: Option<FeatureFlag>,
    /// APIC: the programmable interrupt controller.
    #[serde(default)]
    pub apic: Option<FeatureFlag>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Features {
    /// What a PC guest wants: ACPI and APIC.
    pub fn pc() -> Self {
        Features {
            acpi: Some(FeatureFlag::default()),
            apic: Some(FeatureFlag::default()),
            ..Default::default()
        }
    }

    pub fn read(mut c: Cursor, _diags: &mut Diagnostics) -> Features {
        let mut flag = |name: &str| c.child(name).map(|f| FeatureFlag { extra: f.finish() });
        let pae = flag("pae");
        let acpi = flag("acpi");
        let apic = flag("apic");
        Features {
            pae,
            acpi,
            apic,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let flag = |name: &str, f: &Option<FeatureFlag>| {
            f.as_ref()
                .map(|f| ElementBuilder::new(name).build(&f.extra))
        };
        // libvirt's formatter order (virDomainFeature): acpi, apic, pae, then the rest.
        ElementBuilder::new("features")
            .opt_child(flag("acpi", &self.acpi))
            .opt_child(flag("apic", &self.apic))
            .opt_child(flag("pae", &self.pae))
            .build(&self.extra)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{domain_from, xml_of};

    #[test]
    fn both_directions() {
        let xml = "<features>\n  <acpi/>\n  <apic eoi='on'/>\n  <pae/>\n  <hap/>\n</features>\n";
        let f = domain_from(&format!("<domain type='xen'>{xml}</domain>"))
            .features
            .unwrap();
        assert!(f.pae.is_some() && f.acpi.is_some());
        assert_eq!(f.apic.as_ref().unwrap().extra.attr("eoi"), Some("on"));
        assert_eq!(xml_of(&f.write()), xml);
        assert_eq!(
            xml_of(&Features::pc().write()),
            "<features>\n  <acpi/>\n  <apic/>\n</features>\n"
        );
    }
}
