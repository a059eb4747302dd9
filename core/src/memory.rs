//! `<memory>`, `<currentMemory>`, `<memoryBacking>` and `<vcpu>`: the basic resources.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::{parse_u32, parse_u64, refuse_unknown};
use crate::xml::{Element, Node};

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

value_enum!(
    /// `<vcpu placement=...>`: who chooses the host CPUs the guest runs on.
    VcpuPlacement {
        /// The `cpuset` written here (all host CPUs without one).
        Static = "static",
        /// numad picks them at start (with `<numatune>`).
        Auto = "auto",
    }
);

/// `<vcpu>`: the maximum number of virtual CPUs, how many are online at boot, and where they
/// may run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vcpu {
    /// The maximum: CPU hotplug can bring the guest up to this many.
    pub count: u32,
    #[serde(default)]
    pub placement: Option<VcpuPlacement>,
    /// Host CPUs the vCPUs may run on, as libvirt writes lists: `1-4,^3,6`.
    #[serde(default)]
    pub cpuset: Option<String>,
    /// vCPUs online at boot; `None` means all of them.
    #[serde(default)]
    pub current: Option<u32>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Vcpu {
    pub fn new(count: u32) -> Self {
        Vcpu {
            count,
            placement: None,
            cpuset: None,
            current: None,
            extra: Extra::default(),
        }
    }

    pub fn read(c: &mut Cursor, diags: &mut Diagnostics) -> Option<Vcpu> {
        let (count, mut el) = c.child_parsed("vcpu", diags, |s| parse_u32("<vcpu>", s))?;
        let placement = el.attr("placement").map(VcpuPlacement::parse);
        let cpuset = el.attr("cpuset").map(str::to_string);
        let current = el.attr_parsed("current", diags, |s| parse_u32("vcpu current", s));
        Some(Vcpu {
            count,
            placement,
            cpuset,
            current,
            extra: el.finish(),
        })
    }

    pub fn write(&self) -> Element {
        ElementBuilder::new("vcpu")
            .opt_attr("placement", self.placement.as_ref().map(|p| p.as_str()))
            .opt_attr("cpuset", self.cpuset.as_ref())
            .opt_attr("current", self.current.map(|c| c.to_string()))
            .text(self.count.to_string())
            .build(&self.extra)
    }
}

value_enum!(
    /// `<memoryBacking><source type=...>`: what guest memory is allocated from.
    MemorySourceType {
        File = "file",
        Anonymous = "anonymous",
        /// Anonymous memory that can be shared with another process (virtiofs, vhost-user).
        Memfd = "memfd",
    }
);

value_enum!(
    /// `<memoryBacking><access mode=...>`.
    MemoryAccessMode {
        /// Other processes (virtiofsd, vhost-user backends) may map guest memory.
        Shared = "shared",
        Private = "private",
    }
);

value_enum!(
    /// `<memoryBacking><allocation mode=...>`.
    MemoryAllocationMode {
        /// All guest memory is allocated when it starts.
        Immediate = "immediate",
        /// Memory is allocated as the guest touches it.
        Ondemand = "ondemand",
    }
);

/// `<hugepages><page size unit nodeset/>`: one huge page size, optionally for some guest
/// NUMA nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HugePage {
    pub size: u64,
    /// `None` writes no unit, which libvirt reads as KiB.
    #[serde(default)]
    pub unit: Option<MemoryUnit>,
    #[serde(default)]
    pub nodeset: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl HugePage {
    /// The page size in KiB; `None` for an unknown unit or overflow.
    pub fn kib(&self) -> Option<u64> {
        MemorySize {
            amount: self.size,
            unit: self.unit.clone(),
            extra: Extra::default(),
        }
        .kib()
    }
}

/// `<hugepages>`: back guest memory with huge pages (the host's default size if no page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HugePages {
    #[serde(default)]
    pub pages: Vec<HugePage>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// `<memoryBacking>`: how the host provides guest memory. virtiofs needs shared access
/// (with memfd or file source); huge pages cut TLB misses for big guests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryBacking {
    #[serde(default)]
    pub hugepages: Option<HugePages>,
    /// `<nosharepages/>`: keep KSM from merging this guest's pages.
    #[serde(default)]
    pub nosharepages: bool,
    /// `<locked/>`: the host never swaps guest memory out.
    #[serde(default)]
    pub locked: bool,
    #[serde(default)]
    pub source: Option<MemorySourceType>,
    #[serde(default)]
    pub access: Option<MemoryAccessMode>,
    #[serde(default)]
    pub allocation: Option<MemoryAllocationMode>,
    /// `<allocation threads=...>`: how many host threads allocate memory at start.
    #[serde(default)]
    pub allocation_threads: Option<u32>,
    /// `<discard/>`: give memory back to the host when the guest frees it.
    #[serde(default)]
    pub discard: bool,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// Whether a child of `<memoryBacking>` holds only what the model reads: these attributes
/// and no children. Anything richer stays in `extra`, whole, to be written back as it was.
fn plain(el: &Element, attrs: &[&str]) -> bool {
    el.children
        .iter()
        .all(|n| matches!(n, Node::Text(t) if t.trim().is_empty()))
        && el.attrs.iter().all(|a| attrs.contains(&a.name.as_str()))
}

/// Takes `<name/>` when it is plain.
fn take_flag(c: &mut Cursor, name: &str) -> bool {
    c.element().child(name).is_some_and(|e| plain(e, &[])) && c.child(name).is_some()
}

/// Takes `<name attr='...'/>` when it has nothing else, giving the value.
fn take_one_attr<'a>(c: &mut Cursor<'a>, name: &str, attr: &str) -> Option<&'a str> {
    let e = c.element().child(name).filter(|e| plain(e, &[attr]))?;
    let v = e.attr(attr)?;
    c.child(name)?;
    Some(v)
}

impl MemoryBacking {
    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> MemoryBacking {
        let el = c.element();
        let sizes_parse = el.child("hugepages").is_some_and(|h| {
            h.elements().filter(|p| p.name == "page").all(|p| {
                p.attr("size")
                    .is_some_and(|s| parse_u64("page size", s).is_ok())
            })
        });
        let hugepages = if sizes_parse {
            c.child("hugepages").map(|mut h| {
                let pages = h
                    .children("page")
                    .into_iter()
                    .map(|mut p| HugePage {
                        size: p
                            .attr("size")
                            .and_then(|s| parse_u64("page size", s).ok())
                            .unwrap_or_default(),
                        unit: p.attr("unit").map(MemoryUnit::parse),
                        nodeset: p.attr("nodeset").map(str::to_string),
                        extra: p.finish(),
                    })
                    .collect();
                HugePages {
                    pages,
                    extra: h.finish(),
                }
            })
        } else {
            if el.child("hugepages").is_some() {
                diags.error(
                    "E-HUGEPAGE-SIZE",
                    format!("{}/hugepages/page/@size", c.path()),
                    "a huge page has no size, or one that is not a whole number",
                    "write <page size='2' unit='MiB'/>; <hugepages> is kept as written",
                );
            }
            None
        };
        let nosharepages = take_flag(&mut c, "nosharepages");
        let locked = take_flag(&mut c, "locked");
        let discard = take_flag(&mut c, "discard");
        let source = take_one_attr(&mut c, "source", "type").map(MemorySourceType::parse);
        let access = take_one_attr(&mut c, "access", "mode").map(MemoryAccessMode::parse);
        let mut allocation = None;
        let mut allocation_threads = None;
        if let Some(a) = el
            .child("allocation")
            .filter(|a| plain(a, &["mode", "threads"]))
        {
            let threads = a
                .attr("threads")
                .map(|t| parse_u32("allocation threads", t));
            match threads {
                Some(Err((code, message, hint))) => diags.error(
                    code,
                    format!("{}/allocation/@threads", c.path()),
                    message,
                    hint,
                ),
                _ => {
                    c.child("allocation");
                    allocation = a.attr("mode").map(MemoryAllocationMode::parse);
                    allocation_threads = threads.and_then(Result::ok);
                }
            }
        }
        MemoryBacking {
            hugepages,
            nosharepages,
            locked,
            source,
            access,
            allocation,
            allocation_threads,
            discard,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let flag = |name: &str, on: bool| on.then(|| Element::new(name));
        // libvirt's formatter order: hugepages, nosharepages, locked, source, access,
        // allocation, discard.
        ElementBuilder::new("memoryBacking")
            .opt_child(self.hugepages.as_ref().map(|h| {
                ElementBuilder::new("hugepages")
                    .children(h.pages.iter().map(|p| {
                        ElementBuilder::new("page")
                            .attr("size", p.size.to_string())
                            .opt_attr("unit", p.unit.as_ref().map(|u| u.as_str()))
                            .opt_attr("nodeset", p.nodeset.as_ref())
                            .build(&p.extra)
                    }))
                    .build(&h.extra)
            }))
            .opt_child(flag("nosharepages", self.nosharepages))
            .opt_child(flag("locked", self.locked))
            .opt_child(
                self.source
                    .as_ref()
                    .map(|s| Element::new("source").with_attr("type", s.as_str())),
            )
            .opt_child(
                self.access
                    .as_ref()
                    .map(|a| Element::new("access").with_attr("mode", a.as_str())),
            )
            .opt_child(
                (self.allocation.is_some() || self.allocation_threads.is_some()).then(|| {
                    ElementBuilder::new("allocation")
                        .opt_attr("mode", self.allocation.as_ref().map(|m| m.as_str()))
                        .opt_attr("threads", self.allocation_threads.map(|t| t.to_string()))
                        .build(&Extra::default())
                }),
            )
            .opt_child(flag("discard", self.discard))
            .build(&self.extra)
    }
}

pub fn validate(cx: &Context, diags: &mut Diagnostics) {
    let d = cx.domain;
    let has_numa = d
        .cpu
        .as_ref()
        .is_some_and(|cpu| cpu.extra.has_element("numa"));
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
        if let Some(cur) = v.current {
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
    if let Some(VcpuPlacement::Other(p)) = d.vcpu.as_ref().and_then(|v| v.placement.as_ref()) {
        refuse_unknown(
            diags,
            "E-VCPU-PLACEMENT",
            "/domain/vcpu/@placement",
            "vCPU placement",
            p,
            VcpuPlacement::known(),
        );
    }
    if let Some(m) = &d.memory_backing {
        let base = "/domain/memoryBacking";
        if let Some(MemorySourceType::Other(v)) = &m.source {
            refuse_unknown(
                diags,
                "E-MEMORY-SOURCE-TYPE",
                format!("{base}/source/@type"),
                "memory source type",
                v,
                MemorySourceType::known(),
            );
        }
        if let Some(MemoryAccessMode::Other(v)) = &m.access {
            refuse_unknown(
                diags,
                "E-MEMORY-ACCESS-MODE",
                format!("{base}/access/@mode"),
                "memory access mode",
                v,
                MemoryAccessMode::known(),
            );
        }
        if let Some(MemoryAllocationMode::Other(v)) = &m.allocation {
            refuse_unknown(
                diags,
                "E-MEMORY-ALLOCATION-MODE",
                format!("{base}/allocation/@mode"),
                "memory allocation mode",
                v,
                MemoryAllocationMode::known(),
            );
        }
    }
    hugepage_rules(cx, diags);
}

/// Huge page sizes are what the host's MMU offers: powers of two (4 KiB, 2 MiB, 1 GiB).
/// libvirt refuses 0; any other size only fails when QEMU starts, hence a warning.
fn hugepage_rules(cx: &Context, diags: &mut Diagnostics) {
    let Some(h) = cx
        .domain
        .memory_backing
        .as_ref()
        .and_then(|m| m.hugepages.as_ref())
    else {
        return;
    };
    let count = h.pages.len();
    for (i, p) in h.pages.iter().enumerate() {
        let path = format!(
            "/domain/memoryBacking/hugepages/{}/@size",
            crate::node::step("page", i + 1, count)
        );
        match p.kib() {
            Some(0) => diags.error(
                "E-HUGEPAGE-SIZE-ZERO",
                path,
                "a huge page size of 0",
                "write the host's huge page size, such as size='2' unit='MiB' or size='1' unit='GiB'",
            ),
            Some(k) if !k.is_power_of_two() => diags.warning(
                "W-HUGEPAGE-SIZE",
                path,
                format!("huge page size {k} KiB is not a power of two"),
                "x86 hosts offer 2 MiB and 1 GiB pages (see /sys/kernel/mm/hugepages): QEMU fails to start with any other size",
            ),
            _ => {}
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
    fn vcpu_placement_both_directions() {
        let v = Vcpu {
            placement: Some(VcpuPlacement::Static),
            cpuset: Some("1-4,^3,6".into()),
            current: Some(2),
            ..Vcpu::new(4)
        };
        let xml = "<vcpu placement='static' cpuset='1-4,^3,6' current='2'>4</vcpu>\n";
        assert_eq!(xml_of(&v.write()), xml);
        assert_eq!(
            domain_from(&format!("<domain type='kvm'>{xml}</domain>")).vcpu,
            Some(v)
        );
    }

    #[test]
    fn memory_backing_both_directions() {
        let xml = "<memoryBacking>\n  <hugepages>\n    <page size='1' unit='GiB' nodeset='0-1'/>\n    <page size='2048' unit='KiB'/>\n  </hugepages>\n  <nosharepages/>\n  <locked/>\n  <source type='memfd'/>\n  <access mode='shared'/>\n  <allocation mode='immediate' threads='4'/>\n  <discard/>\n</memoryBacking>\n";
        let m = MemoryBacking {
            hugepages: Some(HugePages {
                pages: vec![
                    HugePage {
                        size: 1,
                        unit: Some(MemoryUnit::GiB),
                        nodeset: Some("0-1".into()),
                        extra: Extra::default(),
                    },
                    HugePage {
                        size: 2048,
                        unit: Some(MemoryUnit::KiB),
                        nodeset: None,
                        extra: Extra::default(),
                    },
                ],
                extra: Extra::default(),
            }),
            nosharepages: true,
            locked: true,
            source: Some(MemorySourceType::Memfd),
            access: Some(MemoryAccessMode::Shared),
            allocation: Some(MemoryAllocationMode::Immediate),
            allocation_threads: Some(4),
            discard: true,
            extra: Extra::default(),
        };
        assert_eq!(xml_of(&m.write()), xml);
        let d = domain_from(&format!("<domain type='kvm'>{xml}</domain>"));
        assert_eq!(d.memory_backing, Some(m));
    }

    #[test]
    fn memory_backing_keeps_what_it_does_not_read() {
        let xml = "<memoryBacking>\n  <hugepages/>\n  <locked x='1'/>\n  <source type='file' y='2'/>\n</memoryBacking>\n";
        let m = domain_from(&format!("<domain type='kvm'>{xml}</domain>"))
            .memory_backing
            .unwrap();
        assert_eq!(m.hugepages, Some(HugePages::default()));
        assert!(!m.locked && m.source.is_none());
        assert_eq!(xml_of(&m.write()), xml);
    }

    #[test]
    fn hugepage_and_vcpu_rules() {
        use crate::test_support::codes_of;
        let doc = |page: &str| {
            format!("<domain type='kvm'><name>a</name><memory>1048576</memory><memoryBacking><hugepages>{page}</hugepages></memoryBacking><vcpu current='2'>2</vcpu><os><type>hvm</type></os></domain>")
        };
        let c = codes_of(&doc("<page size='3000' unit='KiB'/>"));
        assert!(c.contains(&"W-HUGEPAGE-SIZE".into()), "{c:?}");
        let c = codes_of(&doc("<page size='0'/>"));
        assert!(c.contains(&"E-HUGEPAGE-SIZE-ZERO".into()), "{c:?}");
        let c = codes_of(&doc("<page size='2' unit='MiB'/><page size='1' unit='G'/>"));
        assert!(
            !c.iter()
                .any(|x| x.contains("HUGEPAGE") || x.contains("VCPU")),
            "{c:?}"
        );
        let c = codes_of("<domain type='kvm'><name>a</name><memory>1</memory><vcpu current='3'>2</vcpu></domain>");
        assert!(c.contains(&"E-VCPU-CURRENT".into()), "{c:?}");
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
