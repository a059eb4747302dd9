//! Form fields: a label tied to its control, help text from the spec, the libvirt version
//! that added the setting, and the diagnostics for the field's path. Each control carries
//! `data-path` so a diagnostic can take the person to it.

use leptos::prelude::*;
use vmxml_core::{Domain, Severity};

use crate::state::use_studio;

/// A static path as a signal.
pub fn at(path: &str) -> Signal<String> {
    Signal::stored(path.to_string())
}

/// A DOM id for a path: `/domain/devices/disk[2]/target/@dev` → `f-domain-devices-disk-2-target-dev`.
pub fn field_id(path: &str) -> String {
    let mut id = String::from("f");
    for c in path.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_string()
}

/// Reads and writes an optional text value of the design; empty text means "not set".
pub fn text_lens(
    get: impl Fn(&Domain) -> Option<String> + Send + Sync + 'static,
    set: impl Fn(&mut Domain, Option<String>) + Send + Sync + 'static,
) -> (Signal<String>, Callback<String>) {
    let studio = use_studio();
    let value = Signal::derive(move || studio.domain.with(|d| get(d).unwrap_or_default()));
    let on = Callback::new(move |v: String| studio.edit(|d| set(d, (!v.is_empty()).then_some(v))));
    (value, on)
}

#[component]
fn FieldFrame(
    label: &'static str,
    help: &'static str,
    since: &'static str,
    path: Signal<String>,
    children: Children,
) -> impl IntoView {
    let studio = use_studio();
    let id = move || field_id(&path.get());
    let messages = move || studio.diagnostics_at(&path.get());
    let has_error = move || messages().iter().any(|d| d.severity == Severity::Error);
    view! {
        <div class="field" class:field--error=has_error>
            <label class="field__label" for=id>
                {label}
                {(!since.is_empty()).then(|| view! { <span class="field__since" title="libvirt version that added this">{format!("libvirt {since}")}</span> })}
            </label>
            {children()}
            {(!help.is_empty()).then(|| view! { <p class="field__help">{help}</p> })}
            <ul class="field__messages" aria-live="polite">
                {move || {
                    messages()
                        .into_iter()
                        .map(|d| {
                            let class = format!("field__message field__message--{}", d.severity.as_str());
                            view! {
                                <li class=class>
                                    <span class="field__message-text">{d.message}</span>
                                    <span class="field__hint">{d.hint}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// A text input. `action` adds a button beside it (Generate, for UUIDs and MACs).
#[component]
pub fn TextField(
    label: &'static str,
    path: Signal<String>,
    value: Signal<String>,
    on_input: Callback<String>,
    #[prop(optional)] help: &'static str,
    #[prop(optional)] since: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] action: Option<(&'static str, Callback<()>)>,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let studio = use_studio();
    let id = move || field_id(&path.get());
    let invalid = move || {
        studio
            .diagnostics_at(&path.get())
            .iter()
            .any(|d| d.severity == Severity::Error)
    };
    let focus = move |_| studio.focus.set(Some(path.get()));
    let control = if multiline {
        view! {
            <textarea
                class="field__input field__input--multiline"
                id=id
                data-path=move || path.get()
                aria-invalid=move || invalid().to_string()
                placeholder=placeholder
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                on:focus=focus
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                class="field__input"
                type="text"
                id=id
                data-path=move || path.get()
                aria-invalid=move || invalid().to_string()
                placeholder=placeholder
                spellcheck="false"
                autocomplete="off"
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                on:focus=focus
            />
        }
        .into_any()
    };
    view! {
        <FieldFrame label help since path>
            <div class="field__row">
                {control}
                {action.map(|(text, run)| view! {
                    <button type="button" class="button button--secondary" on:click=move |_| run.run(())>{text}</button>
                })}
            </div>
        </FieldFrame>
    }
}

/// A whole-number input; empty means "not set".
#[component]
pub fn NumberField(
    label: &'static str,
    path: Signal<String>,
    value: Signal<Option<i64>>,
    on_input: Callback<Option<i64>>,
    #[prop(optional)] help: &'static str,
    #[prop(optional)] since: &'static str,
    #[prop(optional)] min: Option<i64>,
    #[prop(optional)] max: Option<i64>,
    /// A control shown after the number (a unit chooser).
    #[prop(optional)]
    unit: Option<AnyView>,
) -> impl IntoView {
    let studio = use_studio();
    let id = move || field_id(&path.get());
    let invalid = move || {
        studio
            .diagnostics_at(&path.get())
            .iter()
            .any(|d| d.severity == Severity::Error)
    };
    view! {
        <FieldFrame label help since path>
            <div class="field__row">
                <input
                    class="field__input field__input--number"
                    type="number"
                    inputmode="numeric"
                    id=id
                    data-path=move || path.get()
                    aria-invalid=move || invalid().to_string()
                    min=min.map(|m| m.to_string())
                    max=max.map(|m| m.to_string())
                    prop:value=move || value.get().map(|v| v.to_string()).unwrap_or_default()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        // Half-typed numbers ("-", "1e") are ignored until they parse.
                        match text.trim() {
                            "" => on_input.run(None),
                            t => if let Ok(n) = t.parse::<i64>() { on_input.run(Some(n)) },
                        }
                    }
                    on:focus=move |_| studio.focus.set(Some(path.get()))
                />
                {unit}
            </div>
        </FieldFrame>
    }
}

/// A choice from an enumeration. `options` are (value, label); a value not in the list (kept
/// from an imported document) is shown as its own option so it is never silently changed.
#[component]
pub fn SelectField(
    label: &'static str,
    path: Signal<String>,
    options: Vec<(&'static str, &'static str)>,
    value: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional)] help: &'static str,
    #[prop(optional)] since: &'static str,
) -> impl IntoView {
    let id = Signal::derive(move || field_id(&path.get()));
    view! {
        <FieldFrame label help since path>
            <Select id path options value on_change />
        </FieldFrame>
    }
}

/// The bare select control, also used inline (unit choosers).
#[component]
pub fn Select(
    id: Signal<String>,
    path: Signal<String>,
    options: Vec<(&'static str, &'static str)>,
    value: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional)] label: &'static str,
) -> impl IntoView {
    let studio = use_studio();
    let known: Vec<&'static str> = options.iter().map(|(v, _)| *v).collect();
    view! {
        <select
            class="field__select"
            id=move || id.get()
            data-path=move || path.get()
            aria-label=(!label.is_empty()).then_some(label)
            on:change=move |ev| on_change.run(event_target_value(&ev))
            on:focus=move |_| studio.focus.set(Some(path.get()))
            prop:value=move || value.get()
        >
            {move || {
                let v = value.get();
                (!known.contains(&v.as_str())).then(|| {
                    let text = if v.is_empty() { "(not set)".to_string() } else { format!("{v} (kept as written)") };
                    view! { <option value=v.clone()>{text}</option> }
                })
            }}
            {options.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
        </select>
    }
}

/// A flag.
#[component]
pub fn CheckField(
    label: &'static str,
    path: Signal<String>,
    value: Signal<bool>,
    on_change: Callback<bool>,
    #[prop(optional)] help: &'static str,
    #[prop(optional)] since: &'static str,
) -> impl IntoView {
    let studio = use_studio();
    let id = move || field_id(&path.get());
    view! {
        <div class="field field--check">
            <label class="field__check" for=id>
                <input
                    type="checkbox"
                    id=id
                    data-path=move || path.get()
                    prop:checked=move || value.get()
                    on:change=move |ev| on_change.run(event_target_checked(&ev))
                    on:focus=move |_| studio.focus.set(Some(path.get()))
                />
                <span>{label}</span>
                {(!since.is_empty()).then(|| view! { <span class="field__since">{format!("libvirt {since}")}</span> })}
            </label>
            {(!help.is_empty()).then(|| view! { <p class="field__help">{help}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::field_id;

    #[test]
    fn ids_from_paths() {
        assert_eq!(
            field_id("/domain/devices/disk[2]/target/@dev"),
            "f-domain-devices-disk-2-target-dev"
        );
        assert_eq!(field_id("/domain/name"), "f-domain-name");
    }
}
