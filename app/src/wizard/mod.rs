//! The wizard: a stepper that shows where you are and which pages have problems, and the
//! current page.

/// `$get(d, n)` and `$get_mut(d, n)`: the `n`-th device written as `<$name>`, as its model.
macro_rules! device_access {
    ($get:ident, $get_mut:ident, $name:literal, $variant:ident, $ty:ty) => {
        fn $get(d: &vmxml_core::Domain, n: usize) -> Option<&$ty> {
            match crate::fields::device_at(d, $name, n) {
                Some(vmxml_core::devices::Device::$variant(x)) => Some(x),
                _ => None,
            }
        }

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
                                    (n > 0).then(|| view! { <span class=class title=format!("{n} {what}(s)")>{n}</span> })
                                }}
                            </button>
                        </li>
                    }
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
                    })}
                    {move || studio.page.get().next().map(|p| view! {
                        <button type="button" class="button" data-testid="next" on:click=move |_| studio.page.set(p)>{format!("{} →", p.title())}</button>
                    })}
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
            {(!intro.is_empty()).then(|| view! { <p class="group__intro">{intro}</p> })}
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
