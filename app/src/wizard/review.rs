//! Review: the final checklist, download and copy, and what to run next.

use leptos::prelude::*;
use vmxml_core::Severity;

use crate::diagnostics::{go_to, DiagnosticList};
use crate::download::{copy, copy_text, download, file_name};
use crate::state::use_studio;

#[component]
pub fn Review() -> impl IntoView {
    let studio = use_studio();
    let count = move |s: Severity| {
        studio
            .diagnostics
            .with(|ds| ds.iter().filter(|d| d.severity == s).count())
    };
    let errors = Memo::new(move |_| count(Severity::Error));
    let warnings = Memo::new(move |_| count(Severity::Warning));
    let name = move || studio.domain.with(file_name);
    let diagnostics = studio.diagnostics.into();
    view! {
        <ul class="checklist" data-testid="checklist">
            <li class="checklist__item" class=("checklist__item--ok", move || errors.get() == 0) class=("checklist__item--bad", move || errors.get() > 0)>
                {move || match errors.get() {
                    0 => "No errors: libvirt will accept this definition.".to_string(),
                    n => format!("{n} error(s): libvirt would refuse this definition. Fix them first."),
                }}
            </li>
            <li class="checklist__item" class=("checklist__item--ok", move || warnings.get() == 0) class=("checklist__item--warn", move || warnings.get() > 0)>
                {move || match warnings.get() {
                    0 => "No warnings.".to_string(),
                    n => format!("{n} warning(s): accepted, but check they are what you mean."),
                }}
            </li>
            <li class="checklist__item">
                "Next: " <code>{move || format!("virsh define {}", name())}</code> ", then " <code>{move || format!("virsh start {}", studio.domain.with(|d| d.name.clone().unwrap_or_default()))}</code>
            </li>
        </ul>
        <div class="actions">
            <button type="button" class="button" data-testid="download" on:click=move |_| download(studio)>{move || format!("Download {}", name())}</button>
            <button type="button" class="button button--secondary" data-testid="copy" on:click=move |_| copy(studio)>"Copy XML"</button>
        </div>
        <DiagnosticList diagnostics on_pick=Callback::new(move |d| go_to(studio, &d)) testid="review-diagnostics" />
        <VirtInstall />
    }
}

/// The virt-install command that creates the same guest, and what it cannot say.
#[component]
fn VirtInstall() -> impl IntoView {
    let studio = use_studio();
    let command = Memo::new(move |_| studio.domain.with(vmxml_core::virt_install::command));
    let line = move || command.with(|c| c.shell_lines());
    view! {
        <section class="group" data-testid="virt-install">
            <h2 class="group__title">"The same guest with virt-install"</h2>
            <p class="group__intro">"Run this on the host instead of defining the XML; it creates the same devices (disk images must exist)."</p>
            <pre class="code" data-testid="virt-install-command">{line}</pre>
            <div class="actions">
                <button type="button" class="button button--secondary" data-testid="copy-virt-install" on:click=move |_| copy_text(studio, command.with_untracked(|c| c.shell_lines()), "the virt-install command")>"Copy command"</button>
            </div>
            {move || {
                let lost = command.with(|c| c.not_expressed.clone());
                (!lost.is_empty()).then(|| view! {
                    <p class="group__intro">"virt-install cannot express these parts: import the XML (virsh define) to keep them."</p>
                    <ul class="kept-list" data-testid="virt-install-lost">
                        {lost.into_iter().map(|l| view! { <li>{l}</li> }.into_any()).collect_view()}
                    </ul>
                }.into_any())
            }}
        </section>
    }
}
