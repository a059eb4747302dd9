//! Features, clock and lifecycle actions.

use leptos::prelude::*;
use vmxml_core::clock::{Clock, TickPolicy, Timer, TimerName};
use vmxml_core::features::{
    FeatureState, Features as FeatureSet, Hyperv, HypervFeature, HypervFeatureName,
};
use vmxml_core::node::step;
use vmxml_core::Domain;

use super::{yes, Group};
use crate::choices;
use crate::fields::at;
use crate::form::{fields, At, Choices, Control, Field, FIELD};
use crate::state::use_studio;

const FLAG: Field = Field {
    control: Control::Check,
    since: "0.2.1",
    ..FIELD
};

pub(crate) static FLAGS: [Field; 3] = [
    Field {
        label: "PAE",
        at: At::Rel("/domain/features/pae"),
        help: "Physical address extension: lets 32-bit guests address more than 4 GB of memory.",
        ..FLAG
    },
    Field {
        label: "ACPI",
        at: At::Rel("/domain/features/acpi"),
        help: "Power management; KVM guests need it for a graceful shutdown.",
        ..FLAG
    },
    Field {
        label: "APIC",
        at: At::Rel("/domain/features/apic"),
        help: "The advanced programmable interrupt controller, for better interrupt handling.",
        ..FLAG
    },
];

const POWER: Choices = choices![
    "destroy" => "destroy: stop the guest and release its resources",
    "restart" => "restart: start it again with the same configuration",
    "preserve" => "preserve: stop it, keep its resources for analysis",
    "rename-restart" => "rename-restart: restart it under a new name",
];

const CRASH: Choices = choices![
    "destroy" => "destroy: stop the guest and release its resources",
    "restart" => "restart: start it again with the same configuration",
    "preserve" => "preserve: stop it, keep its resources for analysis",
    "rename-restart" => "rename-restart: restart it under a new name",
    "coredump-destroy" => "coredump-destroy: dump the guest's core, then destroy",
    "coredump-restart" => "coredump-restart: dump the guest's core, then restart",
];

const CLOCKS: Choices = choices![
    "utc" => "utc: start from the host's UTC time (most OSes)",
    "localtime" => "localtime: start from the host's local time (Windows)",
    "timezone" => "timezone: start in a named time zone",
    "variable" => "variable: the guest may change it; the change is kept",
    "absolute" => "absolute: start at a fixed time",
];

pub(crate) static CLOCK: [Field; 1] = [Field {
    label: "Guest clock",
    at: At::Rel("/domain/clock/@offset"),
    control: Control::Select(CLOCKS),
    help: "How the guest clock is initialized from the host's. The 2008 format wrote sync=; vmxml writes today's offset=.",
    since: "0.0.1; offset= 0.7.5",
    ..FIELD
}];

const ACTION: Field = Field {
    control: Control::Select(POWER),
    since: "0.0.1",
    ..FIELD
};

pub(crate) static LIFECYCLE: [Field; 3] = [
    Field {
        label: "On power-off",
        at: At::Rel("/domain/on_poweroff"),
        help: "The guest asks to power off.",
        ..ACTION
    },
    Field {
        label: "On reboot",
        at: At::Rel("/domain/on_reboot"),
        help: "The guest asks to reboot.",
        ..ACTION
    },
    Field {
        label: "On crash",
        at: At::Rel("/domain/on_crash"),
        control: Control::Select(CRASH),
        help: "The guest crashes.",
        since: "0.0.1; coredump-* 0.8.4",
        ..FIELD
    },
];

fn features_mut(d: &mut Domain) -> &mut FeatureSet {
    d.features.get_or_insert_with(FeatureSet::default)
}

/// `<features>` goes when nothing is left in it.
fn tidy_features(d: &mut Domain) {
    if d.features.as_ref().is_some_and(|f| f.is_empty()) {
        d.features = None;
    }
}

fn state_text(s: &Option<FeatureState>) -> Option<String> {
    s.as_ref().map(|s| match s.state {
        Some(false) => "off".to_string(),
        _ => "on".to_string(),
    })
}

/// Sets a feature written with `state='on|off'`; empty removes it, keeping nothing else.
fn set_state(
    d: &mut Domain,
    v: Option<String>,
    pick: fn(&mut FeatureSet) -> &mut Option<FeatureState>,
) {
    let slot = pick(features_mut(d));
    match v.as_deref() {
        Some(s) => {
            slot.get_or_insert_with(FeatureState::default).state = Some(s == "on");
        }
        None => *slot = None,
    }
    tidy_features(d);
}

const ON_OFF: Choices = choices![
    "on" => "on",
    "off" => "off",
];

fn hyperv(d: &Domain) -> Option<&Hyperv> {
    d.features.as_ref()?.hyperv.as_ref()
}

fn hv(d: &Domain, name: HypervFeatureName) -> Option<String> {
    yes(hyperv(d)?.feature(&name)?.state == Some(true))
}

/// Edits `<hyperv>`; it goes when nothing is left in it.
fn edit_hyperv(d: &mut Domain, f: impl FnOnce(&mut Hyperv)) {
    let features = features_mut(d);
    f(features.hyperv.get_or_insert_with(Hyperv::default));
    if features.hyperv.as_ref() == Some(&Hyperv::default()) {
        features.hyperv = None;
    }
    tidy_features(d);
}

/// Turns an enlightenment on (spinlocks with 8191 retries, as virt-install writes) or
/// removes it.
fn set_hv(d: &mut Domain, name: HypervFeatureName, v: Option<String>) {
    edit_hyperv(d, |h| match v {
        Some(_) => match h.features.iter_mut().find(|f| f.name == name) {
            Some(f) => f.state = Some(true),
            None => {
                let mut f = HypervFeature::on(name);
                if f.name == HypervFeatureName::Spinlocks {
                    f.retries = Some(8191);
                }
                h.features.push(f);
            }
        },
        None => h.features.retain(|f| f.name != name),
    })
}

const HYPERV_MODES: Choices = choices![
    "custom" => "custom: only the enlightenments below",
    "passthrough" => "passthrough: every one the host offers",
];

const HV: Field = Field {
    control: Control::Check,
    since: "1.0.0",
    ..FIELD
};

pub(crate) static HYPERV_FIELDS: [Field; 13] = [
    Field {
        label: "Hyper-V mode",
        at: At::Rel("/domain/features/hyperv/@mode"),
        control: Control::Select(HYPERV_MODES),
        help: "Which enlightenments Windows guests get. Empty: custom.",
        since: "8.0.0",
        ..FIELD
    },
    Field {
        label: "relaxed",
        control: Control::Switch,
        at: At::Rel("/domain/features/hyperv/relaxed"),
        help: "Relaxed timing: Windows does not blue-screen on watchdog timeouts when the host is busy.",
        ..HV
    },
    Field {
        label: "vapic",
        control: Control::Switch,
        at: At::Rel("/domain/features/hyperv/vapic"),
        help: "Virtual APIC: fewer exits to the hypervisor for interrupts.",
        since: "1.1.0",
        ..HV
    },
    Field {
        label: "spinlocks",
        at: At::Rel("/domain/features/hyperv/spinlocks"),
        get: Some(|d, _| hv(d, HypervFeatureName::Spinlocks)),
        set: Some(|d, _, v| set_hv(d, HypervFeatureName::Spinlocks, v)),
        help: "Spinlock hints: a vCPU that spins too long yields to the hypervisor.",
        since: "1.1.0",
        ..HV
    },
    Field {
        label: "Spinlock retries",
        at: At::Rel("/domain/features/hyperv/spinlocks/@retries"),
        control: Control::Number(Some(4095), None),
        help: "How often a guest spins before it tells the hypervisor: 4095 or more; 8191 is usual.",
        since: "1.0.0",
        show: Some(|d, _| hv(d, HypervFeatureName::Spinlocks).is_some()),
        ..FIELD
    },
    Field {
        label: "vpindex",
        control: Control::Switch,
        at: At::Rel("/domain/features/hyperv/vpindex"),
        help: "Virtual processor index; synic, stimer, tlbflush and ipi need it.",
        since: "1.3.3",
        ..HV
    },
    Field {
        label: "runtime",
        control: Control::Switch,
        at: At::Rel("/domain/features/hyperv/runtime"),
        help: "Processor time spent running the guest, and the hypervisor.",
        since: "1.3.3",
        ..HV
    },
    Field {
        label: "synic",
        control: Control::Switch,
        at: At::Rel("/domain/features/hyperv/synic"),
        help: "Synthetic interrupt controller (needs vpindex); stimer needs it.",
        since: "1.3.3",
        ..HV
    },
    Field {
        label: "stimer",
        control: Control::Switch,
        at: At::Rel("/domain/features/hyperv/stimer"),
        help: "Synthetic timers (needs synic and the hypervclock timer): much less CPU use by idle Windows guests.",
        since: "1.3.3",
        ..HV
    },
    Field {
        label: "reset",
        control: Control::Switch,
        at: At::Rel("/domain/features/hyperv/reset"),
        help: "Lets the guest reset itself through Hyper-V.",
        since: "1.3.3",
        ..HV
    },
    Field {
        label: "frequencies",
        control: Control::Switch,
        at: At::Rel("/domain/features/hyperv/frequencies"),
        help: "Tells the guest the TSC and APIC frequencies.",
        since: "4.7.0",
        ..HV
    },
    Field {
        label: "tlbflush",
        control: Control::Switch,
        at: At::Rel("/domain/features/hyperv/tlbflush"),
        help: "TLB flushes through the hypervisor, faster on overcommitted hosts.",
        since: "4.7.0",
        ..HV
    },
    Field {
        label: "ipi",
        control: Control::Switch,
        at: At::Rel("/domain/features/hyperv/ipi"),
        help: "Inter-processor interrupts through the hypervisor.",
        since: "4.10.0",
        ..HV
    },
];

pub(crate) static MORE_FLAGS: [Field; 3] = [
    Field {
        label: "SMM",
        at: At::Rel("/domain/features/smm"),
        control: Control::Select(ON_OFF),
        get: Some(|d, _| state_text(&d.features.as_ref()?.smm)),
        set: Some(|d, _, v| set_state(d, v, |f| &mut f.smm)),
        help: "System Management Mode: secure boot on x86 needs it on, so the guest OS cannot write the UEFI variables. Empty: the hypervisor's default.",
        since: "2.1.0",
        ..FIELD
    },
    Field {
        label: "Hide KVM",
        at: At::Rel("/domain/features/kvm/hidden"),
        control: Control::Switch,
        help: "Hide the KVM signature from the guest: some GPU drivers refuse to run in a virtual machine they can see.",
        since: "1.2.8",
        ..FIELD
    },
    Field {
        label: "VMware port",
        at: At::Rel("/domain/features/vmport"),
        control: Control::Select(ON_OFF),
        get: Some(|d, _| state_text(&d.features.as_ref()?.vmport)),
        set: Some(|d, _, v| set_state(d, v, |f| &mut f.vmport)),
        help: "The VMware I/O port, for vmmouse; off saves a little with guests that do not use it. Empty: the hypervisor's default.",
        since: "1.2.16",
        ..FIELD
    },
];

const TIMER_NAMES: Choices = choices![
    "rtc" => "rtc: real-time clock",
    "pit" => "pit: programmable interval timer",
    "hpet" => "hpet: high precision event timer",
    "kvmclock" => "kvmclock: KVM's paravirtual clock",
    "hypervclock" => "hypervclock: Hyper-V's paravirtual clock (Windows)",
    "tsc" => "tsc: time stamp counter",
    "platform" => "platform: the master clock (not on QEMU)",
    "armvtimer" => "armvtimer: ARM virtual timer",
];

const TICK_POLICIES: Choices = choices![
    "delay" => "delay: deliver missed ticks late, at the normal rate",
    "catchup" => "catchup: deliver them faster until caught up",
    "merge" => "merge: merge them into one",
    "discard" => "discard: drop them",
];

const YES_NO: Choices = choices![
    "yes" => "yes",
    "no" => "no: take it away from the guest",
];

fn timer(d: &Domain, i: usize) -> Option<&Timer> {
    d.clock.as_ref()?.timers.get(i)
}

fn edit_timer(d: &mut Domain, i: usize, f: impl FnOnce(&mut Timer)) {
    if let Some(t) = d.clock.as_mut().and_then(|c| c.timers.get_mut(i)) {
        f(t)
    }
}

pub(crate) static TIMER_FIELDS: [Field; 3] = [
    Field {
        label: "Timer",
        at: At::Rel("/@name"),
        control: Control::Select(TIMER_NAMES),
        get: Some(|d, i| Some(timer(d, i)?.name.as_str().to_string()).filter(|n| !n.is_empty())),
        set: Some(|d, i, v| edit_timer(d, i, |t| {
            t.name = TimerName::parse(v.as_deref().unwrap_or(""));
            if !t.name.takes_tickpolicy() {
                t.tickpolicy = None;
            }
        })),
        help: "Which timer device of the guest this line sets.",
        since: "0.8.0",
        ..FIELD
    },
    Field {
        label: "Tick policy",
        at: At::Rel("/@tickpolicy"),
        control: Control::Select(TICK_POLICIES),
        help: "What happens to ticks missed while the guest was not running: Windows wants catchup for rtc, delay for pit.",
        since: "0.8.0",
        show: Some(|d, i| timer(d, i).is_some_and(|t| t.name.takes_tickpolicy())),
        ..FIELD
    },
    Field {
        label: "Present",
        at: At::Rel("/@present"),
        control: Control::Select(YES_NO),
        help: "no takes the timer away from the guest, as virt-install does with hpet. Empty: the hypervisor's default.",
        since: "0.8.0",
        ..FIELD
    },
];

/// The next timer a guest usually sets, with virt-install's settings: rtc catchup, pit
/// delay, hpet absent, then the others.
pub(super) fn new_timer(d: &Domain) -> Timer {
    let used: Vec<&TimerName> = d
        .clock
        .iter()
        .flat_map(|c| c.timers.iter())
        .map(|t| &t.name)
        .collect();
    let name = TimerName::ALL
        .iter()
        .find(|n| !used.contains(n))
        .cloned()
        .unwrap_or(TimerName::Rtc);
    let mut t = Timer::new(name);
    match t.name {
        TimerName::Rtc => t.tickpolicy = Some(TickPolicy::Catchup),
        TimerName::Pit => t.tickpolicy = Some(TickPolicy::Delay),
        TimerName::Hpet => t.present = Some(false),
        _ => {}
    }
    t
}

#[component]
fn TimerRow(i: usize, count: Signal<usize>) -> impl IntoView {
    let studio = use_studio();
    let base =
        Signal::derive(move || format!("/domain/clock/{}", step("timer", i + 1, count.get())));
    let remove = move |_: leptos::ev::MouseEvent| {
        studio.edit(|d| {
            if let Some(c) = d.clock.as_mut() {
                if i < c.timers.len() {
                    c.timers.remove(i);
                }
            }
        })
    };
    view! {
        <li class="list__row" data-path=move || base.get()>
            <span class="list__index">{i + 1}</span>
            {fields(&TIMER_FIELDS, base, i)}
            <button type="button" class="button button--icon button--danger" aria-label=format!("Remove timer {}", i + 1) on:click=remove>"✕"</button>
        </li>
    }
}

#[component]
fn Timers() -> impl IntoView {
    let studio = use_studio();
    let count = Memo::new(move |_| {
        studio
            .domain
            .with(|d| d.clock.as_ref().map_or(0, |c| c.timers.len()))
    });
    let add = move |_| {
        studio.edit(|d| {
            let t = new_timer(d);
            d.clock.get_or_insert_with(Clock::utc).timers.push(t);
        })
    };
    view! {
        <ol class="list" data-testid="timer-list">
            // Redrawn together when a timer is added or removed: a short list.
            {move || (0..count.get()).map(|i| view! { <TimerRow i count=count.into() /> }.into_any()).collect_view()}
        </ol>
        <button type="button" class="button button--secondary" data-testid="add-timer" on:click=add>"Add timer"</button>
    }
}

#[component]
pub fn Features() -> impl IntoView {
    let root = at("");
    view! {
        <Group title="Hypervisor features" intro="Omitting a feature turns it off.">
            {fields(&FLAGS, root, 0)}
            {fields(&MORE_FLAGS, root, 0)}
        </Group>
        <Group title="Hyper-V enlightenments" intro="Paravirtual interfaces that make Windows guests faster and steadier; Linux guests ignore them.">
            {fields(&HYPERV_FIELDS, root, 0)}
        </Group>
        <Group title="Time keeping">
            {fields(&CLOCK, root, 0)}
            <Timers />
        </Group>
        <Group title="Lifecycle" intro="What libvirt does when the guest powers off, reboots or crashes. A common use: treat a reboot as a power-off while the OS installs.">
            {fields(&LIFECYCLE, root, 0)}
        </Group>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wizard::test_support::problems;
    use vmxml_core::features::HypervMode;

    #[test]
    fn feature_and_timer_choices_are_cores() {
        fn values(o: &crate::form::Choices) -> Vec<&'static str> {
            o.values().collect()
        }
        assert_eq!(values(&HYPERV_MODES), HypervMode::known());
        assert_eq!(values(&TIMER_NAMES), TimerName::known());
        assert_eq!(values(&TICK_POLICIES), TickPolicy::known());
    }

    #[test]
    fn enlightenments_smm_and_timers_are_valid() {
        let mut d = vmxml_core::check("<domain type='kvm'><name>g</name><memory>1048576</memory><os><type>hvm</type></os></domain>")
            .domain
            .expect("reads");
        for f in HYPERV_FIELDS
            .iter()
            .filter(|f| matches!(f.control, Control::Check | Control::Switch))
        {
            crate::form::set_field(f, &mut d, "", 0, Some("yes".into()));
        }
        for f in MORE_FLAGS.iter() {
            crate::form::set_field(
                f,
                &mut d,
                "",
                0,
                Some(
                    if matches!(f.control, Control::Check) {
                        "yes"
                    } else {
                        "on"
                    }
                    .into(),
                ),
            );
        }
        for _ in 0..4 {
            let t = new_timer(&d);
            d.clock.get_or_insert_with(Clock::utc).timers.push(t);
        }
        // Hyper-V enlightenments mark a Windows guest, whose clock core wants in local time.
        assert_eq!(
            problems(&d),
            vec!["W-WINDOWS-CLOCK-UTC /domain/clock/@offset".to_string()]
        );
        if let Some(c) = d.clock.as_mut() {
            c.offset = vmxml_core::clock::ClockOffset::Localtime;
        }
        assert_eq!(problems(&d), Vec::<String>::new());
        let xml = vmxml_core::write(&d);
        for part in [
            "<spinlocks state='on' retries='8191'/>",
            "<smm state='on'/>",
            "<hidden state='on'/>",
            "<timer name='rtc' tickpolicy='catchup'/>",
            "<timer name='pit' tickpolicy='delay'/>",
            "<timer name='hpet' present='no'/>",
            "<timer name='kvmclock'/>",
        ] {
            assert!(xml.contains(part), "{part} in {xml}");
        }
        for f in HYPERV_FIELDS.iter().chain(MORE_FLAGS.iter()) {
            crate::form::set_field(f, &mut d, "", 0, None);
        }
        assert!(d.features.is_none());
    }
}
