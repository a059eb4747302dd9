//! vmxml in the browser. Components live here so tests can import them; `main.rs` only
//! mounts. The app holds no XML logic: every model, XML and validation decision is
//! vmxml-core's.

pub mod alloc;
pub mod diagnostics;
pub mod download;
pub mod fields;
pub mod form;
pub mod import;
pub mod pages;
pub mod preview;
pub mod state;
pub mod wizard;

use leptos::prelude::*;

use crate::diagnostics::{go_to, DiagnosticList};
use crate::preview::Preview;
use crate::state::{new_design, provide_studio, use_studio, View};

#[component]
pub fn App() -> impl IntoView {
    let studio = provide_studio();
    let diagnostics = studio.diagnostics.into();
    let main = move || {
        match studio.view.get() {
        View::Design => view! {
            <div class="studio">
                <wizard::Wizard />
                <aside class="studio__side">
                    <Preview />
                    <DiagnosticList diagnostics on_pick=Callback::new(move |d| go_to(studio, &d)) testid="diagnostics" />
                </aside>
            </div>
        }
        .into_any(),
        View::Import => view! { <import::Import /> }.into_any(),
    }
    };
    view! {
        <Header />
        <Notice />
        <main class="app__main">{main}</main>
    }
}

#[component]
fn Header() -> impl IntoView {
    let studio = use_studio();
    let tab = move |view: View, label: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                class="tabs__tab"
                class:tabs__tab--current=move || studio.view.get() == view
                aria-current=move || (studio.view.get() == view).then_some("page")
                data-testid=testid
                on:click=move |_| studio.view.set(view)
            >
                {label}
            </button>
        }
    };
    let confirm_new = move |_| {
        let ok = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message("Start a new design? The current one will be discarded.")
                    .ok()
            })
            .unwrap_or(false);
        if ok {
            new_design(studio);
        }
    };
    view! {
        <header class="app__header">
            <div class="app__brand">
                <span class="app__title">"vmxml"</span>
                <span class="app__tagline">"libvirt domain designer"</span>
            </div>
            <nav class="tabs" aria-label="Mode">
                {tab(View::Design, "Design", "tab-design")}
                {tab(View::Import, "Paste or open XML", "tab-import")}
            </nav>
            <div class="app__actions">
                <button type="button" class="button button--secondary" data-testid="new-design" on:click=confirm_new>"New design"</button>
                <button type="button" class="button button--secondary" data-testid="copy-xml" on:click=move |_| download::copy(studio)>"Copy XML"</button>
                <button type="button" class="button" data-testid="download-xml" on:click=move |_| download::download(studio)>"Download"</button>
            </div>
        </header>
    }
}

#[component]
fn Notice() -> impl IntoView {
    let studio = use_studio();
    move || {
        studio.notice.get().map(|n| {
            view! {
                <div class="notice" class:notice--error=n.is_error role="status" data-testid="notice">
                    <span>{n.text}</span>
                    <button type="button" class="button button--icon" aria-label="Dismiss" on:click=move |_| studio.notice.set(None)>"✕"</button>
                </div>
            }
        })
    }
}

/// Shows a visible message instead of a dead page if anything panics.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = doc.body() else { return };
        if let Ok(div) = doc.create_element("div") {
            div.set_class_name("crash");
            div.set_attribute("role", "alert").ok();
            div.set_text_content(Some(
                "vmxml hit an internal error and stopped. Your design was saved in this browser: reload the page to continue.",
            ));
            let _ = body.prepend_with_node_1(&div);
        }
    }));
}

pub fn mount() {
    install_panic_hook();
    leptos::mount::mount_to_body(App);
    // For e2e/perf.mjs: the wizard is on the page and answers input from here on.
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("vmxml-interactive");
    }
}
