//! Features, clock and lifecycle actions.

use leptos::prelude::*;
use vmxml_core::clock::{Clock, ClockOffset};
use vmxml_core::features::{FeatureFlag, Features as FeatureSet};
use vmxml_core::lifecycle::LifecycleAction;
use vmxml_core::Domain;

use super::Group;
use crate::fields::at;
use crate::form::{fields, At, Control, Field, FIELD};

/// Sets or clears a feature flag; `<features>` goes when nothing is left in it.
fn set_flag(d: &mut Domain, on: bool, pick: fn(&mut FeatureSet) -> &mut Option<FeatureFlag>) {
    let f = d.features.get_or_insert_with(FeatureSet::default);
    *pick(f) = on.then(FeatureFlag::default);
    if f.is_empty() {
        d.features = None;
    }
}

fn flag(d: &Domain, pick: fn(&FeatureSet) -> &Option<FeatureFlag>) -> Option<String> {
    d.features
        .as_ref()
        .is_some_and(|f| pick(f).is_some())
        .then(|| "yes".into())
}

const FLAG: Field = Field {
    control: Control::Check,
    since: "0.2.1",
    ..FIELD
};

static FLAGS: [Field; 3] = [
    Field {
        label: "PAE",
        at: At::Rel("/domain/features/pae"),
        get: |d, _| flag(d, |f| &f.pae),
        set: |d, _, v| set_flag(d, v.is_some(), |f| &mut f.pae),
        help: "Physical address extension: lets 32-bit guests address more than 4 GB of memory.",
        ..FLAG
    },
    Field {
        label: "ACPI",
        at: At::Rel("/domain/features/acpi"),
        get: |d, _| flag(d, |f| &f.acpi),
        set: |d, _, v| set_flag(d, v.is_some(), |f| &mut f.acpi),
        help: "Power management; KVM guests need it for a graceful shutdown.",
        ..FLAG
    },
    Field {
        label: "APIC",
        at: At::Rel("/domain/features/apic"),
        get: |d, _| flag(d, |f| &f.apic),
        set: |d, _, v| set_flag(d, v.is_some(), |f| &mut f.apic),
        help: "The advanced programmable interrupt controller, for better interrupt handling.",
        ..FLAG
    },
];

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

const CLOCKS: [(&str, &str); 5] = [
    ("utc", "utc: start from the host's UTC time (most OSes)"),
    (
        "localtime",
        "localtime: start from the host's local time (Windows)",
    ),
    ("timezone", "timezone: start in a named time zone"),
    (
        "variable",
        "variable: the guest may change it; the change is kept",
    ),
    ("absolute", "absolute: start at a fixed time"),
];

static CLOCK: [Field; 1] = [Field {
    label: "Guest clock",
    at: At::Rel("/domain/clock/@offset"),
    control: Control::Select(&CLOCKS),
    get: |d, _| d.clock.as_ref().map(|c| c.offset.as_str().to_string()),
    set: |d, _, v| {
        let offset = ClockOffset::parse(v.as_deref().unwrap_or("utc"));
        match d.clock.as_mut() {
            Some(c) => c.offset = offset,
            None => {
                d.clock = Some(Clock {
                    offset,
                    timers: Vec::new(),
                    extra: Default::default(),
                })
            }
        }
    },
    help: "How the guest clock is initialized from the host's. The 2008 format wrote sync=; vmxml writes today's offset=.",
    since: "0.0.1; offset= 0.7.5",
    ..FIELD
}];

fn action(a: &Option<LifecycleAction>) -> Option<String> {
    a.as_ref().map(|a| a.as_str().to_string())
}

fn to_action(v: Option<String>) -> Option<LifecycleAction> {
    v.map(|v| LifecycleAction::parse(&v))
}

const ACTION: Field = Field {
    control: Control::Select(&POWER),
    since: "0.0.1",
    ..FIELD
};

static LIFECYCLE: [Field; 3] = [
    Field {
        label: "On power-off",
        at: At::Rel("/domain/on_poweroff"),
        get: |d, _| action(&d.lifecycle.on_poweroff),
        set: |d, _, v| d.lifecycle.on_poweroff = to_action(v),
        help: "The guest asks to power off.",
        ..ACTION
    },
    Field {
        label: "On reboot",
        at: At::Rel("/domain/on_reboot"),
        get: |d, _| action(&d.lifecycle.on_reboot),
        set: |d, _, v| d.lifecycle.on_reboot = to_action(v),
        help: "The guest asks to reboot.",
        ..ACTION
    },
    Field {
        label: "On crash",
        at: At::Rel("/domain/on_crash"),
        control: Control::Select(&CRASH),
        get: |d, _| action(&d.lifecycle.on_crash),
        set: |d, _, v| d.lifecycle.on_crash = to_action(v),
        help: "The guest crashes.",
        since: "0.0.1; coredump-* 0.8.4",
        ..FIELD
    },
];

#[component]
pub fn Features() -> impl IntoView {
    let root = at("");
    view! {
        <Group title="Hypervisor features" intro="Omitting a feature turns it off.">{fields(&FLAGS, root, 0)}</Group>
        <Group title="Time keeping">{fields(&CLOCK, root, 0)}</Group>
        <Group title="Lifecycle" intro="What libvirt does when the guest powers off, reboots or crashes. A common use: treat a reboot as a power-off while the OS installs.">
            {fields(&LIFECYCLE, root, 0)}
        </Group>
    }
}
