//! Features, clock and lifecycle actions.

use leptos::prelude::*;
use vmxml_core::clock::{Clock, ClockOffset};
use vmxml_core::features::{FeatureFlag, Features as FeatureSet};
use vmxml_core::lifecycle::LifecycleAction;
use vmxml_core::Domain;

use super::Group;
use crate::fields::{at, CheckField, SelectField};
use crate::state::use_studio;

#[component]
fn Flag(
    label: &'static str,
    name: &'static str,
    help: &'static str,
    get: fn(&FeatureSet) -> &Option<FeatureFlag>,
    get_mut: fn(&mut FeatureSet) -> &mut Option<FeatureFlag>,
) -> impl IntoView {
    let studio = use_studio();
    view! {
        <CheckField
            label
            path=at(&format!("/domain/features/{name}"))
            value=Signal::derive(move || studio.domain.with(|d| d.features.as_ref().is_some_and(|f| get(f).is_some())))
            on_change=Callback::new(move |on: bool| studio.edit(|d| {
                let f = d.features.get_or_insert_with(FeatureSet::default);
                *get_mut(f) = on.then(FeatureFlag::default);
                if f.pae.is_none() && f.acpi.is_none() && f.apic.is_none() && f.extra.is_empty() {
                    d.features = None;
                }
            }))
            help
            since="0.2.1"
        />
    }
}

const POWER: [(&str, &str); 4] = [
    (
        "destroy",
        "destroy: stop the guest and release its resources",
    ),
    (
        "restart",
        "restart: start it again with the same configuration",
    ),
    (
        "preserve",
        "preserve: stop it, keep its resources for analysis",
    ),
    (
        "rename-restart",
        "rename-restart: restart it under a new name",
    ),
];

const CRASH: [(&str, &str); 6] = [
    POWER[0],
    POWER[1],
    POWER[2],
    POWER[3],
    (
        "coredump-destroy",
        "coredump-destroy: dump the guest's core, then destroy",
    ),
    (
        "coredump-restart",
        "coredump-restart: dump the guest's core, then restart",
    ),
];

#[component]
fn Action(
    label: &'static str,
    name: &'static str,
    help: &'static str,
    crash: bool,
    get_mut: fn(&mut Domain) -> &mut Option<LifecycleAction>,
    get: fn(&Domain) -> &Option<LifecycleAction>,
) -> impl IntoView {
    let studio = use_studio();
    view! {
        <SelectField
            label
            path=at(&format!("/domain/{name}"))
            options=if crash { CRASH.to_vec() } else { POWER.to_vec() }
            value=Signal::derive(move || studio.domain.with(|d| get(d).as_ref().map(|a| a.as_str().to_string()).unwrap_or_default()))
            on_change=Callback::new(move |v: String| studio.edit(|d| *get_mut(d) = (!v.is_empty()).then(|| LifecycleAction::parse(&v))))
            help
            since=if crash { "0.0.1; coredump-* 0.8.4" } else { "0.0.1" }
        />
    }
}

#[component]
pub fn Features() -> impl IntoView {
    let studio = use_studio();
    view! {
        <Group title="Hypervisor features" intro="Omitting a feature turns it off.">
            <Flag label="PAE" name="pae" help="Physical address extension: lets 32-bit guests address more than 4 GB of memory." get=|f| &f.pae get_mut=|f| &mut f.pae />
            <Flag label="ACPI" name="acpi" help="Power management; KVM guests need it for a graceful shutdown." get=|f| &f.acpi get_mut=|f| &mut f.acpi />
            <Flag label="APIC" name="apic" help="The advanced programmable interrupt controller, for better interrupt handling." get=|f| &f.apic get_mut=|f| &mut f.apic />
        </Group>
        <Group title="Time keeping">
            <SelectField
                label="Guest clock"
                path=at("/domain/clock/@offset")
                options=vec![
                    ("utc", "utc: start from the host's UTC time (most OSes)"),
                    ("localtime", "localtime: start from the host's local time (Windows)"),
                    ("timezone", "timezone: start in a named time zone"),
                    ("variable", "variable: the guest may change it; the change is kept"),
                    ("absolute", "absolute: start at a fixed time"),
                ]
                value=Signal::derive(move || studio.domain.with(|d| d.clock.as_ref().map(|c| c.offset.as_str().to_string()).unwrap_or_default()))
                on_change=Callback::new(move |v: String| studio.edit(|d| match d.clock.as_mut() {
                    Some(c) => c.offset = ClockOffset::parse(&v),
                    None => d.clock = Some(Clock { offset: ClockOffset::parse(&v), extra: Default::default() }),
                }))
                help="How the guest clock is initialized from the host's. The 2008 format wrote sync=; vmxml writes today's offset=."
                since="0.0.1; offset= 0.7.5"
            />
        </Group>
        <Group title="Lifecycle" intro="What libvirt does when the guest powers off, reboots or crashes. A common use: treat a reboot as a power-off while the OS installs.">
            <Action label="On power-off" name="on_poweroff" crash=false help="The guest asks to power off." get=|d| &d.lifecycle.on_poweroff get_mut=|d| &mut d.lifecycle.on_poweroff />
            <Action label="On reboot" name="on_reboot" crash=false help="The guest asks to reboot." get=|d| &d.lifecycle.on_reboot get_mut=|d| &mut d.lifecycle.on_reboot />
            <Action label="On crash" name="on_crash" crash=true help="The guest crashes." get=|d| &d.lifecycle.on_crash get_mut=|d| &mut d.lifecycle.on_crash />
        </Group>
    }
}
