//! `<rng>`: a virtio random number generator fed from the host.

use serde::{Deserialize, Serialize};

use crate::devices::unknown_value;
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::xml::Element;

value_enum!(
    /// `<rng model=...>`.
    RngModel {
        Virtio = "virtio",
        VirtioTransitional = "virtio-transitional",
        VirtioNonTransitional = "virtio-non-transitional",
    }
);

value_enum!(
    /// `<backend model=...>`: where the entropy comes from.
    RngBackendModel {
        /// A host device file, `/dev/urandom` by default.
        Random = "random",
        /// An EGD daemon over a char device (its `type` and `<source>` are kept).
        Egd = "egd",
        /// QEMU's own generator.
        Builtin = "builtin",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RngBackend {
    /// `Other("")` when the backend gave no model (libvirt requires one).
    pub model: RngBackendModel,
    /// The host device of a random backend (`/dev/urandom`); `None` writes no text.
    #[serde(default)]
    pub device: Option<String>,
    /// `type`, `<source>` and `<protocol>` of an egd backend, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rng {
    /// `Other("")` when the document gave no model (libvirt requires one).
    pub model: RngModel,
    #[serde(default)]
    pub backend: Option<RngBackend>,
    /// `<rate>`, `<driver>`, `<address>` and the rest, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Rng {
    /// A virtio generator reading the host's `/dev/urandom`.
    pub fn urandom() -> Rng {
        Rng {
            model: RngModel::Virtio,
            backend: Some(RngBackend {
                model: RngBackendModel::Random,
                device: Some("/dev/urandom".into()),
                extra: Extra::default(),
            }),
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, _diags: &mut Diagnostics) -> Rng {
        let model = RngModel::parse(c.attr("model").unwrap_or(""));
        let backend = c.child("backend").map(|mut b| {
            let model = RngBackendModel::parse(b.attr("model").unwrap_or(""));
            let device = Some(b.text()).filter(|t| !t.is_empty());
            RngBackend {
                model,
                device,
                extra: b.finish(),
            }
        });
        Rng {
            model,
            backend,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let model = Some(self.model.as_str()).filter(|m| !m.is_empty());
        ElementBuilder::new("rng")
            .opt_attr("model", model)
            .opt_child(self.backend.as_ref().map(|b| {
                let model = Some(b.model.as_str()).filter(|m| !m.is_empty());
                let el = ElementBuilder::new("backend").opt_attr("model", model);
                match &b.device {
                    Some(d) => el.text(d),
                    None => el,
                }
                .build(&b.extra)
            }))
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        if let RngModel::Other(m) = &self.model {
            unknown_value(
                diags,
                "E-RNG-MODEL",
                format!("{path}/@model"),
                "random number generator model",
                m,
                RngModel::known(),
            );
        }
        match &self.backend {
            None => diags.error(
                "E-RNG-BACKEND-MISSING",
                format!("{path}/backend"),
                "the random number generator has no <backend>",
                "add <backend model='random'>/dev/urandom</backend>",
            ),
            Some(RngBackend {
                model: RngBackendModel::Other(m),
                ..
            }) => unknown_value(
                diags,
                "E-RNG-BACKEND-MODEL",
                format!("{path}/backend/@model"),
                "rng backend model",
                m,
                RngBackendModel::known(),
            ),
            Some(_) => {}
        }
        // An egd backend is a char device: its <source> follows those rules.
        crate::devices::chardev::validate_embedded_source(&self.write(), path, diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::Device;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn rng_of(xml: &str) -> Rng {
        match first_device(xml) {
            Device::Rng(r) => r,
            other => panic!("not an rng: {other:?}"),
        }
    }

    #[test]
    fn both_directions() {
        let xml =
            "<rng model='virtio'>\n  <backend model='random'>/dev/urandom</backend>\n</rng>\n";
        assert_eq!(rng_of(xml), Rng::urandom());
        assert_eq!(xml_of(&Rng::urandom().write()), xml);
        let builtin =
            "<rng model='virtio-non-transitional'>\n  <backend model='builtin'/>\n</rng>\n";
        let r = rng_of(builtin);
        assert_eq!(r.model, RngModel::VirtioNonTransitional);
        assert_eq!(
            r.backend.as_ref().map(|b| &b.model),
            Some(&RngBackendModel::Builtin)
        );
        assert_eq!(xml_of(&r.write()), builtin);
        let egd = "<rng model='virtio'>\n  <rate bytes='1234' period='2000'/>\n  <backend model='egd' type='tcp'>\n    <source mode='connect' host='1.2.3.4' service='1234'/>\n    <protocol type='raw'/>\n  </backend>\n</rng>\n";
        let r = rng_of(egd);
        assert_eq!(r.backend.as_ref().and_then(|b| b.device.clone()), None);
        assert_eq!(xml_of(&r.write()), egd);
    }

    #[test]
    fn rules() {
        let codes = |d: &str| codes_of(&domain_with_devices(d));
        assert!(
            codes("<rng model='virtio-rng'><backend model='random'/></rng>")
                .contains(&"E-RNG-MODEL".into())
        );
        assert!(
            codes("<rng model='virtio'><backend model='urandom'/></rng>")
                .contains(&"E-RNG-BACKEND-MODEL".into())
        );
        assert!(codes("<rng model='virtio'/>").contains(&"E-RNG-BACKEND-MISSING".into()));
        // The char source rules still apply to an egd backend.
        assert!(codes("<rng model='virtio'><backend model='egd' type='unix'><source mode='connect'/></backend></rng>")
            .contains(&"E-CHARDEV-SOURCE-PATH-MISSING".into()));
        let ok = codes("<rng model='virtio'><backend model='random'>/dev/random</backend></rng>");
        assert!(!ok.iter().any(|c| c.contains("RNG")), "{ok:?}");
    }
}
