//! vmxml in the browser. Components live here so tests can import them; `main.rs` only mounts.
//! The app holds no XML logic: every model, XML and validation decision is vmxml-core's.

use leptos::prelude::*;
use vmxml_core::{Domain, Severity};

/// Shows a new domain's XML as core writes it, with its diagnostics.
#[component]
pub fn App() -> impl IntoView {
    let domain = RwSignal::new(Domain::default());
    let xml = Memo::new(move |_| domain.with(vmxml_core::write));
    let diagnostics = Memo::new(move |_| domain.with(vmxml_core::validate));
    let errors =
        move || diagnostics.with(|d| d.iter().filter(|x| x.severity == Severity::Error).count());
    view! {
        <header class="app__header">
            <h1 class="app__title">"vmxml"</h1>
            <p class="app__tagline">"A libvirt virtual-machine designer that runs entirely in your browser."</p>
        </header>
        <main class="app__main">
            <section class="preview" aria-label="Domain XML preview">
                <h2 class="preview__title">"Domain XML"</h2>
                <p class="preview__status" data-testid="preview-status">
                    {move || match errors() {
                        0 => "No errors: ready for virsh define".to_string(),
                        1 => "1 error".to_string(),
                        n => format!("{n} errors"),
                    }}
                </p>
                <pre class="preview__code" data-testid="preview-xml"><code>{move || xml.get()}</code></pre>
            </section>
        </main>
    }
}

/// Replaces the page with a visible message instead of a dead page if anything panics.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Some(body) = web_sys_body() {
            body.set_text_content(Some(
                "vmxml hit an internal error and stopped. Your draft is saved in this browser; reload the page to continue.",
            ));
        }
    }));
}

fn web_sys_body() -> Option<leptos::web_sys::HtmlElement> {
    leptos::web_sys::window()?.document()?.body()
}

pub fn mount() {
    install_panic_hook();
    leptos::mount::mount_to_body(App);
}
