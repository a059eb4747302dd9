//! CPU and memory: maximum and current memory with units, virtual CPUs.

use leptos::prelude::*;
use vmxml_core::memory::{MemorySize, MemoryUnit, Vcpu};
use vmxml_core::Domain;

use super::Group;
use crate::fields::{at, NumberField, Select};
use crate::state::use_studio;

const UNITS: [(&str, &str); 4] = [
    ("KiB", "KiB"),
    ("MiB", "MiB"),
    ("GiB", "GiB"),
    ("TiB", "TiB"),
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
        <Select id=Signal::stored(crate::fields::field_id(&format!("{path}/@unit"))) path=unit_path options=UNITS.to_vec() value=unit on_change=set_unit label="Unit" />
    }
    .into_any();
    view! { <NumberField label path=at(path) value=amount on_input=set_amount help since min=Some(0) unit=unit_view /> }
}

#[component]
pub fn CpuMemory() -> impl IntoView {
    let studio = use_studio();
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
        </Group>
    }
}
