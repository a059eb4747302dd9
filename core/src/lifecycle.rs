//! `<on_poweroff>`, `<on_reboot>`, `<on_crash>`: what happens when the guest stops.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::Cursor;
use crate::validate::Context;
use crate::value_enum;
use crate::values::choice_hint;
use crate::xml::Element;

value_enum!(
    LifecycleAction {
        /// Terminate the domain and release its resources.
        Destroy = "destroy",
        /// Terminate, then start again with the same configuration.
        Restart = "restart",
        /// Terminate, keeping the resources for analysis.
        Preserve = "preserve",
        /// Terminate, then start again under a new name.
        RenameRestart = "rename-restart",
        /// Dump the guest's core, then destroy (on_crash only).
        CoredumpDestroy = "coredump-destroy",
        /// Dump the guest's core, then restart (on_crash only).
        CoredumpRestart = "coredump-restart",
    }
);

impl LifecycleAction {
    /// The values libvirt accepts for on_poweroff and on_reboot.
    pub const POWER: &'static [LifecycleAction] = &[
        LifecycleAction::Destroy,
        LifecycleAction::Restart,
        LifecycleAction::Preserve,
        LifecycleAction::RenameRestart,
    ];
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    #[serde(default)]
    pub on_poweroff: Option<LifecycleAction>,
    #[serde(default)]
    pub on_reboot: Option<LifecycleAction>,
    #[serde(default)]
    pub on_crash: Option<LifecycleAction>,
}

const EVENTS: [&str; 3] = ["on_poweroff", "on_reboot", "on_crash"];

impl Lifecycle {
    pub fn read(c: &mut Cursor, _diags: &mut Diagnostics) -> Lifecycle {
        let mut take = |name: &str| c.child(name).map(|e| LifecycleAction::parse(&e.text()));
        Lifecycle {
            on_poweroff: take("on_poweroff"),
            on_reboot: take("on_reboot"),
            on_crash: take("on_crash"),
        }
    }

    fn get(&self, event: &str) -> Option<&LifecycleAction> {
        match event {
            "on_poweroff" => self.on_poweroff.as_ref(),
            "on_reboot" => self.on_reboot.as_ref(),
            _ => self.on_crash.as_ref(),
        }
    }

    pub fn write(&self) -> Vec<Element> {
        EVENTS
            .iter()
            .filter_map(|e| self.get(e).map(|a| Element::new(*e).with_text(a.as_str())))
            .collect()
    }
}

pub fn validate(cx: &Context, diags: &mut Diagnostics) {
    let l = &cx.domain.lifecycle;
    for event in EVENTS {
        let Some(action) = l.get(event) else { continue };
        let allowed: Vec<&str> = if event == "on_crash" {
            LifecycleAction::known().to_vec()
        } else {
            LifecycleAction::POWER.iter().map(|a| a.as_str()).collect()
        };
        if !allowed.contains(&action.as_str()) {
            diags.error(
                "E-LIFECYCLE-ACTION",
                format!("/domain/{event}"),
                format!("'{action}' is not an action for <{event}>"),
                choice_hint(action.as_str(), &allowed),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_from};

    #[test]
    fn both_directions() {
        let d = domain_from("<domain type='kvm'><on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>coredump-restart</on_crash></domain>");
        assert_eq!(d.lifecycle.on_crash, Some(LifecycleAction::CoredumpRestart));
        let xml: Vec<String> = d
            .lifecycle
            .write()
            .iter()
            .map(crate::test_support::xml_of)
            .collect();
        assert_eq!(
            xml.concat(),
            "<on_poweroff>destroy</on_poweroff>\n<on_reboot>restart</on_reboot>\n<on_crash>coredump-restart</on_crash>\n"
        );
    }

    #[test]
    fn coredump_only_on_crash() {
        let c = codes_of("<domain type='kvm'><name>a</name><memory>1</memory><on_reboot>coredump-destroy</on_reboot></domain>");
        assert!(c.contains(&"E-LIFECYCLE-ACTION".into()), "{c:?}");
        let c = codes_of("<domain type='kvm'><name>a</name><memory>1</memory><on_crash>restrat</on_crash></domain>");
        assert!(c.contains(&"E-LIFECYCLE-ACTION".into()), "{c:?}");
    }
}
