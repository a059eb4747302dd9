//! `<features>`: hypervisor features toggled on by their presence or by `state=`, among them
//! SMM (secure boot), Hyper-V enlightenments (Windows guests) and KVM's own.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::{parse_u32, refuse_unknown};
use crate::xml::Element;

/// A feature switched on by an empty element; attributes such as `<apic eoi='on'/>` are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureFlag {
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// A feature with `state='on|off'`, such as `<smm state='on'/>` or `<vmport state='off'/>`;
/// children (`<tseg>` of smm) are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureState {
    #[serde(default)]
    pub state: Option<bool>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl FeatureState {
    pub fn on() -> Self {
        FeatureState {
            state: Some(true),
            extra: Extra::default(),
        }
    }

    fn read(mut c: Cursor, diags: &mut Diagnostics) -> FeatureState {
        let state = c.attr_yes_no("state", diags);
        FeatureState {
            state,
            extra: c.finish(),
        }
    }

    fn write(&self, name: &str) -> Element {
        ElementBuilder::new(name)
            .on_off("state", self.state)
            .build(&self.extra)
    }
}

value_enum!(
    /// `<hyperv mode=...>`.
    HypervMode {
        /// Only the enlightenments listed.
        Custom = "custom",
        /// Every enlightenment the host offers.
        Passthrough = "passthrough",
    }
);

value_enum!(
    /// The enlightenments of `<hyperv>`, each an element of that name.
    HypervFeatureName {
        Relaxed = "relaxed",
        Vapic = "vapic",
        Spinlocks = "spinlocks",
        Vpindex = "vpindex",
        Runtime = "runtime",
        Synic = "synic",
        Stimer = "stimer",
        Reset = "reset",
        VendorId = "vendor_id",
        Frequencies = "frequencies",
        Reenlightenment = "reenlightenment",
        Tlbflush = "tlbflush",
        Ipi = "ipi",
        Evmcs = "evmcs",
        Avic = "avic",
    }
);

/// One Hyper-V enlightenment, as `<spinlocks state='on' retries='8191'/>`. Children such as
/// stimer's `<direct state='on'/>` are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HypervFeature {
    pub name: HypervFeatureName,
    #[serde(default)]
    pub state: Option<bool>,
    /// `spinlocks` only: how often a guest spins before telling the hypervisor (>= 4095).
    #[serde(default)]
    pub retries: Option<u32>,
    /// `vendor_id` only: the vendor string the guest sees (up to 12 characters).
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl HypervFeature {
    pub fn on(name: HypervFeatureName) -> Self {
        HypervFeature {
            name,
            state: Some(true),
            retries: None,
            value: None,
            extra: Extra::default(),
        }
    }
}

/// `<hyperv>`: enlightenments that make Windows guests faster, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hyperv {
    #[serde(default)]
    pub mode: Option<HypervMode>,
    #[serde(default)]
    pub features: Vec<HypervFeature>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Hyperv {
    pub fn feature(&self, name: &HypervFeatureName) -> Option<&HypervFeature> {
        self.features.iter().find(|f| &f.name == name)
    }

    fn read(mut c: Cursor, diags: &mut Diagnostics) -> Hyperv {
        let mode = c.attr("mode").map(HypervMode::parse);
        let mut features = Vec::new();
        for (i, el, path) in c.all_children() {
            c.take_child_at(i);
            let mut f = Cursor::new(el, path);
            let name = HypervFeatureName::parse(&el.name);
            let state = f.attr_yes_no("state", diags);
            let retries = if name == HypervFeatureName::Spinlocks {
                f.attr_parsed("retries", diags, |s| parse_u32("spinlocks retries", s))
            } else {
                None
            };
            let value = if name == HypervFeatureName::VendorId {
                f.attr("value").map(str::to_string)
            } else {
                None
            };
            features.push(HypervFeature {
                name,
                state,
                retries,
                value,
                extra: f.finish(),
            });
        }
        Hyperv {
            mode,
            features,
            extra: c.finish(),
        }
    }

    fn write(&self) -> Element {
        ElementBuilder::new("hyperv")
            .opt_attr("mode", self.mode.as_ref().map(|m| m.as_str()))
            .children(self.features.iter().map(|f| {
                ElementBuilder::new(f.name.as_str())
                    .on_off("state", f.state)
                    .opt_attr("retries", f.retries.map(|r| r.to_string()))
                    .opt_attr("value", f.value.as_ref())
                    .build(&f.extra)
            }))
            .build(&self.extra)
    }
}

/// `<kvm>`: KVM's own features; `<hidden>` hides the hypervisor signature from the guest
/// (some GPU drivers refuse to run under a visible one). Others are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvmFeatures {
    #[serde(default)]
    pub hidden: Option<FeatureState>,
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
    #[serde(default)]
    pub hyperv: Option<Hyperv>,
    #[serde(default)]
    pub kvm: Option<KvmFeatures>,
    /// VMware's I/O port (`state='off'` is what most guests want).
    #[serde(default)]
    pub vmport: Option<FeatureState>,
    /// System Management Mode: x86 secure boot needs it.
    #[serde(default)]
    pub smm: Option<FeatureState>,
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

    /// Nothing left to write but an empty `<features/>`.
    pub fn is_empty(&self) -> bool {
        *self == Features::default()
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Features {
        let mut flag = |name: &str| c.child(name).map(|f| FeatureFlag { extra: f.finish() });
        let pae = flag("pae");
        let acpi = flag("acpi");
        let apic = flag("apic");
        let hyperv = c.child("hyperv").map(|h| Hyperv::read(h, diags));
        let kvm = c.child("kvm").map(|mut k| {
            let hidden = k.child("hidden").map(|h| FeatureState::read(h, diags));
            KvmFeatures {
                hidden,
                extra: k.finish(),
            }
        });
        let vmport = c.child("vmport").map(|v| FeatureState::read(v, diags));
        let smm = c.child("smm").map(|s| FeatureState::read(s, diags));
        Features {
            pae,
            acpi,
            apic,
            hyperv,
            kvm,
            vmport,
            smm,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let flag = |name: &str, f: &Option<FeatureFlag>| {
            f.as_ref()
                .map(|f| ElementBuilder::new(name).build(&f.extra))
        };
        // libvirt's formatter order (virDomainFeature): acpi, apic, pae, hap, viridian,
        // privnet, hyperv, kvm, pvspinlock, capabilities, pmu, vmport, gic, smm, ...; the
        // kept ones come back after the modelled one they followed.
        ElementBuilder::new("features")
            .opt_child(flag("acpi", &self.acpi))
            .opt_child(flag("apic", &self.apic))
            .opt_child(flag("pae", &self.pae))
            .opt_child(self.hyperv.as_ref().map(Hyperv::write))
            .opt_child(self.kvm.as_ref().map(|k| {
                ElementBuilder::new("kvm")
                    .opt_child(k.hidden.as_ref().map(|h| h.write("hidden")))
                    .build(&k.extra)
            }))
            .opt_child(self.vmport.as_ref().map(|v| v.write("vmport")))
            .opt_child(self.smm.as_ref().map(|s| s.write("smm")))
            .build(&self.extra)
    }
}

pub fn validate(cx: &Context, diags: &mut Diagnostics) {
    let Some(hyperv) = cx.domain.features.as_ref().and_then(|f| f.hyperv.as_ref()) else {
        return;
    };
    let base = "/domain/features/hyperv";
    if let Some(HypervMode::Other(m)) = &hyperv.mode {
        refuse_unknown(
            diags,
            "E-HYPERV-MODE",
            format!("{base}/@mode"),
            "Hyper-V mode",
            m,
            HypervMode::known(),
        );
    }
    for f in &hyperv.features {
        let at = |attr: &str| format!("{base}/{}/@{attr}", f.name);
        if let HypervFeatureName::Other(n) = &f.name {
            refuse_unknown(
                diags,
                "E-HYPERV-FEATURE",
                format!("{base}/{n}"),
                "Hyper-V enlightenment",
                n,
                HypervFeatureName::known(),
            );
            continue;
        }
        if f.state.is_none() && !f.extra.attrs.iter().any(|(n, _)| n == "state") {
            diags.error(
                "E-HYPERV-STATE-MISSING",
                at("state"),
                format!("<{}> has no state attribute", f.name),
                format!("write <{} state='on'/>", f.name),
            );
        }
        if f.state != Some(true) {
            continue;
        }
        match f.name {
            HypervFeatureName::Spinlocks
                if f.retries.is_none() && f.extra.attr("retries").is_none() =>
            {
                diags.error(
                    "E-HYPERV-SPINLOCKS-RETRIES-MISSING",
                    at("retries"),
                    "<spinlocks state='on'> has no retries attribute",
                    "write <spinlocks state='on' retries='8191'/>",
                )
            }
            HypervFeatureName::VendorId => match &f.value {
                None => diags.error(
                    "E-HYPERV-VENDOR-ID-MISSING",
                    at("value"),
                    "<vendor_id state='on'> has no value attribute",
                    "write <vendor_id state='on' value='KVM Hv'/> (up to 12 characters)",
                ),
                Some(v) if v.chars().count() > 12 => diags.error(
                    "E-HYPERV-VENDOR-ID-LONG",
                    at("value"),
                    format!("vendor_id value '{v}' is longer than 12 characters"),
                    "libvirt refuses more than 12 characters: shorten it",
                ),
                Some(_) => {}
            },
            _ => {}
        }
    }
    if let Some(r) = hyperv
        .feature(&HypervFeatureName::Spinlocks)
        .and_then(|s| s.retries)
    {
        if r < 4095 {
            diags.error(
                "E-HYPERV-SPINLOCKS-RETRIES",
                "/domain/features/hyperv/spinlocks/@retries",
                format!("spinlocks retries='{r}' is below 4095"),
                "libvirt refuses fewer than 4095 retries: write retries='8191' (what virt-install uses)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_from, xml_of};

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

    #[test]
    fn hyperv_kvm_smm_both_directions() {
        let xml = "<features>\n  <acpi/>\n  <apic/>\n  <hap state='on'/>\n  <hyperv mode='custom'>\n    <relaxed state='on'/>\n    <spinlocks state='on' retries='8191'/>\n    <stimer state='on'>\n      <direct state='on'/>\n    </stimer>\n    <vendor_id state='on' value='KVM Hv'/>\n  </hyperv>\n  <kvm>\n    <hidden state='on'/>\n    <hint-dedicated state='on'/>\n  </kvm>\n  <pvspinlock state='on'/>\n  <vmport state='off'/>\n  <smm state='on'>\n    <tseg unit='MiB'>48</tseg>\n  </smm>\n</features>\n";
        let f = domain_from(&format!("<domain type='kvm'>{xml}</domain>"))
            .features
            .unwrap();
        let h = f.hyperv.as_ref().unwrap();
        assert_eq!(h.mode, Some(HypervMode::Custom));
        let names: Vec<&str> = h.features.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["relaxed", "spinlocks", "stimer", "vendor_id"]);
        assert_eq!(
            h.feature(&HypervFeatureName::Spinlocks).unwrap().retries,
            Some(8191)
        );
        assert_eq!(
            h.feature(&HypervFeatureName::VendorId)
                .unwrap()
                .value
                .as_deref(),
            Some("KVM Hv")
        );
        assert!(h
            .feature(&HypervFeatureName::Stimer)
            .unwrap()
            .extra
            .has_element("direct"));
        assert_eq!(f.kvm.as_ref().unwrap().hidden, Some(FeatureState::on()));
        assert_eq!(f.vmport.as_ref().unwrap().state, Some(false));
        assert_eq!(f.smm.as_ref().unwrap().state, Some(true));
        assert!(f.smm.as_ref().unwrap().extra.has_element("tseg"));
        assert_eq!(xml_of(&f.write()), xml);
    }

    #[test]
    fn from_model() {
        let f = Features {
            hyperv: Some(Hyperv {
                mode: None,
                features: vec![
                    HypervFeature::on(HypervFeatureName::Relaxed),
                    HypervFeature {
                        retries: Some(8191),
                        ..HypervFeature::on(HypervFeatureName::Spinlocks)
                    },
                ],
                extra: Extra::default(),
            }),
            smm: Some(FeatureState::on()),
            ..Features::pc()
        };
        let xml = "<features>\n  <acpi/>\n  <apic/>\n  <hyperv>\n    <relaxed state='on'/>\n    <spinlocks state='on' retries='8191'/>\n  </hyperv>\n  <smm state='on'/>\n</features>\n";
        assert_eq!(xml_of(&f.write()), xml);
        let back = domain_from(&format!("<domain type='kvm'>{xml}</domain>")).features;
        assert_eq!(back, Some(f));
        assert!(Features::default().is_empty() && !Features::pc().is_empty());
    }

    #[test]
    fn spinlocks_rule() {
        let doc = |r: u32| {
            format!("<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><features><hyperv><spinlocks state='on' retries='{r}'/></hyperv></features></domain>")
        };
        assert!(codes_of(&doc(100)).contains(&"E-HYPERV-SPINLOCKS-RETRIES".into()));
        assert!(!codes_of(&doc(4095)).contains(&"E-HYPERV-SPINLOCKS-RETRIES".into()));
    }
}
