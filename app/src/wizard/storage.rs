//! Storage page (placeholder until the device editors land).

use leptos::prelude::*;

#[component]
pub fn Storage() -> impl IntoView {
    view! { <p class="group__intro">"Coming soon."</p> }
}
