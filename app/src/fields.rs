//! Form fields: a label tied to its control, help text from the spec, the libvirt version
//! that added the setting, and the diagnostics for the field's path. Each control carries
//! `data-path` so a diagnostic can take the person to it.

use leptos::prelude::*;
use vmxml_core::devices::Device;
use vmxml_core::{Domain, Severity};

use crate::form::Choices;
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
                {(!since.is_empty()).then(|| view! { <span class="field__since" title="libvirt version that added this">{format!("libvirt {since}")}</span> }.into_any())}
            </label>
            {children()}
            {(!help.is_empty()).then(|| view! { <p class="field__help">{help}</p> }.into_any())}
            <Messages list=Signal::derive(messages) />
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
                }.into_any())}
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
    #[prop(default = None)] min: Option<i64>,
    #[prop(default = None)] max: Option<i64>,
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
    options: Choices,
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
    options: Choices,
    value: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional)] label: &'static str,
) -> impl IntoView {
    let studio = use_studio();
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
                (!options.has(&v)).then(|| {
                    let text = if v.is_empty() { "(not set)".to_string() } else { format!("{v} (kept as written)") };
                    view! { <option value=v.clone()>{text}</option> }.into_any()
                })
            }}
            {options.iter().map(|(v, l)| view! { <option value=v>{l}</option> }.into_any()).collect_view()}
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
                {(!since.is_empty()).then(|| view! { <span class="field__since">{format!("libvirt {since}")}</span> }.into_any())}
            </label>
            {(!help.is_empty()).then(|| view! { <p class="field__help">{help}</p> }.into_any())}
        </div>
    }
}

// ---- Device lists, shared by the device pages ------------------------------------------
//
// A page lists the devices written as one element name (`disk`, `serial`, ...); a card reads
// and writes the `n`-th of them (0-based) by index, so typing never re-renders the list.

/// How many devices are written as `<name>`.
pub fn device_count(d: &Domain, name: &str) -> usize {
    d.devices.as_ref().map_or(0, |x| {
        x.list
            .iter()
            .filter(|dev| dev.element_name() == name)
            .count()
    })
}

/// The position in `Devices::list` of the `n`-th device written as `<name>`.
pub fn device_position(d: &Domain, name: &str, n: usize) -> Option<usize> {
    d.devices
        .as_ref()?
        .list
        .iter()
        .enumerate()
        .filter(|(_, dev)| dev.element_name() == name)
        .nth(n)
        .map(|(i, _)| i)
}

pub fn device_at<'a>(d: &'a Domain, name: &str, n: usize) -> Option<&'a Device> {
    let i = device_position(d, name, n)?;
    d.devices.as_ref()?.list.get(i)
}

pub fn device_at_mut<'a>(d: &'a mut Domain, name: &str, n: usize) -> Option<&'a mut Device> {
    let i = device_position(d, name, n)?;
    d.devices.as_mut()?.list.get_mut(i)
}

/// Swaps the `n`-th `<name>` device with the one before (`up`) or after it. The writer groups
/// devices by kind, so only the order among devices of one kind matters.
pub fn move_device(d: &mut Domain, name: &str, n: usize, up: bool) {
    let other = if up {
        n.checked_sub(1)
    } else {
        n.checked_add(1)
    };
    let (Some(a), Some(b)) = (
        device_position(d, name, n),
        other.and_then(|m| device_position(d, name, m)),
    ) else {
        return;
    };
    if let Some(x) = d.devices.as_mut() {
        x.list.swap(a, b);
    }
}

pub fn remove_device(d: &mut Domain, name: &str, n: usize) {
    let Some(i) = device_position(d, name, n) else {
        return;
    };
    if let Some(x) = d.devices.as_mut() {
        x.list.remove(i);
    }
}

/// The path diagnostics use for the `n`-th `<name>` device: `/domain/devices/disk[2]`.
pub fn device_path(name: &str, n: usize, count: usize) -> String {
    format!(
        "/domain/devices/{}",
        vmxml_core::node::step(name, n + 1, count)
    )
}

/// An element as the preview writes it, for read-only display.
pub fn element_text(el: &vmxml_core::xml::Element) -> String {
    let mut out = String::new();
    vmxml_core::xml::write_element(&mut out, el, 0);
    out
}

/// The head of a device card: its title, then move up, move down and remove.
#[component]
pub fn CardHead(
    /// Element name of the devices in this list (`disk`).
    name: &'static str,
    /// What one device is called in button labels (`disk`, `serial port`).
    what: &'static str,
    n: usize,
    count: Signal<usize>,
    title: Signal<String>,
) -> impl IntoView {
    let studio = use_studio();
    let up = move |_: leptos::ev::MouseEvent| studio.edit(|d| move_device(d, name, n, true));
    let down = move |_: leptos::ev::MouseEvent| studio.edit(|d| move_device(d, name, n, false));
    let remove = move |_: leptos::ev::MouseEvent| studio.edit(|d| remove_device(d, name, n));
    view! {
        <div class="card__head">
            <h3 class="card__title">{move || title.get()}</h3>
            <button type="button" class="button button--icon" data-testid="move-up" aria-label=format!("Move {what} {} up", n + 1) disabled=n == 0 on:click=up>"↑"</button>
            <button type="button" class="button button--icon" data-testid="move-down" aria-label=format!("Move {what} {} down", n + 1) disabled=move || { n + 1 >= count.get() } on:click=down>"↓"</button>
            <button type="button" class="button button--icon button--danger" data-testid="remove" aria-label=format!("Remove {what} {}", n + 1) on:click=remove>"✕"</button>
        </div>
    }
}

/// Diagnostics as a live list of messages with their hints.
#[component]
pub fn Messages(list: Signal<Vec<vmxml_core::Diagnostic>>) -> impl IntoView {
    let items = move || {
        list.get()
            .into_iter()
            .map(|d| {
                let class = format!("field__message field__message--{}", d.severity.as_str());
                view! {
                    <li class=class>
                        <span class="field__message-text">{d.message}</span>
                        <span class="field__hint">{d.hint}</span>
                    </li>
                }
                .into_any()
            })
            .collect_view()
    };
    view! { <ul class="field__messages" aria-live="polite">{items}</ul> }
}

/// Whether the wizard has no fields for this device, so pages list it read-only: the devices
/// vmxml keeps verbatim. Every kind core models has a page with fields.
pub fn shown_read_only(dev: &Device) -> bool {
    matches!(dev, Device::Unmodelled { .. })
}

/// A read-only card for a device the wizard has no fields for: shown, never changed or dropped.
#[component]
fn KeptCard(name: String, label: String, n: usize, count: Signal<usize>) -> impl IntoView {
    let studio = use_studio();
    let note = format!("Kept as is: the wizard has no fields for <{name}>, so it shows it read-only and writes it back exactly as it was.");
    let path = {
        let name = name.clone();
        Signal::derive(move || device_path(&name, n, count.get()))
    };
    let xml = move || {
        studio.domain.with(|d| match device_at(d, &name, n) {
            Some(dev) => element_text(&dev.write()),
            None => String::new(),
        })
    };
    view! {
        <article class="card" data-testid="kept-card" data-path=move || path.get()>
            <div class="card__head">
                <h3 class="card__title">{format!("{label} {}", n + 1)}</h3>
            </div>
            <p class="kept">{note}</p>
            <pre class="code kept">{xml}</pre>
            <Messages list=Signal::derive(move || studio.diagnostics_at(&path.get())) />
        </article>
    }
}

/// A readable name for a device element vmxml keeps as written.
fn kept_label(name: &str) -> String {
    match name {
        "smartcard" => "Smartcard",
        "hub" => "Hub",
        "shmem" => "Shared memory",
        "memory" => "Memory device",
        "iommu" => "IOMMU",
        "vsock" => "Vsock",
        "crypto" => "Crypto device",
        "lease" => "Lease",
        "redirfilter" => "USB redirection filter",
        "pstore" => "Pstore",
        other => other,
    }
    .to_string()
}

/// Devices without wizard fields, as read-only cards, in document order.
#[component]
pub fn KeptOthers() -> impl IntoView {
    let studio = use_studio();
    // (name, index among devices of that name, how many there are)
    let items = Memo::new(move |_| {
        studio.domain.with(|d| {
            let Some(devices) = d.devices.as_ref() else {
                return Vec::new();
            };
            let mut seen: Vec<(String, usize)> = Vec::new();
            let mut out = Vec::new();
            for dev in &devices.list {
                let name = dev.element_name().to_string();
                let n = match seen.iter_mut().find(|(s, _)| *s == name) {
                    Some((_, k)) => {
                        *k += 1;
                        *k - 1
                    }
                    None => {
                        seen.push((name.clone(), 1));
                        0
                    }
                };
                if shown_read_only(dev) {
                    out.push((name, n));
                }
            }
            out
        })
    });
    // Read-only cards: redrawn together when the list changes, which keeps a keyed list's
    // code out of the wasm.
    move || {
        items
            .get()
            .into_iter()
            .map(|(name, n)| {
                let count = {
                    let name = name.clone();
                    Signal::derive(move || studio.domain.with(|d| device_count(d, &name)))
                };
                view! { <KeptCard label=kept_label(&name) name n count /> }.into_any()
            })
            .collect_view()
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
