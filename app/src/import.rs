//! Paste or open XML (placeholder until the import page lands).

use leptos::prelude::*;

#[component]
pub fn Import() -> impl IntoView {
    view! { <p>"Coming soon."</p> }
}
