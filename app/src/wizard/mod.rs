//! The wizard: a stepper that shows where you are and which pages have problems, and the
//! current page.

/// `$get(d, n)` (and `$get_mut(d, n)`, when named): the `n`-th device written as `<$name>`, as its model.
macro_rules! device_access {
    ($get:ident, $name:literal, $variant:ident, $ty:ty) => {
        fn $get(d: &vmxml_core::Domain, n: usize) -> Option<&$ty> {
            match crate::fields::device_at(d, $name, n) {
                Some(vmxml_core::devices::Device::$variant(x)) => Some(x),
                _ => None,
            }
        }
    };
    ($get:ident, $get_mut:ident, $name:literal, $variant:ident, $ty:ty) => {
        device_access!($get, $name, $variant, $ty);

        fn $get_mut(d: &mut vmxml_core::Domain, n: usize) -> Option<&mut $ty> {
            match crate::fields::device_at_mut(d, $name, n) {
                Some(vmxml_core::devices::Device::$variant(x)) => Some(x),
                _ => None,
            }
        }
    };
}

mod basics;
mod consoles;
mod cpu_memory;
mod display;
mod features;
mod hostdevs;
mod network;
mod os_boot;
pub mod review;
mod storage;

use leptos::prelude::*;
use vmxml_core::Severity;

/// A flag as a check field reads it.
fn yes(on: bool) -> Option<String> {
    on.then(|| "yes".to_string())
}

/// A whole number typed into a field; anything else is "not set".
fn num(v: Option<String>) -> Option<u32> {
    v?.parse().ok()
}

/// The first number from 0 (or 1) that `used` does not hold.
fn first_free(used: &[u32], from: u32) -> u32 {
    (from..u32::MAX).find(|i| !used.contains(i)).unwrap_or(from)
}

use crate::pages::Page;
use crate::state::use_studio;

/// How many errors and warnings belong to each page, in `Page::ALL` order: one pass over
/// the diagnostics per change, and no step redrawn while its counts stay the same.
fn page_counts() -> Memo<Vec<(usize, usize)>> {
    let studio = use_studio();
    Memo::new(move |_| {
        let mut counts = vec![(0, 0); Page::ALL.len()];
        studio.diagnostics.with(|ds| {
            for d in ds {
                let page = Page::for_path(&d.path);
                let Some(c) = Page::ALL
                    .iter()
                    .position(|p| *p == page)
                    .and_then(|i| counts.get_mut(i))
                else {
                    continue;
                };
                match d.severity {
                    Severity::Error => c.0 += 1,
                    Severity::Warning => c.1 += 1,
                    Severity::Info => {}
                }
            }
        });
        counts
    })
}

#[component]
pub fn Stepper() -> impl IntoView {
    let studio = use_studio();
    let all = page_counts();
    view! {
        <nav class="stepper" aria-label="Wizard steps">
            <ol class="stepper__list">
                {Page::ALL.iter().enumerate().map(|(i, &page)| {
                    let counts = move || all.with(|c| c.get(i).copied().unwrap_or_default());
                    let current = move || studio.page.get() == page;
                    view! {
                        <li>
                            <button
                                type="button"
                                class="stepper__step"
                                class:stepper__step--current=current
                                class:stepper__step--error=move || { counts().0 > 0 }
                                class:stepper__step--warning=move || { counts().0 == 0 && counts().1 > 0 }
                                aria-current=move || current().then_some("step")
                                data-testid=format!("step-{}", page.slug())
                                on:click=move |_| studio.page.set(page)
                            >
                                <span class="stepper__number">{i + 1}</span>
                                <span class="stepper__title">{page.title()}</span>
                                {move || {
                                    let (e, w) = counts();
                                    let (n, class, what) = if e > 0 { (e, "stepper__badge stepper__badge--error", "error") } else { (w, "stepper__badge stepper__badge--warning", "warning") };
                                    (n > 0).then(|| view! { <span class=class title=format!("{n} {what}(s)")>{n}</span> }.into_any())
                                }}
                            </button>
                        </li>
                    }.into_any()
                }).collect_view()}
            </ol>
        </nav>
    }
}

#[component]
pub fn Wizard() -> impl IntoView {
    let studio = use_studio();
    let body = move || match studio.page.get() {
        Page::Basics => basics::Basics().into_any(),
        Page::OsBoot => os_boot::OsBoot().into_any(),
        Page::CpuMemory => cpu_memory::CpuMemory().into_any(),
        Page::Storage => storage::Storage().into_any(),
        Page::Network => network::Network().into_any(),
        Page::Display => display::Display().into_any(),
        Page::Consoles => consoles::Consoles().into_any(),
        Page::HostDevices => hostdevs::HostDevices().into_any(),
        Page::Features => features::Features().into_any(),
        Page::Review => review::Review().into_any(),
    };
    view! {
        <div class="wizard">
            <Stepper />
            <section class="wizard__page" data-testid=move || format!("page-{}", studio.page.get().slug())>
                <h2 class="wizard__title">{move || studio.page.get().title()}</h2>
                {body}
                <div class="wizard__nav">
                    {move || studio.page.get().previous().map(|p| view! {
                        <button type="button" class="button button--secondary" data-testid="back" on:click=move |_| studio.page.set(p)>{format!("← {}", p.title())}</button>
                    }.into_any())}
                    {move || studio.page.get().next().map(|p| view! {
                        <button type="button" class="button" data-testid="next" on:click=move |_| studio.page.set(p)>{format!("{} →", p.title())}</button>
                    }.into_any())}
                </div>
            </section>
        </div>
    }
}

/// A group of fields with a heading.
#[component]
pub fn Group(
    title: &'static str,
    #[prop(optional)] intro: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <fieldset class="group">
            <legend class="group__title">{title}</legend>
            {(!intro.is_empty()).then(|| view! { <p class="group__intro">{intro}</p> }.into_any())}
            {children()}
        </fieldset>
    }
}

/// What the pages' tests share.
#[cfg(test)]
pub(crate) mod test_support {
    use vmxml_core::Domain;

    fn problems_as(d: &Domain, say: fn(&vmxml_core::Diagnostic) -> String) -> Vec<String> {
        vmxml_core::validate(d)
            .into_iter()
            .filter(|x| x.severity != vmxml_core::Severity::Info)
            .map(|x| say(&x))
            .collect()
    }

    /// The errors and warnings core reports for a design, as `CODE PATH`.
    pub fn problems(d: &Domain) -> Vec<String> {
        problems_as(d, |x| format!("{} {}", x.code, x.path))
    }

    /// The same with each message, for tests whose failure should say what went wrong.
    pub fn problems_said(d: &Domain) -> Vec<String> {
        problems_as(d, |x| format!("{} {} {}", x.code, x.path, x.message))
    }
}

/// Every field that is set by its path, on every preset: what is typed reads back from the
/// XML at that path, and the reader models it rather than keeping it as written (a path the
/// model does not read would be written back as is and look right).
#[cfg(test)]
mod path_fields {
    use crate::fields::{device_count, device_path};
    use crate::form::{set_field, At, Control, DeviceKind, Field};
    use vmxml_core::Domain;

    fn domain_tables() -> [&'static [Field]; 17] {
        use super::{basics, cpu_memory as cm, features as fe, os_boot as os};
        [
            &basics::HYPERVISOR,
            &basics::IDENTITY,
            &cm::CPU_FIELDS,
            &cm::VCPU_FIELDS,
            &cm::BACKING_FIELDS,
            &fe::FLAGS,
            &fe::CLOCK,
            &fe::LIFECYCLE,
            &fe::HYPERV_FIELDS,
            &fe::MORE_FLAGS,
            &os::GUEST_OS,
            &os::LOADER,
            &os::KERNEL_BOOT,
            &os::HOST_BOOTLOADER,
            &os::DEVICE_MODEL,
            &os::FIRMWARE,
            &os::BOOT_MENU,
        ]
    }

    fn kinds() -> [&'static DeviceKind; 20] {
        use super::{consoles as c, display as di, hostdevs as h, network, storage as s};
        [
            &s::DISK,
            &s::CONTROLLER_KIND,
            &s::FS_KIND,
            &network::INTERFACE,
            &di::GRAPHICS_KIND,
            &di::INPUT_KIND,
            &di::VIDEO_KIND,
            &di::SOUND_KIND,
            &di::AUDIO_KIND,
            &c::SERIAL,
            &c::CONSOLE,
            &c::PARALLEL,
            &c::CHANNEL,
            &h::HOSTDEV,
            &h::REDIR_KIND,
            &h::TPM_KIND,
            &h::RNG_KIND,
            &h::BALLOON_KIND,
            &h::WATCHDOG_KIND,
            &h::PANIC_KIND,
        ]
    }

    /// A value the field's control could send, and what the XML should then hold.
    fn sample(f: &Field) -> Option<(String, &'static str)> {
        Some(match f.control {
            Control::Text(_) | Control::Multiline | Control::Generate(..) => {
                ("abc-1".into(), "abc-1")
            }
            Control::Number(min, _) => (min.unwrap_or(0).max(1).to_string(), ""),
            Control::Service => ("5901".into(), "5901"),
            Control::Select(options) => {
                (options.iter().rfind(|(v, _)| !v.is_empty())?.0.into(), "")
            }
            Control::Check => ("yes".into(), ""),
            Control::Switch => ("yes".into(), "on"),
        })
    }

    /// Sets and clears one field, checking what the XML says after each.
    fn check(d: &Domain, f: &'static Field, base: &str, n: usize, bad: &mut Vec<String>) {
        let (None, At::Rel(rel)) = (f.set, f.at) else {
            return;
        };
        if f.show.is_some_and(|show| !show(d, n)) {
            return;
        }
        let Some((value, expect)) = sample(f) else {
            return;
        };
        let path = format!("{base}{rel}");
        let read = |d: &Domain| match f.control {
            Control::Switch if !vmxml_core::edit::names_attribute(&path) => {
                d.value_at(&format!("{path}/@state"))
            }
            _ => d.value_at(&path),
        };
        let mut on = d.clone();
        set_field(f, &mut on, base, n, Some(value.clone()));
        let want = match (f.control, expect) {
            (Control::Check, _) if !vmxml_core::edit::names_attribute(&path) => "",
            (_, "") => value.as_str(),
            (_, e) => e,
        };
        if read(&on).as_deref() != Some(want) {
            bad.push(format!("{}: set {value:?}, reads {:?}", f.label, read(&on)));
        }
        let unread = vmxml_core::validate(&on).into_iter().find(|x| {
            matches!(
                x.code.as_str(),
                "I-KEPT" | "E-SCHEMA-ATTRIBUTE" | "E-SCHEMA-ELEMENT"
            ) && path.starts_with(&x.path)
        });
        if let Some(x) = unread {
            bad.push(format!("{}: {path}: {} {}", f.label, x.code, x.message));
        }
        // A choice may fall back to the reader's default (a clock is utc unless it says).
        if matches!(f.control, Control::Select(_)) {
            return;
        }
        let mut off = on.clone();
        set_field(f, &mut off, base, n, None);
        if read(&off).is_some_and(|v| !v.is_empty()) {
            bad.push(format!("{}: cleared, reads {:?}", f.label, read(&off)));
        }
    }

    #[test]
    fn every_path_field_reads_back_what_was_set() {
        let mut designs = vec![Domain::default()];
        designs.extend(
            vmxml_core::presets::PRESETS
                .iter()
                .filter_map(|p| p.build(&Default::default())),
        );
        let mut bad = Vec::new();
        let mut checked = 0;
        for d in &designs {
            for table in domain_tables() {
                for f in table {
                    check(d, f, "", 0, &mut bad);
                    checked += 1;
                }
            }
            for kind in kinds() {
                let count = device_count(d, kind.name);
                for n in 0..count {
                    for f in kind.fields {
                        check(
                            d,
                            f,
                            &device_path(kind.name, n, count),
                            n + kind.slot,
                            &mut bad,
                        );
                        checked += 1;
                    }
                }
            }
        }
        bad.sort();
        bad.dedup();
        assert!(checked > 500, "{checked}");
        assert_eq!(bad, Vec::<String>::new());
    }
}
