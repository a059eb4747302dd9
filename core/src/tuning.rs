//! Rules on `<cputune>` that libvirt checks although vmxml keeps the element as written:
//! cache allocations (`<cachetune>`) and memory bandwidth (`<memorytune>`) must not collide.

use crate::diagnostic::Diagnostics;
use crate::node::step;
use crate::validate::Context;
use crate::values::sort_stably_by;
use crate::xml::Element;

/// A set of CPU numbers, sorted and without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuSet(pub Vec<u32>);

impl CpuSet {
    pub fn contains(&self, n: u32) -> bool {
        self.0.binary_search(&n).is_ok()
    }

    pub fn is_subset(&self, other: &CpuSet) -> bool {
        self.0.iter().all(|n| other.contains(*n))
    }

    pub fn is_disjoint(&self, other: &CpuSet) -> bool {
        !self.0.iter().any(|n| other.contains(*n))
    }
}

/// Parses a libvirt CPU list such as `0-3,^2,8`; `None` when it does not parse.
pub fn parse_cpu_set(s: &str) -> Option<CpuSet> {
    let mut set = Vec::new();
    let mut excluded = Vec::new();
    for part in s.split(',').map(str::trim) {
        if let Some(n) = part.strip_prefix('^') {
            excluded.push(n.parse::<u32>().ok()?);
        } else if let Some((a, b)) = part.split_once('-') {
            let (a, b) = (a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?);
            // Bounds keep hostile input ("0-4294967295", a range repeated) from taking memory.
            if a > b || b - a > 65_536 || set.len() > 1 << 20 {
                return None;
            }
            set.extend(a..=b);
        } else {
            set.push(part.parse::<u32>().ok()?);
        }
    }
    sort_stably_by(&mut set, |n| u128::from(*n));
    set.dedup();
    set.retain(|n| !excluded.contains(n));
    Some(CpuSet(set))
}

fn indexed<'a>(parent: &'a Element, name: &str, base: &str) -> Vec<(&'a Element, String)> {
    let all: Vec<&Element> = parent.elements().filter(|e| e.name == name).collect();
    let count = all.len();
    all.into_iter()
        .enumerate()
        .map(|(i, e)| (e, format!("{base}/{}", step(name, i + 1, count))))
        .collect()
}

fn types_collide(a: &str, b: &str) -> bool {
    a == b || a == "both" || b == "both"
}

pub fn validate(cx: &Context, diags: &mut Diagnostics) {
    let Some(cputune) = cx.domain.extra.element("cputune") else {
        return;
    };
    let base = "/domain/cputune";
    let cachetunes = indexed(cputune, "cachetune", base);
    let memorytunes = indexed(cputune, "memorytune", base);
    let vcpus_of = |e: &Element| e.attr("vcpus").and_then(parse_cpu_set);

    let mut tunes: Vec<(CpuSet, String)> = Vec::new();
    for (ct, path) in &cachetunes {
        let Some(vcpus) = vcpus_of(ct) else { continue };
        let caches = indexed(ct, "cache", path);
        for (i, (a, _)) in caches.iter().enumerate() {
            for (b, bpath) in &caches[i + 1..] {
                let key = |e: &Element| {
                    (
                        e.attr("level").map(str::to_string),
                        e.attr("id").map(str::to_string),
                    )
                };
                let (ta, tb) = (
                    a.attr("type").unwrap_or("both"),
                    b.attr("type").unwrap_or("both"),
                );
                if key(a) == key(b) && types_collide(ta, tb) {
                    diags.error(
                        "E-CACHETUNE-COLLIDING",
                        bpath.clone(),
                        format!(
                            "this cache allocation (level {}, id {}, type {tb}) collides with an earlier one of type {ta}",
                            b.attr("level").unwrap_or("?"),
                            b.attr("id").unwrap_or("?")
                        ),
                        "allocate each cache level and id once per <cachetune>; 'both' covers code and data",
                    );
                }
            }
        }
        for (m, mpath) in indexed(ct, "monitor", path) {
            if let Some(mv) = vcpus_of(m) {
                if !mv.is_subset(&vcpus) {
                    diags.error(
                        "E-CACHETUNE-MONITOR-VCPUS",
                        format!("{mpath}/@vcpus"),
                        "the monitor watches vCPUs that its <cachetune> does not allocate",
                        "give <monitor vcpus=...> a subset of the cachetune's vcpus",
                    );
                }
            }
        }
        for (other, opath) in &tunes {
            if *other == vcpus {
                diags.error(
                    "E-CACHETUNE-VCPUS",
                    format!("{path}/@vcpus"),
                    format!("this <cachetune> has the same vcpus as {opath}"),
                    "merge the two <cachetune> elements into one",
                );
            } else if !other.is_disjoint(&vcpus) {
                diags.error(
                    "E-CACHETUNE-VCPUS",
                    format!("{path}/@vcpus"),
                    format!("this <cachetune>'s vcpus overlap those of {opath}"),
                    "each vCPU may belong to one cache allocation: make the vcpus sets disjoint",
                );
            }
        }
        tunes.push((vcpus, path.clone()));
    }
    for (mt, path) in &memorytunes {
        let nodes = indexed(mt, "node", path);
        for (i, (a, _)) in nodes.iter().enumerate() {
            for (b, bpath) in &nodes[i + 1..] {
                if a.attr("id").is_some() && a.attr("id") == b.attr("id") {
                    diags.error(
                        "E-MEMORYTUNE-NODE-DUPLICATE",
                        format!("{bpath}/@id"),
                        format!(
                            "memory bandwidth for node {} is already set in this <memorytune>",
                            b.attr("id").unwrap_or("?")
                        ),
                        "set each node's bandwidth once",
                    );
                }
            }
        }
        let Some(vcpus) = vcpus_of(mt) else { continue };
        // A memorytune may share a cachetune's exact vcpus (they form one group), not overlap it.
        for (other, opath) in &tunes {
            if *other != vcpus && !other.is_disjoint(&vcpus) {
                diags.error(
                    "E-MEMORYTUNE-VCPUS",
                    format!("{path}/@vcpus"),
                    format!("this <memorytune>'s vcpus overlap those of {opath} without being the same set"),
                    "use exactly the vcpus of that <cachetune>, or a disjoint set",
                );
            }
        }
        tunes.push((vcpus, path.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::codes_of;

    #[test]
    fn cpu_sets() {
        assert_eq!(parse_cpu_set("0-3,^2,8"), Some(CpuSet(vec![0, 1, 3, 8])));
        assert_eq!(parse_cpu_set("3,1-2,1"), Some(CpuSet(vec![1, 2, 3])));
        let a = parse_cpu_set("0-3");
        let b = parse_cpu_set("2-5");
        let c = parse_cpu_set("4");
        assert!(a.zip(b.clone()).is_some_and(|(a, b)| !a.is_disjoint(&b)));
        assert!(b.zip(c).is_some_and(|(b, c)| c.is_subset(&b)));
        assert_eq!(parse_cpu_set("x"), None);
        assert_eq!(parse_cpu_set("0-4294967295"), None);
    }

    fn codes(cputune: &str) -> Vec<String> {
        codes_of(&format!("<domain type='kvm'><name>a</name><memory>1</memory><vcpu>4</vcpu><cputune>{cputune}</cputune><os><type>hvm</type></os></domain>"))
    }

    #[test]
    fn collisions() {
        assert!(codes("<cachetune vcpus='0'><cache id='0' level='3' type='code' size='1' unit='KiB'/><cache id='0' level='3' type='code' size='2' unit='KiB'/></cachetune>").contains(&"E-CACHETUNE-COLLIDING".into()));
        assert!(codes("<cachetune vcpus='0-1'><cache id='0' level='3' type='both' size='1' unit='KiB'/><cache id='0' level='3' type='code' size='2' unit='KiB'/></cachetune>").contains(&"E-CACHETUNE-COLLIDING".into()));
        assert!(codes("<cachetune vcpus='0-1'><cache id='0' level='3' type='both' size='1' unit='KiB'/><monitor level='3' vcpus='2'/></cachetune>").contains(&"E-CACHETUNE-MONITOR-VCPUS".into()));
        assert!(codes("<cachetune vcpus='0'/><cachetune vcpus='0'/>")
            .contains(&"E-CACHETUNE-VCPUS".into()));
        assert!(codes("<memorytune vcpus='0'><node id='0' bandwidth='50'/><node id='0' bandwidth='50'/></memorytune>").contains(&"E-MEMORYTUNE-NODE-DUPLICATE".into()));
        assert!(codes("<cachetune vcpus='0-1'/><memorytune vcpus='0'><node id='0' bandwidth='50'/></memorytune>").contains(&"E-MEMORYTUNE-VCPUS".into()));
        let ok = codes("<cachetune vcpus='0-1'><cache id='0' level='3' type='code' size='1' unit='KiB'/><cache id='0' level='3' type='data' size='1' unit='KiB'/><monitor level='3' vcpus='1'/></cachetune><memorytune vcpus='0-1'><node id='0' bandwidth='50'/><node id='1' bandwidth='50'/></memorytune>");
        assert!(!ok.iter().any(|c| c.starts_with("E-")), "{ok:?}");
    }
}
