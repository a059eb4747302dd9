//! `<watchdog>`: a virtual hardware watchdog, and what libvirt does when the guest stops
//! feeding it.

use serde::{Deserialize, Serialize};

use crate::devices::{unknown_value, Device};
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::xml::Element;

value_enum!(
    /// `<watchdog model=...>`: the emulated watchdog chip.
    WatchdogModel {
        /// Intel 6300ESB on PCI: the usual choice for x86 guests.
        I6300esb = "i6300esb",
        /// iBase IB700 on ISA.
        Ib700 = "ib700",
        /// s390 diagnose 288.
        Diag288 = "diag288",
        /// The TCO watchdog built into the q35 chipset (libvirt after 9.0).
        Itco = "itco",
    }
);

value_enum!(
    /// `<watchdog action=...>`: what happens when the watchdog fires.
    WatchdogAction {
        Reset = "reset",
        Shutdown = "shutdown",
        Poweroff = "poweroff",
        Pause = "pause",
        None = "none",
        /// Dump the guest's memory, then carry on.
        Dump = "dump",
        InjectNmi = "inject-nmi",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watchdog {
    /// `Other("")` when the document gave no model; written without one.
    pub model: WatchdogModel,
    /// `None`: libvirt resets the guest.
    #[serde(default)]
    pub action: Option<WatchdogAction>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Watchdog {
    pub fn new(model: WatchdogModel, action: Option<WatchdogAction>) -> Watchdog {
        Watchdog {
            model,
            action,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, _diags: &mut Diagnostics) -> Watchdog {
        Watchdog {
            model: WatchdogModel::parse(c.attr("model").unwrap_or("")),
            action: c.attr("action").map(WatchdogAction::parse),
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        ElementBuilder::new("watchdog")
            .opt_attr("model", Some(self.model.as_str()).filter(|m| !m.is_empty()))
            .opt_attr("action", self.action.as_ref().map(|a| a.as_str()))
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        match &self.model {
            WatchdogModel::Other(m) => unknown_value(
                diags,
                "E-WATCHDOG-MODEL",
                format!("{path}/@model"),
                "watchdog model",
                m,
                WatchdogModel::known(),
            ),
            WatchdogModel::Itco => diags.warning(
                "W-WATCHDOG-MODEL-NEW",
                format!("{path}/@model"),
                "libvirt 9.0 and older do not know watchdog model 'itco'",
                "q35 guests of newer libvirt have an itco watchdog anyway; use i6300esb for older hosts",
            ),
            _ => {}
        }
        if let Some(WatchdogAction::Other(a)) = &self.action {
            unknown_value(
                diags,
                "E-WATCHDOG-ACTION",
                format!("{path}/@action"),
                "watchdog action",
                a,
                WatchdogAction::known(),
            );
        }
    }
}

/// Rules across watchdogs: libvirt 9.0 takes one; newer libvirt takes one of each model.
pub fn validate_all(devices: &[(&Device, String)], _cx: &Context, diags: &mut Diagnostics) {
    let mut first: Option<&Watchdog> = None;
    for (d, path) in devices {
        let Device::Watchdog(w) = d else { continue };
        let Some(f) = first else {
            first = Some(w);
            continue;
        };
        if f.model == w.model {
            diags.error(
                "E-WATCHDOG-DUPLICATE",
                path.clone(),
                format!(
                    "a second {} watchdog: libvirt takes one of each model",
                    w.model
                ),
                "remove this watchdog",
            );
        } else {
            diags.warning(
                "W-WATCHDOG-SECOND",
                path.clone(),
                "libvirt 9.0 and older accept only one watchdog",
                "keep one watchdog unless the host runs newer libvirt",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn watchdog_of(xml: &str) -> Watchdog {
        match first_device(xml) {
            Device::Watchdog(w) => w,
            other => panic!("not a watchdog: {other:?}"),
        }
    }

    #[test]
    fn both_directions() {
        for (xml, model) in [
            (
                "<watchdog model='i6300esb' action='reset'/>\n",
                Watchdog::new(WatchdogModel::I6300esb, Some(WatchdogAction::Reset)),
            ),
            (
                "<watchdog model='ib700' action='inject-nmi'/>\n",
                Watchdog::new(WatchdogModel::Ib700, Some(WatchdogAction::InjectNmi)),
            ),
            (
                "<watchdog model='diag288'/>\n",
                Watchdog::new(WatchdogModel::Diag288, None),
            ),
        ] {
            assert_eq!(watchdog_of(xml), model);
            assert_eq!(xml_of(&model.write()), xml);
        }
        let kept = "<watchdog model='i6300esb'>\n  <alias name='ua-w'/>\n  <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>\n</watchdog>\n";
        assert_eq!(xml_of(&watchdog_of(kept).write()), kept);
    }

    fn codes(devices: &str) -> Vec<String> {
        codes_of(&domain_with_devices(devices))
    }

    #[test]
    fn rules() {
        assert!(codes("<watchdog model='i6300'/>").contains(&"E-WATCHDOG-MODEL".into()));
        assert!(codes("<watchdog/>").contains(&"E-WATCHDOG-MODEL".into()));
        assert!(
            codes("<watchdog model='ib700' action='boom'/>").contains(&"E-WATCHDOG-ACTION".into())
        );
        assert!(codes("<watchdog model='ib700'/><watchdog model='ib700'/>")
            .contains(&"E-WATCHDOG-DUPLICATE".into()));
        let two = codes("<watchdog model='ib700'/><watchdog model='i6300esb'/>");
        assert!(two.contains(&"W-WATCHDOG-SECOND".into()), "{two:?}");
        assert!(codes("<watchdog model='itco'/>").contains(&"W-WATCHDOG-MODEL-NEW".into()));
        let ok = codes("<watchdog model='i6300esb' action='poweroff'/>");
        assert!(!ok.iter().any(|c| c.contains("WATCHDOG")), "{ok:?}");
    }
}
