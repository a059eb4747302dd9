//! `<input>`: mice, tablets and keyboards, and the bus each sits on.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::domain::DomainType;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::os::OsKind;
use crate::validate::Context;
use crate::value_enum;
use crate::values::choice_hint;
use crate::xml::Element;

value_enum!(
    /// `<input type=...>`: what the guest sees.
    InputType {
        /// Relative pointer: the guest moves its own cursor.
        Mouse = "mouse",
        /// Absolute pointer: the cursor follows the viewer's pointer exactly.
        Tablet = "tablet",
        Keyboard = "keyboard",
        /// A virtio input device fed from a host evdev node.
        Passthrough = "passthrough",
        /// A host evdev device shared with the guest (grab and toggle keys).
        Evdev = "evdev",
    }
);

value_enum!(
    /// `<input bus=...>`.
    InputBus {
        Ps2 = "ps2",
        Usb = "usb",
        /// Xen paravirtualised input, for Xen PV guests only.
        Xen = "xen",
        Virtio = "virtio",
    }
);

/// Buses libvirt knows that vmxml keeps as written.
const KEPT_BUSES: &[&str] = &["parallels", "none"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// `Other("")` when the document gave no type; written without one.
    pub input_type: InputType,
    /// `None` writes no `bus`: libvirt picks one from the guest and the type.
    #[serde(default)]
    pub bus: Option<InputBus>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// How libvirt sorts guests for input rules: by `<os><type>`, not by domain type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GuestKind {
    Hvm,
    /// Xen paravirtualised (`linux`, `xen`, `xenpvh`): only the xen bus.
    XenPv,
    /// Containers, unknown or missing OS type: libvirt's bus rules do not apply.
    Unknown,
}

fn guest_kind(cx: &Context) -> GuestKind {
    let kind = cx
        .domain
        .os
        .as_ref()
        .and_then(|o| o.os_type.as_ref())
        .map(|t| &t.kind);
    // Virtuozzo guests have their own bus and are exempt from the Xen rule.
    let vz = matches!(cx.domain.domain_type, DomainType::Vz)
        || cx.domain.domain_type.as_str() == "parallels";
    match kind {
        Some(OsKind::Hvm) => GuestKind::Hvm,
        Some(OsKind::Linux | OsKind::Xen | OsKind::Xenpvh) if !vz => GuestKind::XenPv,
        _ => GuestKind::Unknown,
    }
}

impl Input {
    pub fn new(input_type: InputType, bus: Option<InputBus>) -> Input {
        Input {
            input_type,
            bus,
            extra: Extra::default(),
        }
    }

    /// A USB tablet: the pointer a graphical console wants.
    pub fn usb_tablet() -> Input {
        Input::new(InputType::Tablet, Some(InputBus::Usb))
    }

    pub fn read(mut c: Cursor, _diags: &mut Diagnostics) -> Input {
        let input_type = InputType::parse(c.attr("type").unwrap_or(""));
        let bus = c.attr("bus").map(InputBus::parse);
        Input {
            input_type,
            bus,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let input_type = Some(self.input_type.as_str()).filter(|t| !t.is_empty());
        ElementBuilder::new("input")
            .opt_attr("type", input_type)
            .opt_attr("bus", self.bus.as_ref().map(|b| b.as_str()))
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, cx: &Context, diags: &mut Diagnostics) {
        let type_path = format!("{path}/@type");
        let bus_path = format!("{path}/@bus");
        match &self.input_type {
            InputType::Other(t) if t.is_empty() => {
                diags.error(
                    "E-INPUT-TYPE-MISSING",
                    path.to_string(),
                    "the input device has no type",
                    "add type='tablet' (a pointer that follows the viewer's), 'mouse' or 'keyboard'",
                );
                return;
            }
            InputType::Other(t) => {
                diags.error(
                    "E-INPUT-TYPE",
                    type_path,
                    format!("libvirt does not know input type '{t}'"),
                    choice_hint(t, InputType::known()),
                );
                return;
            }
            _ => {}
        }
        if let Some(InputBus::Other(b)) = &self.bus {
            if KEPT_BUSES.contains(&b.as_str()) {
                diags.info(
                    "I-INPUT-BUS-KEPT",
                    bus_path,
                    format!("input bus '{b}' is kept as written"),
                    format!("vmxml models {}", InputBus::known().join(", ")),
                );
            } else {
                diags.error(
                    "E-INPUT-BUS",
                    bus_path,
                    format!("libvirt does not know input bus '{b}'"),
                    choice_hint(b, InputBus::known()),
                );
            }
            return;
        }
        let ty = &self.input_type;
        // evdev and passthrough have fixed buses whatever the guest.
        match (ty, &self.bus) {
            (InputType::Evdev, Some(b)) => {
                diags.error(
                    "E-INPUT-BUS-TYPE",
                    bus_path,
                    format!("an evdev input device takes no bus, and this one has bus='{b}'"),
                    "remove the bus attribute",
                );
                return;
            }
            (InputType::Passthrough, Some(b)) if *b != InputBus::Virtio => {
                diags.error(
                    "E-INPUT-BUS-TYPE",
                    bus_path,
                    format!("a passthrough input device works only on the virtio bus, not '{b}'"),
                    "write bus='virtio', or leave bus out",
                );
                return;
            }
            (InputType::Evdev | InputType::Passthrough, _) => return,
            _ => {}
        }
        match guest_kind(cx) {
            GuestKind::Hvm => match &self.bus {
                Some(InputBus::Xen) => diags.error(
                    "E-INPUT-XEN-BUS",
                    bus_path,
                    "the xen input bus is only for Xen paravirtualised guests, and this guest is hvm",
                    if *ty == InputType::Keyboard {
                        "use bus='ps2' or bus='usb' (or virtio), or leave bus out"
                    } else {
                        "use bus='usb' (or ps2 for a mouse, or virtio), or leave bus out"
                    },
                ),
                Some(InputBus::Ps2) if *ty == InputType::Tablet => diags.error(
                    "E-INPUT-TABLET-BUS",
                    bus_path,
                    "a tablet cannot be on the ps2 bus: PS/2 only has mice and keyboards",
                    "use <input type='tablet' bus='usb'/>",
                ),
                _ => {}
            },
            GuestKind::XenPv => {
                if let Some(b) = self.bus.as_ref().filter(|b| **b != InputBus::Xen) {
                    diags.error(
                        "E-INPUT-PV-BUS",
                        bus_path,
                        format!("a Xen paravirtualised guest only has the xen input bus, not '{b}'"),
                        "write bus='xen', or leave bus out",
                    );
                } else if *ty == InputType::Tablet {
                    diags.error(
                        "E-INPUT-TABLET-BUS",
                        type_path,
                        "a tablet cannot be on the xen bus: Xen paravirtualised input only has a mouse and a keyboard",
                        "use <input type='mouse' bus='xen'/>",
                    );
                }
            }
            GuestKind::Unknown => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::Device;
    use crate::test_support::{codes_of, first_device, xml_of};

    fn input_of(xml: &str) -> Input {
        match first_device(xml) {
            Device::Input(i) => i,
            other => panic!("not an input: {other:?}"),
        }
    }

    fn both_directions(xml: &str, model: Input) {
        assert_eq!(input_of(xml), model, "{xml}");
        assert_eq!(xml_of(&model.write()), xml);
    }

    #[test]
    fn spec_types_and_buses_both_directions() {
        for (ty, t) in [("mouse", InputType::Mouse), ("tablet", InputType::Tablet)] {
            for (bus, b) in [
                ("ps2", InputBus::Ps2),
                ("usb", InputBus::Usb),
                ("xen", InputBus::Xen),
            ] {
                both_directions(
                    &format!("<input type='{ty}' bus='{bus}'/>\n"),
                    Input::new(t.clone(), Some(b)),
                );
            }
        }
        both_directions(
            "<input type='mouse'/>\n",
            Input::new(InputType::Mouse, None),
        );
        both_directions(
            "<input type='keyboard' bus='virtio'/>\n",
            Input::new(InputType::Keyboard, Some(InputBus::Virtio)),
        );
    }

    #[test]
    fn json_round_trip() {
        let i = input_of(
            "<input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>",
        );
        let json = serde_json::to_string(&i).unwrap();
        assert!(json.contains("\"input_type\":\"tablet\""), "{json}");
        let back: Input = serde_json::from_str(&json).unwrap();
        // Spans are not serialised: compare what each writes.
        assert_eq!(xml_of(&back.write()), xml_of(&i.write()), "{json}");
    }

    #[test]
    fn unmodelled_parts_are_kept() {
        let xml = "<input type='passthrough' bus='virtio'>\n  <source evdev='/dev/input/event1'/>\n  <address type='pci' domain='0x0000' bus='0x00' slot='0x0e' function='0x0'/>\n</input>\n";
        let i = input_of(xml);
        assert_eq!(i.input_type, InputType::Passthrough);
        assert!(i.extra.has_element("source"));
        assert_eq!(xml_of(&i.write()), xml);
        assert_eq!(xml_of(&input_of("<input/>").write()), "<input/>\n");
    }

    fn codes(os: &str, devices: &str) -> Vec<String> {
        codes_of(&format!("<domain type='kvm'><name>a</name><memory>1</memory><os>{os}</os><devices>{devices}</devices></domain>"))
    }

    const HVM: &str = "<type>hvm</type>";
    const PV: &str = "<type>xen</type>";

    fn clean(codes: &[String]) -> bool {
        !codes.iter().any(|c| c.contains("-INPUT-"))
    }

    #[test]
    fn tablet_bus_rule() {
        assert!(
            codes(HVM, "<input type='tablet' bus='ps2'/>").contains(&"E-INPUT-TABLET-BUS".into())
        );
        assert!(
            codes(PV, "<input type='tablet' bus='xen'/>").contains(&"E-INPUT-TABLET-BUS".into())
        );
        assert!(codes(PV, "<input type='tablet'/>").contains(&"E-INPUT-TABLET-BUS".into()));
        assert!(clean(&codes(
            HVM,
            "<input type='tablet' bus='usb'/><input type='tablet'/><input type='mouse' bus='ps2'/>"
        )));
    }

    #[test]
    fn xen_bus_rules() {
        assert!(codes(HVM, "<input type='mouse' bus='xen'/>").contains(&"E-INPUT-XEN-BUS".into()));
        assert!(codes(PV, "<input type='keyboard' bus='usb'/>").contains(&"E-INPUT-PV-BUS".into()));
        assert!(clean(&codes(
            PV,
            "<input type='mouse' bus='xen'/><input type='keyboard'/>"
        )));
        assert!(clean(&codes(
            "<type>xenpvh</type>",
            "<input type='mouse' bus='xen'/>"
        )));
    }

    #[test]
    fn type_and_bus_values() {
        assert!(codes(HVM, "<input bus='usb'/>").contains(&"E-INPUT-TYPE-MISSING".into()));
        assert!(codes(HVM, "<input type='tablett'/>").contains(&"E-INPUT-TYPE".into()));
        assert!(codes(HVM, "<input type='mouse' bus='ubs'/>").contains(&"E-INPUT-BUS".into()));
        // libvirt's parser knows parallels (the schema does not): kept, never E-INPUT-BUS.
        assert!(
            !codes(HVM, "<input type='mouse' bus='parallels'/>").contains(&"E-INPUT-BUS".into())
        );
        assert!(codes(
            HVM,
            "<input type='evdev' bus='usb'><source dev='/dev/input/event1'/></input>"
        )
        .contains(&"E-INPUT-BUS-TYPE".into()));
        assert!(codes(
            HVM,
            "<input type='passthrough' bus='usb'><source evdev='/dev/input/event1'/></input>"
        )
        .contains(&"E-INPUT-BUS-TYPE".into()));
        assert!(clean(&codes(HVM, "<input type='evdev'><source dev='/dev/input/event1'/></input><input type='passthrough' bus='virtio'><source evdev='/dev/input/event1'/></input>")));
    }
}
