//! `<controller>`: the buses other devices sit on (USB, SCSI, PCI, virtio-serial, ...).

use serde::{Deserialize, Serialize};

use crate::devices::input::InputBus;
use crate::devices::{unknown_value, Device};
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::parse_u32;
use crate::xml::Element;

value_enum!(
    /// `<controller type=...>`: which bus.
    ControllerType {
        Usb = "usb",
        Scsi = "scsi",
        Pci = "pci",
        /// The bus of virtio consoles and channels.
        VirtioSerial = "virtio-serial",
        Ide = "ide",
        Sata = "sata",
        /// Floppy disk controller.
        Fdc = "fdc",
        /// USB smartcard reader.
        Ccid = "ccid",
        Xenbus = "xenbus",
        Isa = "isa",
    }
);

value_enum!(
    /// `<controller model=...>`: the emulated chip; which values fit depends on the type.
    ControllerModel {
        // usb
        QemuXhci = "qemu-xhci",
        NecXhci = "nec-xhci",
        Ich9Ehci1 = "ich9-ehci1",
        Ich9Uhci1 = "ich9-uhci1",
        Ich9Uhci2 = "ich9-uhci2",
        Ich9Uhci3 = "ich9-uhci3",
        Piix3Uhci = "piix3-uhci",
        Piix4Uhci = "piix4-uhci",
        Ehci = "ehci",
        Vt82c686bUhci = "vt82c686b-uhci",
        PciOhci = "pci-ohci",
        Qusb1 = "qusb1",
        Qusb2 = "qusb2",
        /// No USB controller at all: the guest has no USB bus.
        None = "none",
        // scsi
        VirtioScsi = "virtio-scsi",
        Lsilogic = "lsilogic",
        Lsisas1068 = "lsisas1068",
        Lsisas1078 = "lsisas1078",
        Buslogic = "buslogic",
        Vmpvscsi = "vmpvscsi",
        Ibmvscsi = "ibmvscsi",
        Ncr53c90 = "ncr53c90",
        Dc390 = "dc390",
        Am53c974 = "am53c974",
        Auto = "auto",
        // scsi and virtio-serial
        Virtio = "virtio",
        VirtioTransitional = "virtio-transitional",
        VirtioNonTransitional = "virtio-non-transitional",
        // pci
        PcieRoot = "pcie-root",
        PciRoot = "pci-root",
        PcieRootPort = "pcie-root-port",
        PciBridge = "pci-bridge",
        DmiToPciBridge = "dmi-to-pci-bridge",
        PcieToPciBridge = "pcie-to-pci-bridge",
        PcieSwitchUpstreamPort = "pcie-switch-upstream-port",
        PcieSwitchDownstreamPort = "pcie-switch-downstream-port",
        PciExpanderBus = "pci-expander-bus",
        PcieExpanderBus = "pcie-expander-bus",
        // ide
        Piix3 = "piix3",
        Piix4 = "piix4",
        Ich6 = "ich6",
    }
);

/// The models libvirt's schema allows for a type; `None`: the type takes no model there.
fn models_for(ty: &ControllerType) -> Option<&'static [&'static str]> {
    Some(match ty {
        ControllerType::Usb => &[
            "qemu-xhci",
            "nec-xhci",
            "ich9-ehci1",
            "ich9-uhci1",
            "ich9-uhci2",
            "ich9-uhci3",
            "piix3-uhci",
            "piix4-uhci",
            "ehci",
            "vt82c686b-uhci",
            "pci-ohci",
            "qusb1",
            "qusb2",
            "none",
        ],
        ControllerType::Scsi => &[
            "virtio-scsi",
            "lsilogic",
            "lsisas1068",
            "lsisas1078",
            "buslogic",
            "vmpvscsi",
            "ibmvscsi",
            "ncr53c90",
            "dc390",
            "am53c974",
            "auto",
            "virtio-transitional",
            "virtio-non-transitional",
        ],
        ControllerType::Pci => &[
            "pcie-root",
            "pci-root",
            "pcie-root-port",
            "pci-bridge",
            "dmi-to-pci-bridge",
            "pcie-to-pci-bridge",
            "pcie-switch-upstream-port",
            "pcie-switch-downstream-port",
            "pci-expander-bus",
            "pcie-expander-bus",
        ],
        ControllerType::VirtioSerial => {
            &["virtio", "virtio-transitional", "virtio-non-transitional"]
        }
        ControllerType::Ide => &["piix3", "piix4", "ich6"],
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Controller {
    /// `None`: no type written (libvirt reads ide).
    #[serde(default)]
    pub controller_type: Option<ControllerType>,
    /// Which controller of its type this is; libvirt numbers from 0.
    #[serde(default)]
    pub index: Option<u32>,
    /// `None`: libvirt picks the model for the machine.
    #[serde(default)]
    pub model: Option<ControllerModel>,
    /// Ports of a USB hub controller or a virtio-serial bus.
    #[serde(default)]
    pub ports: Option<u32>,
    /// MSI-X vectors of a virtio-serial bus.
    #[serde(default)]
    pub vectors: Option<u32>,
    /// `<driver>`, `<address>`, `<target>`, `<model name>`, `<master>` and the rest, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Controller {
    pub fn new(
        controller_type: ControllerType,
        index: Option<u32>,
        model: Option<ControllerModel>,
    ) -> Controller {
        Controller {
            controller_type: Some(controller_type),
            index,
            model,
            ports: None,
            vectors: None,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Controller {
        let controller_type = c.attr("type").map(ControllerType::parse);
        let index = c.attr_parsed("index", diags, |v| parse_u32("controller index", v));
        let model = c.attr("model").map(ControllerModel::parse);
        let ports = c.attr_parsed("ports", diags, |v| parse_u32("ports", v));
        let vectors = c.attr_parsed("vectors", diags, |v| parse_u32("vectors", v));
        Controller {
            controller_type,
            index,
            model,
            ports,
            vectors,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        ElementBuilder::new("controller")
            .opt_attr("type", self.controller_type.as_ref().map(|t| t.as_str()))
            .opt_attr("index", self.index.map(|i| i.to_string()))
            .opt_attr("model", self.model.as_ref().map(|m| m.as_str()))
            .opt_attr("ports", self.ports.map(|p| p.to_string()))
            .opt_attr("vectors", self.vectors.map(|v| v.to_string()))
            .build(&self.extra)
    }

    fn is_usb_none(&self) -> bool {
        self.controller_type == Some(ControllerType::Usb)
            && self.model == Some(ControllerModel::None)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        let Some(ty) = &self.controller_type else {
            return;
        };
        if let ControllerType::Other(t) = ty {
            unknown_value(
                diags,
                "E-CONTROLLER-TYPE",
                format!("{path}/@type"),
                "controller type",
                t,
                ControllerType::known(),
            );
            return;
        }
        let Some(model) = &self.model else { return };
        let model_path = format!("{path}/@model");
        match models_for(ty) {
            Some(allowed) if !allowed.contains(&model.as_str()) => {
                if model.is_other() {
                    unknown_value(
                        diags,
                        "E-CONTROLLER-MODEL",
                        model_path,
                        &format!("{ty} controller model"),
                        model.as_str(),
                        allowed,
                    );
                } else {
                    diags.error(
                        "E-CONTROLLER-MODEL",
                        model_path,
                        format!("'{model}' is not a model of a {ty} controller"),
                        crate::values::choice_hint(model.as_str(), allowed),
                    );
                }
            }
            Some(_) => {}
            None => diags.error(
                "E-CONTROLLER-MODEL",
                model_path,
                format!("a {ty} controller takes no model, and this one has model='{model}'"),
                "remove the model attribute",
            ),
        }
    }
}

/// What puts a device on the USB bus, for the `model='none'` rule.
fn usb_device(d: &Device) -> Option<&'static str> {
    match d {
        Device::Input(i) if i.bus == Some(InputBus::Usb) => Some("a USB input device"),
        Device::Redirdev(_) => Some("USB redirection"),
        Device::Hostdev(h) if h.source.type_name() == Some("usb") => Some("a USB host device"),
        Device::Controller(c) if c.controller_type == Some(ControllerType::Usb) => {
            (!c.is_usb_none()).then_some("another USB controller")
        }
        Device::Unmodelled { element } if element.name == "hub" => Some("a USB hub"),
        _ => None,
    }
}

/// With `<controller type='usb' model='none'/>` the guest has no USB bus: libvirt refuses
/// devices that need one.
pub fn validate_all(devices: &[(&Device, String)], _cx: &Context, diags: &mut Diagnostics) {
    let Some((_, none_path)) = devices
        .iter()
        .find(|(d, _)| matches!(d, Device::Controller(c) if c.is_usb_none()))
    else {
        return;
    };
    for (d, path) in devices {
        if let Some(what) = usb_device(d) {
            diags.error(
                "E-CONTROLLER-USB-NONE",
                path.clone(),
                format!("{what} needs a USB bus, and {none_path} says the guest has none"),
                "remove model='none' from the USB controller (or use model='qemu-xhci'), or remove this device",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn controller_of(xml: &str) -> Controller {
        match first_device(xml) {
            Device::Controller(c) => c,
            other => panic!("not a controller: {other:?}"),
        }
    }

    #[test]
    fn both_directions() {
        for (xml, model) in [
            (
                "<controller type='usb' index='0' model='qemu-xhci' ports='15'/>\n",
                Controller {
                    ports: Some(15),
                    ..Controller::new(
                        ControllerType::Usb,
                        Some(0),
                        Some(ControllerModel::QemuXhci),
                    )
                },
            ),
            (
                "<controller type='pci' index='0' model='pcie-root'/>\n",
                Controller::new(
                    ControllerType::Pci,
                    Some(0),
                    Some(ControllerModel::PcieRoot),
                ),
            ),
            (
                "<controller type='scsi' index='0' model='virtio-scsi'/>\n",
                Controller::new(
                    ControllerType::Scsi,
                    Some(0),
                    Some(ControllerModel::VirtioScsi),
                ),
            ),
            (
                "<controller type='virtio-serial' index='0' ports='16' vectors='4'/>\n",
                Controller {
                    ports: Some(16),
                    vectors: Some(4),
                    ..Controller::new(ControllerType::VirtioSerial, Some(0), None)
                },
            ),
            (
                "<controller type='sata'/>\n",
                Controller::new(ControllerType::Sata, None, None),
            ),
        ] {
            assert_eq!(controller_of(xml), model, "{xml}");
            assert_eq!(xml_of(&model.write()), xml);
        }
        let kept = "<controller type='pci' index='1' model='pcie-root-port'>\n  <model name='pcie-root-port'/>\n  <target chassis='1' port='0x10'/>\n  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>\n</controller>\n";
        let c = controller_of(kept);
        assert!(c.extra.has_element("target"));
        assert_eq!(xml_of(&c.write()), kept);
        let bad = "<controller type='usb' index='x'/>\n";
        assert_eq!(xml_of(&controller_of(bad).write()), bad);
    }

    fn codes(devices: &str) -> Vec<String> {
        codes_of(&domain_with_devices(devices))
    }

    #[test]
    fn rules() {
        assert!(codes("<controller type='usb3'/>").contains(&"E-CONTROLLER-TYPE".into()));
        assert!(
            codes("<controller type='usb' model='xhci'/>").contains(&"E-CONTROLLER-MODEL".into())
        );
        assert!(codes("<controller type='usb' model='virtio-scsi'/>")
            .contains(&"E-CONTROLLER-MODEL".into()));
        assert!(codes("<controller type='usb' index='x'/>").contains(&"E-VALUE-NUMBER".into()));
        assert!(codes("<controller type='isa' model='isa-dma'/>")
            .contains(&"E-CONTROLLER-MODEL".into()));
        let none = "<controller type='usb' model='none'/>";
        for dev in [
            "<input type='tablet' bus='usb'/>",
            "<redirdev bus='usb' type='spicevmc'/>",
            "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/><product id='0xbeef'/></source></hostdev>",
            "<hub type='usb'/>",
            "<controller type='usb' index='1' model='qemu-xhci'/>",
        ] {
            assert!(
                codes(&format!("{none}{dev}")).contains(&"E-CONTROLLER-USB-NONE".into()),
                "{dev}"
            );
        }
        let ok = codes(&format!("{none}<input type='mouse' bus='ps2'/><controller type='scsi' model='virtio-scsi'/><controller type='pci' index='0' model='pci-root'/>"));
        assert!(!ok.iter().any(|c| c.contains("CONTROLLER")), "{ok:?}");
    }
}
