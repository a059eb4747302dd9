//! `<cpu>`: the CPU model the guest sees and its topology. NUMA cells and cache are kept as
//! written.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{step, Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::{parse_u32, refuse_unknown};
use crate::xml::Element;

value_enum!(
    /// `<cpu mode=...>`: where the guest CPU model comes from.
    CpuMode {
        /// Exactly the host CPU: fastest, but ties migration to identical hosts.
        HostPassthrough = "host-passthrough",
        /// The named model closest to the host CPU, plus its extra features.
        HostModel = "host-model",
        /// The `<model>` and `<feature>`s written here.
        Custom = "custom",
        /// Every feature the hypervisor can offer.
        Maximum = "maximum",
    }
);

value_enum!(
    /// `<cpu match=...>`: how strictly the host must offer a custom model.
    CpuMatch {
        Exact = "exact",
        Minimum = "minimum",
        Strict = "strict",
    }
);

value_enum!(
    /// `<cpu check=...>`: how libvirt checks the guest CPU against the host's at start.
    CpuCheck {
        None = "none",
        Partial = "partial",
        Full = "full",
    }
);

value_enum!(
    /// `<model fallback=...>`: whether libvirt may fall back to a close model.
    CpuModelFallback {
        Allow = "allow",
        Forbid = "forbid",
    }
);

value_enum!(
    /// `<feature policy=...>`: what to do with one CPU feature.
    CpuFeaturePolicy {
        Force = "force",
        Require = "require",
        Optional = "optional",
        Disable = "disable",
        Forbid = "forbid",
    }
);

/// `<model fallback='allow'>Skylake-Client</model>`; `vendor_id=` is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuModel {
    /// Empty for `<model fallback='allow'/>` (host-model).
    pub name: String,
    #[serde(default)]
    pub fallback: Option<CpuModelFallback>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// `<topology>`: how the vCPUs are grouped; the product must equal the vCPU count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuTopology {
    #[serde(default)]
    pub sockets: Option<u32>,
    #[serde(default)]
    pub dies: Option<u32>,
    /// Newer than libvirt 9.0's schema; write it only for libvirt 10 and later.
    #[serde(default)]
    pub clusters: Option<u32>,
    #[serde(default)]
    pub cores: Option<u32>,
    #[serde(default)]
    pub threads: Option<u32>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl CpuTopology {
    /// sockets × dies × clusters × cores × threads, absent ones counting 1; `None` on
    /// overflow.
    pub fn vcpus(&self) -> Option<u64> {
        [
            self.sockets,
            self.dies,
            self.clusters,
            self.cores,
            self.threads,
        ]
        .iter()
        .try_fold(1u64, |acc, n| acc.checked_mul(u64::from(n.unwrap_or(1))))
    }
}

/// `<feature policy='require' name='vmx'/>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuFeature {
    pub name: String,
    #[serde(default)]
    pub policy: Option<CpuFeaturePolicy>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cpu {
    #[serde(default)]
    pub mode: Option<CpuMode>,
    /// `match=`.
    #[serde(default)]
    pub cpu_match: Option<CpuMatch>,
    #[serde(default)]
    pub check: Option<CpuCheck>,
    /// `migratable='on|off'` (host-passthrough and maximum).
    #[serde(default)]
    pub migratable: Option<bool>,
    #[serde(default)]
    pub model: Option<CpuModel>,
    #[serde(default)]
    pub vendor: Option<String>,
    #[serde(default)]
    pub topology: Option<CpuTopology>,
    #[serde(default)]
    pub features: Vec<CpuFeature>,
    /// `<cache>`, `<maxphysaddr>`, `<numa>`, ... as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Cpu {
    /// The host CPU as is, the usual choice for a guest that stays on its host.
    pub fn host_passthrough() -> Self {
        Cpu {
            mode: Some(CpuMode::HostPassthrough),
            ..Default::default()
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Cpu {
        let mode = c.attr("mode").map(CpuMode::parse);
        let cpu_match = c.attr("match").map(CpuMatch::parse);
        let check = c.attr("check").map(CpuCheck::parse);
        let migratable = c.attr_yes_no("migratable", diags);
        let model = c.child("model").map(|mut m| {
            let fallback = m.attr("fallback").map(CpuModelFallback::parse);
            CpuModel {
                name: m.text(),
                fallback,
                extra: m.finish(),
            }
        });
        // <vendor> is plain text; one with attributes stays as written.
        let vendor = match c.element().child("vendor") {
            Some(v) if v.attrs.is_empty() => c.child("vendor").map(|v| v.text()),
            _ => None,
        };
        let topology = c.child("topology").map(|mut t| {
            let mut n = |name: &str, t: &mut Cursor| {
                t.attr_parsed(name, diags, |s| parse_u32(&format!("topology {name}"), s))
            };
            let sockets = n("sockets", &mut t);
            let dies = n("dies", &mut t);
            let clusters = n("clusters", &mut t);
            let cores = n("cores", &mut t);
            let threads = n("threads", &mut t);
            CpuTopology {
                sockets,
                dies,
                clusters,
                cores,
                threads,
                extra: t.finish(),
            }
        });
        let mut features = Vec::new();
        for f in c.children("feature") {
            let mut f = f;
            let name = f.attr("name").unwrap_or_default().to_string();
            let policy = f.attr("policy").map(CpuFeaturePolicy::parse);
            features.push(CpuFeature {
                name,
                policy,
                extra: f.finish(),
            });
        }
        Cpu {
            mode,
            cpu_match,
            check,
            migratable,
            model,
            vendor,
            topology,
            features,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        // libvirt's formatter order: model, vendor, topology, (cache, maxphysaddr,) feature...,
        // (numa).
        ElementBuilder::new("cpu")
            .opt_attr("mode", self.mode.as_ref().map(|m| m.as_str()))
            .opt_attr("match", self.cpu_match.as_ref().map(|m| m.as_str()))
            .opt_attr("check", self.check.as_ref().map(|m| m.as_str()))
            .on_off("migratable", self.migratable)
            .opt_child(self.model.as_ref().map(|m| {
                let b = ElementBuilder::new("model")
                    .opt_attr("fallback", m.fallback.as_ref().map(|f| f.as_str()));
                let b = if m.name.is_empty() {
                    b
                } else {
                    b.text(&m.name)
                };
                b.build(&m.extra)
            }))
            .opt_child(
                self.vendor
                    .as_ref()
                    .map(|v| Element::new("vendor").with_text(v.clone())),
            )
            .opt_child(self.topology.as_ref().map(|t| {
                let n = |v: Option<u32>| v.map(|n| n.to_string());
                ElementBuilder::new("topology")
                    .opt_attr("sockets", n(t.sockets))
                    .opt_attr("dies", n(t.dies))
                    .opt_attr("clusters", n(t.clusters))
                    .opt_attr("cores", n(t.cores))
                    .opt_attr("threads", n(t.threads))
                    .build(&t.extra)
            }))
            .children(self.features.iter().map(|f| {
                ElementBuilder::new("feature")
                    .opt_attr("policy", f.policy.as_ref().map(|p| p.as_str()))
                    .opt_attr("name", Some(&f.name).filter(|n| !n.is_empty()))
                    .build(&f.extra)
            }))
            .build(&self.extra)
    }
}

pub fn validate(cx: &Context, diags: &mut Diagnostics) {
    let d = cx.domain;
    let Some(cpu) = &d.cpu else {
        return;
    };
    if let Some(CpuMode::Other(m)) = &cpu.mode {
        refuse_unknown(
            diags,
            "E-CPU-MODE",
            "/domain/cpu/@mode",
            "CPU mode",
            m,
            CpuMode::known(),
        );
    }
    if let Some(CpuMatch::Other(m)) = &cpu.cpu_match {
        refuse_unknown(
            diags,
            "E-CPU-MATCH",
            "/domain/cpu/@match",
            "CPU match",
            m,
            CpuMatch::known(),
        );
    }
    if let Some(CpuCheck::Other(m)) = &cpu.check {
        refuse_unknown(
            diags,
            "E-CPU-CHECK",
            "/domain/cpu/@check",
            "CPU check",
            m,
            CpuCheck::known(),
        );
    }
    if let Some(CpuModelFallback::Other(m)) = cpu.model.as_ref().and_then(|m| m.fallback.as_ref()) {
        refuse_unknown(
            diags,
            "E-CPU-MODEL-FALLBACK",
            "/domain/cpu/model/@fallback",
            "model fallback",
            m,
            CpuModelFallback::known(),
        );
    }
    let count = cpu.features.len();
    for (i, f) in cpu.features.iter().enumerate() {
        let at = |attr: &str| format!("/domain/cpu/{}/@{attr}", step("feature", i + 1, count));
        if let Some(CpuFeaturePolicy::Other(p)) = &f.policy {
            refuse_unknown(
                diags,
                "E-CPU-FEATURE-POLICY",
                at("policy"),
                "CPU feature policy",
                p,
                CpuFeaturePolicy::known(),
            );
        }
        if f.name.is_empty() {
            diags.error(
                "E-CPU-FEATURE-NAME-MISSING",
                at("name"),
                "a CPU <feature> has no name",
                "write <feature policy='require' name='vmx'/>",
            );
        }
    }
    let Some(t) = &cpu.topology else {
        return;
    };
    let parts = [
        ("sockets", t.sockets),
        ("dies", t.dies),
        ("clusters", t.clusters),
        ("cores", t.cores),
        ("threads", t.threads),
    ];
    let mut zero = false;
    for (name, v) in parts {
        if v == Some(0) {
            zero = true;
            diags.error(
                "E-CPU-TOPOLOGY-ZERO",
                format!("/domain/cpu/topology/@{name}"),
                format!("topology {name}='0'"),
                format!("libvirt refuses 0: write {name}='1' or more"),
            );
        }
    }
    if zero {
        return;
    }
    if let (Some(product), Some(v)) = (t.vcpus(), &d.vcpu) {
        if product != u64::from(v.count) && v.count > 0 {
            diags.warning(
                "W-CPU-TOPOLOGY-VCPUS",
                "/domain/cpu/topology",
                format!(
                    "the topology gives {product} vCPUs (sockets × dies × clusters × cores × threads) but <vcpu> is {}",
                    v.count
                ),
                "make the product equal the <vcpu> count: QEMU's driver refuses to start the guest otherwise (libvirt's test driver accepts it)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_from, xml_of};

    #[test]
    fn custom_model_both_directions() {
        let xml = "<cpu mode='custom' match='exact' check='partial'>\n  <model fallback='allow'>Haswell</model>\n  <vendor>Intel</vendor>\n  <topology sockets='1' dies='1' cores='2' threads='2'/>\n  <feature policy='require' name='vmx'/>\n  <feature policy='disable' name='hle'/>\n  <numa>\n    <cell id='0' cpus='0-3' memory='1048576' unit='KiB'/>\n  </numa>\n</cpu>\n";
        let cpu = domain_from(&format!("<domain type='kvm'>{xml}</domain>"))
            .cpu
            .unwrap();
        assert_eq!(cpu.mode, Some(CpuMode::Custom));
        assert_eq!(cpu.cpu_match, Some(CpuMatch::Exact));
        assert_eq!(cpu.check, Some(CpuCheck::Partial));
        assert_eq!(cpu.model.as_ref().unwrap().name, "Haswell");
        assert_eq!(cpu.vendor.as_deref(), Some("Intel"));
        assert_eq!(cpu.topology.as_ref().unwrap().vcpus(), Some(4));
        assert_eq!(cpu.features.len(), 2);
        assert_eq!(cpu.features[1].policy, Some(CpuFeaturePolicy::Disable));
        assert!(cpu.extra.has_element("numa"));
        assert_eq!(xml_of(&cpu.write()), xml);
    }

    #[test]
    fn host_passthrough_from_model() {
        let cpu = Cpu {
            migratable: Some(true),
            topology: Some(CpuTopology {
                sockets: Some(1),
                cores: Some(4),
                threads: Some(1),
                ..Default::default()
            }),
            ..Cpu::host_passthrough()
        };
        let xml = "<cpu mode='host-passthrough' migratable='on'>\n  <topology sockets='1' cores='4' threads='1'/>\n</cpu>\n";
        assert_eq!(xml_of(&cpu.write()), xml);
        let back = domain_from(&format!("<domain type='kvm'>{xml}</domain>")).cpu;
        assert_eq!(back, Some(cpu));
    }

    #[test]
    fn topology_rules() {
        let doc = |vcpu: u32, topo: &str| {
            format!("<domain type='kvm'><name>a</name><memory>1</memory><vcpu>{vcpu}</vcpu><os><type>hvm</type></os><cpu mode='host-model'><topology {topo}/></cpu></domain>")
        };
        let c = codes_of(&doc(4, "sockets='1' cores='2' threads='1'"));
        assert!(c.contains(&"W-CPU-TOPOLOGY-VCPUS".into()), "{c:?}");
        let c = codes_of(&doc(4, "sockets='1' dies='1' cores='2' threads='2'"));
        assert!(!c.contains(&"W-CPU-TOPOLOGY-VCPUS".into()), "{c:?}");
        let c = codes_of(&doc(4, "sockets='0' cores='2' threads='2'"));
        assert!(c.contains(&"E-CPU-TOPOLOGY-ZERO".into()), "{c:?}");
        assert!(!c.contains(&"W-CPU-TOPOLOGY-VCPUS".into()), "{c:?}");
    }
}
