//! `<memory>`, `<currentMemory>` and `<vcpu>`: the basic resources.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::{parse_u32, parse_u64};
use crate::xml::Element;

value_enum!(
    /// The `unit` attribute of memory sizes. libvirt reads KiB when it is absent.
    MemoryUnit {
        Bytes = "bytes",
        B = "b",
        KB = "KB",
        K = "k",
        KiB = "KiB",
        MB = "MB",
        M = "M",
        MiB = "MiB",
        GB = "GB",
        G = "G",
        GiB = "GiB",
        TB = "TB",
        T = "T",
        TiB = "TiB",
        PB = "PB",
        P = "P",
        PiB = "PiB",
        EB = "EB",
        E = "E",
        EiB = "EiB",
    }
);

impl MemoryUnit {
    /// Bytes in one unit; `None` for an unknown unit.
    pub fn bytes(&self) -> Option<u128> {
        scale(self.as_str())
    }

    /// The units a form offers.
    pub const COMMON: &'static [MemoryUnit] = &[
        MemoryUnit::KiB,
        MemoryUnit::MiB,
        MemoryUnit::GiB,
        MemoryUnit::TiB,
    ];
}

/// Bytes in a unit as libvirt's virScaleInteger reads it: case-insensitive, `k`/`KiB` are
/// powers of 1024 and `KB` powers of 1000.
pub fn scale(unit: &str) -> Option<u128> {
    let u = unit.to_ascii_lowercase();
    if matches!(u.as_str(), "b" | "byte" | "bytes") {
        return Some(1);
    }
    let mut chars = u.chars();
    let power = match chars.next()? {
        'k' => 1,
        'm' => 2,
        'g' => 3,
        't' => 4,
        'p' => 5,
        'e' => 6,
        _ => return None,
    };
    let base: u128 = match chars.as_str() {
        "" | "ib" => 1024,
        "b" => 1000,
        _ => return None,
    };
    Some(base.pow(power))
}

/// A memory size, as `<memory unit='GiB'>2</memory>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemorySize {
    pub amount: u64,
    /// `None` writes no `unit` attribute, which libvirt reads as KiB.
    #[serde(default)]
    pub unit: Option<MemoryUnit>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl MemorySize {
    pub fn new(amount: u64, unit: MemoryUnit) -> Self {
        MemorySize {
            amount,
            unit: Some(unit),
            extra: Extra::default(),
        }
    }

    /// The size in KiB, rounded up as libvirt rounds; `None` for an unknown unit or overflow.
    pub fn kib(&self) -> Option<u64> {
        let per = self.unit.as_ref().map_or(Some(1024), |u| u.bytes())?;
        let bytes = (self.amount as u128).checked_mul(per)?;
        u64::try_from(bytes.div_ceil(1024)).ok()
    }

    pub fn read(name: &str, c: &mut Cursor, diags: &mut Diagnostics) -> Option<MemorySize> {
        let (amount, mut el) =
            c.child_parsed(name, diags, |s| parse_u64(&format!("<{name}>"), s))?;
        let unit = el.attr("unit").map(MemoryUnit::parse);
        if let Some(u) = unit.as_ref().filter(|u| u.bytes().is_none()) {
            diags.error(
                "E-MEMORY-UNIT",
                el.attr_path("unit"),
                format!("'{u}' is not a memory unit libvirt knows"),
                crate::values::choice_hint(u.as_str(), MemoryUnit::known()),
            );
        }
        Some(MemorySize {
            amount,
            unit,
            extra: el.finish(),
        })
    }

    pub fn write(&self, name: &str) -> Element {
        ElementBuilder::new(name)
            .opt_attr("unit", self.unit.as_ref().map(|u| u.as_str()))
            .text(self.amount.to_string())
            .build(&self.extra)
    }
}

/// `<vcpu>`: the number of virtual CPUs; placement, cpuset and current are kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vcpu {
    pub count: u32,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Vcpu {
    pub fn new(count: u32) -> Self {
        Vcpu {
            count,
            extra: Extra::default(),
        }
    }

    pub fn read(c: &mut Cursor, diags: &mut Diagnostics) -> Option<Vcpu> {
        let (count, el) = c.child_parsed("vcpu", diags, |s| parse_u32("<vcpu>", s))?;
        Some(Vcpu {
            count,
            extra: el.finish(),
        })
    }

    pub fn write(&self) -> Element {
        ElementBuilder::new("vcpu")
            .text(self.count.to_string())
            .build(&self.extra)
    }
}

pub fn validate(cx: &Context, diags: &mut Diagnostics) {
    let d = cx.domain;
    let has_numa = d
        .extra
        .element("cpu")
        .is_some_and(|cpu| cpu.child("numa").is_some());
    let memory_written_but_bad = d.extra.has_element("memory");
    if d.memory.is_none() && !memory_written_but_bad && !has_numa {
        diags.error(
            "E-MEMORY-MISSING",
            "/domain/memory",
            "the domain has no <memory>",
            "add <memory unit='GiB'>2</memory>: libvirt needs the guest's maximum memory at boot",
        );
    }
    if let Some(m) = &d.memory {
        if m.amount == 0 && !has_numa {
            diags.error(
                "E-MEMORY-ZERO",
                "/domain/memory",
                "<memory> is 0",
                "give the guest some memory, for example <memory unit='GiB'>2</memory>",
            );
        }
    }
    if let (Some(max), Some(cur)) = (&d.memory, &d.current_memory) {
        if let (Some(mk), Some(ck)) = (max.kib(), cur.kib()) {
            if ck > mk {
                diags.warning(
                    "W-MEMORY-CURRENT-ABOVE-MAX",
                    "/domain/currentMemory",
                    format!("<currentMemory> ({ck} KiB) is more than <memory> ({mk} KiB)"),
                    "libvirt silently lowers currentMemory to memory: raise <memory> or lower <currentMemory>",
                );
            }
        }
    }
    if let Some(v) = &d.vcpu {
        if v.count == 0 {
            diags.error(
                "E-VCPU-ZERO",
                "/domain/vcpu",
                "<vcpu> is 0",
                "a guest needs at least one virtual CPU: write <vcpu>1</vcpu> or more",
            );
        }
        if let Some(cur) = v.extra.attr("current").and_then(|s| s.parse::<u32>().ok()) {
            if cur > v.count || cur == 0 {
                diags.error(
                    "E-VCPU-CURRENT",
                    "/domain/vcpu/@current",
                    format!(
                        "vcpu current='{cur}' must be between 1 and the vcpu count ({})",
                        v.count
                    ),
                    "lower current= or raise the vcpu count",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{domain_from, xml_of};

    #[test]
    fn memory_both_directions() {
        let xml = "<memory unit='GiB'>2</memory>\n";
        assert_eq!(
            xml_of(&MemorySize::new(2, MemoryUnit::GiB).write("memory")),
            xml
        );
        let d = domain_from("<domain type='kvm'><name>a</name><memory unit='GiB'>2</memory><currentMemory>1024</currentMemory><vcpu placement='static'>2</vcpu></domain>");
        assert_eq!(d.memory, Some(MemorySize::new(2, MemoryUnit::GiB)));
        assert_eq!(
            d.current_memory
                .as_ref()
                .map(|m| (m.amount, m.unit.clone())),
            Some((1024, None))
        );
        assert_eq!(
            d.memory.as_ref().and_then(|m| m.kib()),
            Some(2 * 1024 * 1024)
        );
        let v = d.vcpu.unwrap();
        assert_eq!(v.count, 2);
        assert_eq!(xml_of(&v.write()), "<vcpu placement='static'>2</vcpu>\n");
    }

    #[test]
    fn rules() {
        use crate::test_support::codes_of;
        assert!(
            codes_of("<domain type='kvm'><name>a</name><vcpu>1</vcpu></domain>")
                .contains(&"E-MEMORY-MISSING".to_string())
        );
        let c = codes_of("<domain type='kvm'><name>a</name><memory>1024</memory><currentMemory>2048</currentMemory><vcpu>0</vcpu></domain>");
        assert!(
            c.contains(&"W-MEMORY-CURRENT-ABOVE-MAX".to_string()),
            "{c:?}"
        );
        assert!(c.contains(&"E-VCPU-ZERO".to_string()), "{c:?}");
        let c = codes_of("<domain type='kvm'><name>a</name><memory>12x</memory></domain>");
        assert!(c.contains(&"E-VALUE-NUMBER".to_string()), "{c:?}");
        assert!(!c.contains(&"E-MEMORY-MISSING".to_string()), "{c:?}");
    }
}
