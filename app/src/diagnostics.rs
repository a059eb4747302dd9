//! The list of diagnostics, each with severity, code, line:column and hint; choosing one
//! takes the person to the field that caused it.

use leptos::prelude::*;
use vmxml_core::{Diagnostic, Severity};

use crate::pages::Page;
use crate::state::{path_covers, Studio, View};

/// Opens the page that owns a diagnostic and focuses the closest field.
pub fn go_to(studio: Studio, d: &Diagnostic) {
    studio.view.set(View::Design);
    studio.page.set(Page::for_path(&d.path));
    studio.focus.set(Some(d.path.clone()));
    let path = d.path.clone();
    // The page renders on the next frame; focus after it.
    request_animation_frame(move || focus_field(&path));
}

/// Focuses the control whose `data-path` is the deepest one covering `path`.
pub fn focus_field(path: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(list) = doc.query_selector_all("[data-path]") else {
        return;
    };
    let mut best: Option<(usize, web_sys::HtmlElement)> = None;
    for i in 0..list.length() {
        let Some(el) = list
            .item(i)
            .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(n).ok())
        else {
            continue;
        };
        let Some(p) = el.get_attribute("data-path") else {
            continue;
        };
        if path_covers(&p, path) && best.as_ref().is_none_or(|(len, _)| p.len() > *len) {
            best = Some((p.len(), el));
        }
    }
    if let Some((_, el)) = best {
        let _ = el.focus();
        let opts = web_sys::ScrollIntoViewOptions::new();
        opts.set_block(web_sys::ScrollLogicalPosition::Center);
        el.scroll_into_view_with_scroll_into_view_options(&opts);
    }
}

pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    let (e, w) = (count(Severity::Error), count(Severity::Warning));
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (e, w) {
        (0, 0) => "No errors or warnings".to_string(),
        _ => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// Diagnostics as a list of buttons. Info diagnostics (kept as written) are folded away.
#[component]
pub fn DiagnosticList(
    diagnostics: Signal<Vec<Diagnostic>>,
    on_pick: Callback<Diagnostic>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let shown = move || {
        diagnostics.with(|ds| {
            ds.iter()
                .filter(|d| d.severity != Severity::Info)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let kept = move || {
        diagnostics.with(|ds| {
            ds.iter()
                .filter(|d| d.severity == Severity::Info)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let item = move |d: Diagnostic| {
        let class = format!("diag diag--{}", d.severity.as_str());
        let place = match (d.line, d.column) {
            (Some(l), Some(c)) => format!("{l}:{c}"),
            _ => String::new(),
        };
        let picked = d.clone();
        view! {
            <li>
                <button type="button" class=class on:click=move |_| on_pick.run(picked.clone())>
                    <span class="diag__severity">{d.severity.as_str()}</span>
                    <span class="diag__place">{place}</span>
                    <span class="diag__code">{d.code.clone()}</span>
                    <span class="diag__message">{d.message.clone()}</span>
                    <span class="diag__hint">{d.hint.clone()}</span>
                </button>
            </li>
        }
        .into_any()
    };
    view! {
        <section class="diagnostics" aria-label="Diagnostics" data-testid=testid>
            <h2 class="diagnostics__title">{move || diagnostics.with(|d| summary(d))}</h2>
            <ul class="diagnostics__list">{move || shown().into_iter().map(item).collect_view()}</ul>
            {move || {
                let kept = kept();
                (!kept.is_empty()).then(|| view! {
                    <details class="diagnostics__kept">
                        <summary>{format!("{} part(s) kept as written (valid libvirt the wizard does not model)", kept.len())}</summary>
                        <ul class="diagnostics__list">{kept.into_iter().map(item).collect_view()}</ul>
                    </details>
                }.into_any())
            }}
        </section>
    }
}
