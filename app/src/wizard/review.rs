//! Review: the final checklist, download and copy, and what to run next.

use leptos::prelude::*;
use vmxml_core::Severity;

use crate::diagnostics::{go_to, DiagnosticList};
use crate::download::{copy, download, file_name};
use crate::state::use_studio;

#[component]
pub fn Review() -> impl IntoView {
    let studio = use_studio();
    let count = move |s: Severity| {
        studio
            .report
            .with(|r| r.diagnostics.iter().filter(|d| d.severity == s).count())
    };
    let errors = Memo::new(move |_| count(Severity::Error));
    let warnings = Memo::new(move |_| count(Severity::Warning));
    let name = move || studio.domain.with(file_name);
    let diagnostics = Signal::derive(move || studio.report.with(|r| r.diagnostics.clone()));
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
    }
}
