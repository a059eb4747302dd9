//! `<panic>`: a device through which the guest tells the host it crashed.

use serde::{Deserialize, Serialize};

use crate::devices::unknown_value;
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::xml::Element;

value_enum!(
    /// `<panic model=...>`.
    PanicModel {
        /// The pvpanic ISA device of x86 guests.
        Isa = "isa",
        /// PowerPC firmware's own notifier.
        Pseries = "pseries",
        /// Hyper-V crash MSRs, for Windows guests.
        Hyperv = "hyperv",
        S390 = "s390",
        /// The pvpanic PCI device (libvirt after 9.0).
        Pvpanic = "pvpanic",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panic {
    /// `None`: libvirt picks the model the architecture has.
    #[serde(default)]
    pub model: Option<PanicModel>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Panic {
    pub fn new(model: Option<PanicModel>) -> Panic {
        Panic {
            model,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, _diags: &mut Diagnostics) -> Panic {
        Panic {
            model: c.attr("model").map(PanicModel::parse),
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        ElementBuilder::new("panic")
            .opt_attr("model", self.model.as_ref().map(|m| m.as_str()))
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        match &self.model {
            Some(PanicModel::Other(m)) => unknown_value(
                diags,
                "E-PANIC-MODEL",
                format!("{path}/@model"),
                "panic model",
                m,
                PanicModel::known(),
            ),
            Some(PanicModel::Pvpanic) => diags.warning(
                "W-PANIC-MODEL-NEW",
                format!("{path}/@model"),
                "libvirt 9.0 and older do not know panic model 'pvpanic'",
                "use model='isa' for hosts with older libvirt",
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::Device;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn panic_of(xml: &str) -> Panic {
        match first_device(xml) {
            Device::Panic(p) => p,
            other => panic!("not a panic device: {other:?}"),
        }
    }

    #[test]
    fn both_directions() {
        for (xml, model) in [
            ("<panic model='isa'/>\n", Panic::new(Some(PanicModel::Isa))),
            (
                "<panic model='hyperv'/>\n",
                Panic::new(Some(PanicModel::Hyperv)),
            ),
            ("<panic/>\n", Panic::new(None)),
        ] {
            assert_eq!(panic_of(xml), model);
            assert_eq!(xml_of(&model.write()), xml);
        }
        let kept = "<panic model='isa'>\n  <address type='isa' iobase='0x505'/>\n</panic>\n";
        assert_eq!(xml_of(&panic_of(kept).write()), kept);
    }

    #[test]
    fn rules() {
        let codes = |d: &str| codes_of(&domain_with_devices(d));
        assert!(codes("<panic model='iso'/>").contains(&"E-PANIC-MODEL".into()));
        assert!(codes("<panic model='pvpanic'/>").contains(&"W-PANIC-MODEL-NEW".into()));
        let ok = codes("<panic model='isa'/><panic model='hyperv'/><panic/>");
        assert!(!ok.iter().any(|c| c.contains("PANIC")), "{ok:?}");
    }
}
