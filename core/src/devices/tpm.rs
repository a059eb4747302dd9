//! `<tpm>`: a Trusted Platform Module, emulated by swtpm or passed through from the host.

use serde::{Deserialize, Serialize};

use crate::devices::{runs_on_qemu, unknown_value, Device};
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::xml::Element;

value_enum!(
    /// `<tpm model=...>`: the interface the guest sees.
    TpmModel {
        /// TPM Interface Specification: the classic x86 interface.
        TpmTis = "tpm-tis",
        /// Command Response Buffer: TPM 2.0 only, wanted by some UEFI guests.
        TpmCrb = "tpm-crb",
        /// PowerPC's sPAPR vTPM.
        TpmSpapr = "tpm-spapr",
        /// A PowerPC proxy to the host's TPM, alongside a regular one.
        SpaprTpmProxy = "spapr-tpm-proxy",
    }
);

value_enum!(
    /// `<backend type=...>`: what implements the TPM on the host.
    TpmBackendType {
        /// swtpm, started by libvirt.
        Emulator = "emulator",
        /// The host's own TPM (`<device path>`).
        Passthrough = "passthrough",
        /// A swtpm that something else started (`<source type='unix' path>`).
        External = "external",
    }
);

value_enum!(
    /// `<backend version=...>`: the TPM specification the emulator implements.
    TpmVersion {
        V2_0 = "2.0",
        V1_2 = "1.2",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TpmBackend {
    /// `Other("")` when the backend gave no type (libvirt requires one).
    pub backend_type: TpmBackendType,
    /// `None`: libvirt picks (2.0 for tpm-crb, else 1.2 or what swtpm offers).
    #[serde(default)]
    pub version: Option<TpmVersion>,
    /// `<device path>`, `<encryption>`, `<active_pcr_banks>` and the rest, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tpm {
    /// `None`: libvirt picks tpm-tis (tpm-spapr on PowerPC).
    #[serde(default)]
    pub model: Option<TpmModel>,
    #[serde(default)]
    pub backend: Option<TpmBackend>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Tpm {
    /// An emulated TPM 2.0 of the given model: what Windows 11 and measured boot want.
    pub fn emulated(model: TpmModel) -> Tpm {
        Tpm {
            model: Some(model),
            backend: Some(TpmBackend {
                backend_type: TpmBackendType::Emulator,
                version: Some(TpmVersion::V2_0),
                extra: Extra::default(),
            }),
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, _diags: &mut Diagnostics) -> Tpm {
        let model = c.attr("model").map(TpmModel::parse);
        let backend = c.child_with_content("backend").map(|mut b| TpmBackend {
            backend_type: TpmBackendType::parse(b.attr("type").unwrap_or("")),
            version: b.attr("version").map(TpmVersion::parse),
            extra: b.finish(),
        });
        Tpm {
            model,
            backend,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        ElementBuilder::new("tpm")
            .opt_attr("model", self.model.as_ref().map(|m| m.as_str()))
            .opt_child(self.backend.as_ref().map(|b| {
                let ty = Some(b.backend_type.as_str()).filter(|t| !t.is_empty());
                ElementBuilder::new("backend")
                    .opt_attr("type", ty)
                    .opt_attr("version", b.version.as_ref().map(|v| v.as_str()))
                    .build(&b.extra)
            }))
            .build(&self.extra)
    }

    fn is_proxy(&self) -> bool {
        self.model == Some(TpmModel::SpaprTpmProxy)
    }

    pub fn validate(&self, path: &str, cx: &Context, diags: &mut Diagnostics) {
        if let Some(TpmModel::Other(m)) = &self.model {
            unknown_value(
                diags,
                "E-TPM-MODEL",
                format!("{path}/@model"),
                "TPM model",
                m,
                TpmModel::known(),
            );
        }
        let Some(b) = &self.backend else {
            diags.error(
                "E-TPM-BACKEND-MISSING",
                format!("{path}/backend"),
                "the TPM has no <backend>",
                "add <backend type='emulator' version='2.0'/>",
            );
            return;
        };
        if let TpmBackendType::Other(t) = &b.backend_type {
            unknown_value(
                diags,
                "E-TPM-BACKEND-TYPE",
                format!("{path}/backend/@type"),
                "TPM backend type",
                t,
                TpmBackendType::known(),
            );
        }
        match &b.version {
            Some(TpmVersion::Other(v)) => unknown_value(
                diags,
                "E-TPM-VERSION",
                format!("{path}/backend/@version"),
                "TPM version",
                v,
                TpmVersion::known(),
            ),
            Some(TpmVersion::V1_2) if self.model == Some(TpmModel::TpmCrb) && runs_on_qemu(cx) => {
                diags.error(
                    "E-TPM-CRB-VERSION",
                    format!("{path}/backend/@version"),
                    "a tpm-crb TPM is TPM 2.0 only, and this one asks for version 1.2",
                    "write version='2.0', or use model='tpm-tis' for TPM 1.2",
                )
            }
            _ => {}
        }
        self.validate_arch(path, cx, diags);
    }

    /// QEMU's TPM interfaces differ by architecture: CRB exists only on x86, and on Arm
    /// machines libvirt turns tpm-tis into the sysbus tpm-tis-device.
    fn validate_arch(&self, path: &str, cx: &Context, diags: &mut Diagnostics) {
        let arch = cx
            .domain
            .os
            .as_ref()
            .and_then(|o| o.os_type.as_ref())
            .and_then(|t| t.arch.as_deref())
            .unwrap_or("");
        let arm = arch.starts_with("arm") || arch == "aarch64";
        if !arm || !runs_on_qemu(cx) {
            return;
        }
        let version = self.backend.as_ref().and_then(|b| b.version.clone());
        match &self.model {
            Some(TpmModel::TpmCrb) => diags.warning(
                "W-TPM-CRB-ARCH",
                format!("{path}/@model"),
                format!("QEMU has the CRB TPM interface only on x86, and this guest is {arch}"),
                "use model='tpm-tis' on Arm (libvirt gives QEMU's tpm-tis-device); virt-install picks it there itself",
            ),
            Some(TpmModel::TpmTis) | None if version != Some(TpmVersion::V1_2) => diags.info(
                "I-TPM-TIS-ARM",
                format!("{path}/@model"),
                format!("on {arch}, libvirt runs this TPM 2.0 as QEMU's tpm-tis-device, a sysbus device of the virt machine"),
                "it needs QEMU 5.0 or later, the virt machine type and UEFI firmware to find it (ACPI or device tree)",
            ),
            Some(TpmModel::TpmTis) | None => diags.warning(
                "W-TPM-12-ARM",
                format!("{path}/backend/@version"),
                format!("QEMU's tpm-tis-device on {arch} implements TPM 2.0 only"),
                "write version='2.0': Arm guests get no TPM 1.2",
            ),
            _ => {}
        }
    }
}

/// One regular TPM and one proxy at most: QEMU wants no second of the same kind. libvirt's
/// test driver takes several, so this is a warning.
pub fn validate_all(devices: &[(&Device, String)], cx: &Context, diags: &mut Diagnostics) {
    if !runs_on_qemu(cx) {
        return;
    }
    let mut seen = [false, false];
    for (d, path) in devices {
        let Device::Tpm(t) = d else { continue };
        let kind = usize::from(t.is_proxy());
        if let Some(slot) = seen.get_mut(kind) {
            if *slot {
                diags.warning(
                    "W-TPM-DUPLICATE",
                    path.clone(),
                    if kind == 1 {
                        "QEMU takes a single spapr-tpm-proxy"
                    } else {
                        "QEMU takes a single TPM (besides a spapr-tpm-proxy)"
                    },
                    "remove this <tpm>",
                );
            }
            *slot = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn tpm_of(xml: &str) -> Tpm {
        match first_device(xml) {
            Device::Tpm(t) => t,
            other => panic!("not a TPM: {other:?}"),
        }
    }

    #[test]
    fn architecture_rules() {
        let on = |arch: &str, tpm: &str| {
            crate::test_support::codes_of(&format!(
                "<domain type='kvm'><name>a</name><memory>1</memory><os><type arch='{arch}' machine='virt'>hvm</type></os><devices>{tpm}</devices></domain>"
            ))
        };
        let crb = "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>";
        let tis = "<tpm model='tpm-tis'><backend type='emulator' version='2.0'/></tpm>";
        let tis12 = "<tpm model='tpm-tis'><backend type='emulator' version='1.2'/></tpm>";
        assert!(on("aarch64", crb).contains(&"W-TPM-CRB-ARCH".into()));
        assert!(!on("x86_64", crb)
            .iter()
            .any(|c| c.contains("ARCH") || c.contains("ARM")));
        assert!(on("aarch64", tis).contains(&"I-TPM-TIS-ARM".into()));
        assert!(!on("aarch64", tis)
            .iter()
            .any(|c| c.starts_with("W-") || c.starts_with("E-")));
        assert!(on("aarch64", tis12).contains(&"W-TPM-12-ARM".into()));
        assert!(!on("x86_64", tis12).iter().any(|c| c.contains("ARM")));
    }

    #[test]
    fn both_directions() {
        let xml = "<tpm model='tpm-crb'>\n  <backend type='emulator' version='2.0'/>\n</tpm>\n";
        let model = Tpm::emulated(TpmModel::TpmCrb);
        assert_eq!(tpm_of(xml), model);
        assert_eq!(xml_of(&model.write()), xml);
        let pass = "<tpm model='tpm-tis'>\n  <backend type='passthrough'>\n    <device path='/dev/tpm0'/>\n  </backend>\n</tpm>\n";
        let t = tpm_of(pass);
        assert_eq!(t.model, Some(TpmModel::TpmTis));
        let b = t.backend.clone().unwrap();
        assert_eq!(b.backend_type, TpmBackendType::Passthrough);
        assert_eq!(b.version, None);
        assert!(b.extra.has_element("device"));
        assert_eq!(xml_of(&t.write()), pass);
        let kept = "<tpm>\n  <backend type='emulator' version='1.2' persistent_state='yes'>\n    <encryption secret='6dd3e4a5-1d76-44ce-961f-f119f5aad935'/>\n  </backend>\n  <alias name='tpm0'/>\n</tpm>\n";
        assert_eq!(xml_of(&tpm_of(kept).write()), kept);
    }

    fn codes(devices: &str) -> Vec<String> {
        codes_of(&domain_with_devices(devices))
    }

    #[test]
    fn rules() {
        let emu = |m: &str, v: &str| {
            format!("<tpm model='{m}'><backend type='emulator' version='{v}'/></tpm>")
        };
        assert!(codes(&emu("tpm-crb", "1.2")).contains(&"E-TPM-CRB-VERSION".into()));
        assert!(codes(&emu("tpm-tiss", "2.0")).contains(&"E-TPM-MODEL".into()));
        assert!(codes(&emu("tpm-tis", "3.0")).contains(&"E-TPM-VERSION".into()));
        assert!(codes("<tpm model='tpm-tis'><backend type='swtpm'/></tpm>")
            .contains(&"E-TPM-BACKEND-TYPE".into()));
        assert!(codes("<tpm model='tpm-tis'/>").contains(&"E-TPM-BACKEND-MISSING".into()));
        let two = format!("{}{}", emu("tpm-tis", "2.0"), emu("tpm-crb", "2.0"));
        assert!(codes(&two).contains(&"W-TPM-DUPLICATE".into()));
        let ok = format!(
            "{}{}{}",
            emu("tpm-tis", "1.2"),
            "<tpm model='spapr-tpm-proxy'><backend type='passthrough'><device path='/dev/tpmrm0'/></backend></tpm>",
            ""
        );
        let ok = codes(&ok);
        assert!(!ok.iter().any(|c| c.contains("TPM")), "{ok:?}");
        // Only QEMU's driver refuses these.
        let xen = codes_of(&domain_with_devices(&emu("tpm-crb", "1.2")).replace("'kvm'", "'xen'"));
        assert!(!xen.contains(&"E-TPM-CRB-VERSION".into()), "{xen:?}");
    }
}
