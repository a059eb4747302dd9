//! CPU and memory: maximum and current memory with units, memory backing, virtual CPUs and
//! their placement, the CPU model and topology.

use leptos::prelude::*;
use vmxml_core::cpu::{Cpu, CpuMode};
use vmxml_core::memory::{MemorySize, MemoryUnit, Vcpu, VcpuPlacement};
use vmxml_core::Domain;

use super::{num, Group};
use crate::choices;
use crate::fields::{at, Messages, NumberField, Select};
use crate::form::{fields, At, Choices, Control, Field, FIELD};
use crate::state::use_studio;

const UNITS: Choices = choices![
    "KiB" => "KiB",
    "MiB" => "MiB",
    "GiB" => "GiB",
    "TiB" => "TiB",
];

/// Number and unit fields for one of the two memory sizes.
#[component]
fn MemoryField(
    label: &'static str,
    path: &'static str,
    help: &'static str,
    since: &'static str,
    get: fn(&Domain) -> &Option<MemorySize>,
    get_mut: fn(&mut Domain) -> &mut Option<MemorySize>,
) -> impl IntoView {
    let studio = use_studio();
    let amount = Signal::derive(move || {
        studio
            .domain
            .with(|d| get(d).as_ref().map(|m| m.amount as i64))
    });
    let unit = Signal::derive(move || {
        studio.domain.with(|d| {
            get(d)
                .as_ref()
                .and_then(|m| m.unit.as_ref())
                .map_or("KiB".to_string(), |u| u.as_str().to_string())
        })
    });
    let set_amount = Callback::new(move |v: Option<i64>| {
        studio.edit(|d| match v {
            Some(n) => {
                let n = u64::try_from(n).unwrap_or(0);
                match get_mut(d) {
                    Some(m) => m.amount = n,
                    slot => *slot = Some(MemorySize::new(n, MemoryUnit::MiB)),
                }
            }
            None => *get_mut(d) = None,
        })
    });
    let set_unit = Callback::new(move |v: String| {
        studio.edit(|d| {
            if let Some(m) = get_mut(d) {
                m.unit = Some(MemoryUnit::parse(&v));
            }
        })
    });
    let unit_path = Signal::stored(format!("{path}/@unit"));
    let unit_view = view! {
        <Select id=Signal::stored(crate::fields::field_id(&format!("{path}/@unit"))) path=unit_path options=UNITS value=unit on_change=set_unit label="Unit" />
    }
    .into_any();
    view! { <NumberField label path=at(path) value=amount on_input=set_amount help since min=Some(0) unit=unit_view /> }
}

fn cpu(d: &Domain) -> Option<&Cpu> {
    d.cpu.as_ref()
}

fn is_custom(d: &Domain, _: usize) -> bool {
    cpu(d).is_some_and(|c| c.mode.as_ref().is_none_or(|m| *m == CpuMode::Custom))
}

fn vcpu_mut(d: &mut Domain) -> &mut Vcpu {
    d.vcpu.get_or_insert_with(|| Vcpu::new(1))
}

const CPU_MODES: Choices = choices![
    "host-passthrough" => "host-passthrough: exactly the host CPU",
    "host-model" => "host-model: the closest named model to the host CPU",
    "custom" => "custom: the model named below",
    "maximum" => "maximum: every feature the hypervisor can offer",
];

const FALLBACKS: Choices = choices![
    "allow" => "allow: a close model if the host lacks this one",
    "forbid" => "forbid: refuse to start instead",
];

const PLACEMENTS: Choices = choices![
    "static" => "static: the CPU set below (all host CPUs without one)",
    "auto" => "auto: numad picks host CPUs at start",
];

const TOPOLOGY: Field = Field {
    control: Control::Number(Some(1), None),
    since: "0.7.5",
    ..FIELD
};

pub(crate) static CPU_FIELDS: [Field; 7] = [
    Field {
        label: "CPU mode",
        at: At::Rel("/domain/cpu/@mode"),
        control: Control::Select(CPU_MODES),
        help: "host-passthrough is fastest but ties migration to identical hosts; host-model keeps migration to similar hosts possible; custom names a model. Empty: the hypervisor's default CPU.",
        since: "0.9.10; maximum 7.1.0",
        ..FIELD
    },
    Field {
        label: "CPU model",
        at: At::Rel("/domain/cpu/model"),
        control: Control::Text("Skylake-Client"),
        help: "A named CPU model (virsh cpu-models x86_64 lists them), the same on every host the guest may run on.",
        since: "0.7.5",
        show: Some(is_custom),
        ..FIELD
    },
    Field {
        label: "Model fallback",
        at: At::Rel("/domain/cpu/model/@fallback"),
        control: Control::Select(FALLBACKS),
        help: "Whether libvirt may use a close model when the hypervisor does not have this one.",
        since: "",
        show: Some(is_custom),
        ..FIELD
    },
    Field {
        label: "Sockets",
        at: At::Rel("/domain/cpu/topology/@sockets"),
        help: "CPU sockets the guest sees. sockets × dies × cores × threads must equal the virtual CPUs.",
        ..TOPOLOGY
    },
    Field {
        label: "Dies",
        at: At::Rel("/domain/cpu/topology/@dies"),
        help: "Dies per socket; usually 1.",
        since: "6.1.0",
        ..TOPOLOGY
    },
    Field {
        label: "Cores",
        at: At::Rel("/domain/cpu/topology/@cores"),
        help: "Cores per die. Some guest licences count sockets, so more cores and fewer sockets can matter.",
        ..TOPOLOGY
    },
    Field {
        label: "Threads",
        at: At::Rel("/domain/cpu/topology/@threads"),
        help: "Threads per core (hyper-threading): 1, or 2 to mirror an SMT host.",
        ..TOPOLOGY
    },
];

pub(crate) static VCPU_FIELDS: [Field; 3] = [
    Field {
        label: "Current virtual CPUs",
        at: At::Rel("/domain/vcpu/@current"),
        control: Control::Number(Some(1), None),
        get: Some(|d, _| d.vcpu.as_ref()?.current.map(|v| v.to_string())),
        set: Some(|d, _, v| vcpu_mut(d).current = num(v)),
        help: "How many vCPUs are online at boot; CPU hotplug can bring the guest up to the number above. Empty: all of them.",
        since: "0.8.5",
        ..FIELD
    },
    Field {
        label: "vCPU placement",
        at: At::Rel("/domain/vcpu/@placement"),
        control: Control::Select(PLACEMENTS),
        get: Some(|d, _| Some(d.vcpu.as_ref()?.placement.as_ref()?.as_str().to_string())),
        set: Some(|d, _, v| vcpu_mut(d).placement = v.map(|v| VcpuPlacement::parse(&v))),
        help: "Who chooses the host CPUs the guest runs on.",
        since: "0.9.11",
        ..FIELD
    },
    Field {
        label: "CPU set",
        at: At::Rel("/domain/vcpu/@cpuset"),
        control: Control::Text("1-4,^3,6"),
        get: Some(|d, _| d.vcpu.as_ref()?.cpuset.clone()),
        set: Some(|d, _, v| vcpu_mut(d).cpuset = v),
        help: "Host CPUs the vCPUs may run on: numbers and ranges, ^ excludes (1-4,^3,6).",
        since: "0.4.4",
        ..FIELD
    },
];

const SOURCES: Choices = choices![
    "file" => "file: a file (in /dev/hugepages with huge pages)",
    "anonymous" => "anonymous: private anonymous memory",
    "memfd" => "memfd: anonymous memory that can be shared (virtiofs)",
];

const ACCESS: Choices = choices![
    "shared" => "shared: other processes may map guest memory",
    "private" => "private",
];

const BACKING: Field = Field {
    control: Control::Check,
    since: "1.0.6",
    ..FIELD
};

pub(crate) static BACKING_FIELDS: [Field; 6] = [
    Field {
        label: "Huge pages",
        at: At::Rel("/domain/memoryBacking/hugepages"),
        help: "Back guest memory with the host's huge pages (reserved beforehand), which cuts TLB misses for big guests.",
        since: "",
        ..BACKING
    },
    Field {
        label: "Memory source",
        at: At::Rel("/domain/memoryBacking/source/@type"),
        control: Control::Select(SOURCES),
        help: "What guest memory is allocated from. virtiofs needs memfd (or file) with shared access.",
        since: "4.0.0; memfd 4.10.0",
        ..FIELD
    },
    Field {
        label: "Memory access",
        at: At::Rel("/domain/memoryBacking/access/@mode"),
        control: Control::Select(ACCESS),
        help: "shared lets virtiofsd and vhost-user backends map guest memory: virtiofs needs it.",
        since: "4.0.0",
        ..FIELD
    },
    Field {
        label: "Locked",
        at: At::Rel("/domain/memoryBacking/locked"),
        help: "The host never swaps guest memory out (real-time guests); needs a memory hard limit on QEMU.",
        ..BACKING
    },
    Field {
        label: "No shared pages",
        at: At::Rel("/domain/memoryBacking/nosharepages"),
        help: "Keep the host's KSM from merging this guest's identical pages with others.",
        ..BACKING
    },
    Field {
        label: "Discard",
        at: At::Rel("/domain/memoryBacking/discard"),
        help: "Give memory back to the host right away when the guest frees it (file-backed memory).",
        since: "4.4.0",
        ..BACKING
    },
];

#[component]
pub fn CpuMemory() -> impl IntoView {
    let studio = use_studio();
    let root = at("");
    view! {
        <Group title="Memory">
            <MemoryField
                label="Memory"
                path="/domain/memory"
                help="The maximum memory of the guest at boot. Without a unit libvirt reads KiB."
                since="0.0.1"
                get=|d| &d.memory
                get_mut=|d| &mut d.memory
            />
            <MemoryField
                label="Current memory"
                path="/domain/currentMemory"
                help="What the guest actually gets, at most the maximum: lower it to let the balloon driver grow the guest later. Empty means the same as memory."
                since="0.0.1"
                get=|d| &d.current_memory
                get_mut=|d| &mut d.current_memory
            />
        </Group>
        <Group title="Processors">
            <NumberField
                label="Virtual CPUs"
                path=at("/domain/vcpu")
                value=Signal::derive(move || studio.domain.with(|d| d.vcpu.as_ref().map(|v| v.count as i64)))
                on_input=Callback::new(move |v: Option<i64>| studio.edit(|d| match v {
                    Some(n) => {
                        let n = u32::try_from(n).unwrap_or(0);
                        match d.vcpu.as_mut() { Some(v) => v.count = n, None => d.vcpu = Some(Vcpu::new(n)) }
                    }
                    None => d.vcpu = None,
                }))
                help="The number of virtual CPUs allocated to the guest."
                since="0.0.1"
                min=Some(1)
            />
            {fields(&VCPU_FIELDS, root, 0)}
        </Group>
        <Group title="CPU model and topology" intro="The CPU the guest sees, and how its virtual CPUs are grouped into sockets, cores and threads.">
            {fields(&CPU_FIELDS, root, 0)}
            // The rule on the topology as a whole (its product against the vCPU count) has
            // no field of its own.
            <Messages list=Signal::derive(move || {
                let mut list = studio.diagnostics_at("/domain/cpu/topology");
                list.retain(|d| d.path == "/domain/cpu/topology");
                list
            }) />
        </Group>
        <Group title="Memory backing" intro="How the host provides guest memory.">
            {fields(&BACKING_FIELDS, root, 0)}
        </Group>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wizard::test_support::problems;
    use vmxml_core::cpu::CpuModelFallback;
    use vmxml_core::memory::{MemoryAccessMode, MemorySourceType};

    fn set(d: &mut Domain, label: &str, v: Option<&str>) {
        let f = CPU_FIELDS
            .iter()
            .chain(VCPU_FIELDS.iter())
            .chain(BACKING_FIELDS.iter())
            .find(|f| f.label == label)
            .expect("a field");
        crate::form::set_field(f, d, "", 0, v.map(str::to_string));
    }

    #[test]
    fn cpu_and_backing_choices_are_cores() {
        fn values(o: &crate::form::Choices) -> Vec<&'static str> {
            o.values().collect()
        }
        assert_eq!(values(&CPU_MODES), CpuMode::known());
        assert_eq!(values(&FALLBACKS), CpuModelFallback::known());
        assert_eq!(values(&PLACEMENTS), VcpuPlacement::known());
        assert_eq!(values(&SOURCES), MemorySourceType::known());
        assert_eq!(values(&ACCESS), MemoryAccessMode::known());
    }

    #[test]
    fn mode_topology_and_backing_write_and_clear() {
        let mut d = vmxml_core::check("<domain type='kvm'><name>g</name><memory>1048576</memory><vcpu>4</vcpu><os><type>hvm</type></os></domain>")
            .domain
            .expect("reads");
        set(&mut d, "CPU mode", Some("custom"));
        set(&mut d, "CPU model", Some("Haswell"));
        set(&mut d, "Model fallback", Some("allow"));
        set(&mut d, "Sockets", Some("1"));
        set(&mut d, "Cores", Some("2"));
        set(&mut d, "Threads", Some("2"));
        set(&mut d, "Current virtual CPUs", Some("2"));
        set(&mut d, "Huge pages", Some("yes"));
        set(&mut d, "Memory access", Some("shared"));
        set(&mut d, "Memory source", Some("memfd"));
        let xml = vmxml_core::write(&d);
        assert!(xml.contains("<cpu mode='custom'>"), "{xml}");
        assert!(
            xml.contains("<model fallback='allow'>Haswell</model>"),
            "{xml}"
        );
        assert!(
            xml.contains("<topology sockets='1' cores='2' threads='2'/>"),
            "{xml}"
        );
        assert!(xml.contains("<vcpu current='2'>4</vcpu>"), "{xml}");
        assert!(xml.contains("<hugepages/>"), "{xml}");
        assert_eq!(problems(&d), Vec::<String>::new());
        set(&mut d, "Sockets", Some("2"));
        assert_eq!(problems(&d), ["W-CPU-TOPOLOGY-VCPUS /domain/cpu/topology"]);
        for label in [
            "CPU mode",
            "CPU model",
            "Model fallback",
            "Sockets",
            "Cores",
            "Threads",
            "Huge pages",
            "Memory access",
            "Memory source",
        ] {
            set(&mut d, label, None);
        }
        assert!(d.cpu.is_none() && d.memory_backing.is_none());
    }
}
