//! Forms as data. A field is a label, help, the libvirt version, a path, and a control. Its
//! value is read from the XML vmxml writes at that path and set through core's
//! `set_value_at`, which changes the XML and reads it back: most fields need no code of their
//! own. Those whose meaning is more than one value (a type that reshapes its element, a
//! default filled in) bring two plain functions. One renderer draws every field and one card
//! every device, so a new setting adds a table row, not another copy of view code
//! (monomorphised view code is most of the wasm's size).

use leptos::prelude::*;
use vmxml_core::edit::names_attribute;
use vmxml_core::Domain;

use crate::fields::{
    device_count, device_path, CardHead, CheckField, Messages, NumberField, SelectField, TextField,
};
use crate::state::{path_covers, use_studio};

/// Reads a value of the design as text; `n` is the device's index among its kind (unused by
/// domain-level fields). `None` means "not set".
pub type Read = fn(&Domain, usize) -> Option<String>;
/// Writes a value; `None` removes it.
pub type Write = fn(&mut Domain, usize, Option<String>);

#[derive(Clone, Copy)]
pub enum Control {
    /// One line of text, with a placeholder.
    Text(&'static str),
    /// Several lines of text.
    Multiline,
    /// A whole number within bounds.
    Number(Option<i64>, Option<i64>),
    /// A port: a number, or a service name kept as text.
    Service,
    /// One of (value, label); `""` is "not set".
    Select(Choices),
    /// A flag: an attribute that is `yes` when set, or an element that is there or not
    /// (`<readonly/>`).
    Check,
    /// An on/off switch: an attribute that is `on` when set, or an element with
    /// `state='on'` (`<relaxed state='on'/>`); off removes it.
    Switch,
    /// Text with a button that fills in a fresh value: (placeholder, button, generator).
    Generate(&'static str, &'static str, fn() -> String),
}

/// The choices of a select, (value, label) each: written with [`choices!`], which packs them
/// into one string at compile time: a table of string pointers beside the text is 5.9 KB of
/// wasm for the wizard's 370 choices (0.3 KB brotli).
#[derive(Clone, Copy)]
pub struct Choices(pub &'static str);

/// `choices!["virtio" => "virtio: paravirtualized", ...]`: a [`Choices`].
#[macro_export]
macro_rules! choices {
    ($($value:literal => $label:literal),+ $(,)?) => {
        $crate::form::Choices(concat!($($value, "\t", $label, "\n"),+))
    };
}

impl Choices {
    pub fn iter(self) -> impl DoubleEndedIterator<Item = (&'static str, &'static str)> {
        self.0
            .split_terminator('\n')
            .map(|line| line.split_once('\t').unwrap_or((line, line)))
    }

    pub fn values(self) -> impl DoubleEndedIterator<Item = &'static str> {
        self.iter().map(|(v, _)| v)
    }

    /// Whether `value` is one of the choices.
    pub fn has(self, value: &str) -> bool {
        self.values().any(|v| v == value)
    }

    pub const fn len(self) -> usize {
        let bytes = self.0.as_bytes();
        let (mut i, mut n) = (0, 0);
        while i < bytes.len() {
            if bytes[i] == b'\n' {
                n += 1;
            }
            i += 1;
        }
        n
    }

    pub const fn is_empty(self) -> bool {
        self.0.is_empty()
    }
}

/// Where a field's value is written, after the card's (or the domain's) path.
#[derive(Clone, Copy)]
pub enum At {
    Rel(&'static str),
    /// Paths that depend on the document (which of two `<source>`s).
    Computed(fn(&Domain, usize) -> String),
}

pub struct Field {
    pub label: &'static str,
    pub at: At,
    pub control: Control,
    /// How to read and write the value, when the path alone does not say.
    pub get: Option<Read>,
    pub set: Option<Write>,
    pub help: &'static str,
    pub since: &'static str,
    /// Shown only while this holds (fields a type does not use); `None`: always.
    pub show: Option<fn(&Domain, usize) -> bool>,
}

/// The defaults a field's table row starts from (`..FIELD`).
pub const FIELD: Field = Field {
    label: "",
    at: At::Rel(""),
    control: Control::Text(""),
    get: None,
    set: None,
    help: "",
    since: "",
    show: None,
};

fn shown(f: &Field, d: &Domain, n: usize) -> bool {
    f.show.is_none_or(|show| show(d, n))
}

fn suffix(f: &Field, d: &Domain, n: usize) -> String {
    match f.at {
        At::Rel(s) => s.to_string(),
        At::Computed(p) => p(d, n),
    }
}

/// One field, drawn with the control its data asks for.
pub fn field(f: &'static Field, base: Signal<String>, n: usize) -> AnyView {
    let studio = use_studio();
    // Only a computed path follows the design; a fixed one must not redraw on every keystroke.
    let path = match f.at {
        At::Rel(rest) => Signal::derive(move || format!("{}{rest}", base.get())),
        At::Computed(p) => Signal::derive(move || {
            let rest = studio.domain.with(|d| p(d, n));
            format!("{}{rest}", base.get())
        }),
    };
    let value = Signal::derive(move || match f.get {
        Some(get) => studio.domain.with(|d| get(d, n)),
        None => path.with(|p| studio.report.with(|r| r.value_at(&switch_path(f, p)))),
    });
    let text = Signal::derive(move || value.get().unwrap_or_default());
    let set = move |v: Option<String>| {
        let base = base.get_untracked();
        studio.edit(|d| set_field(f, d, &base, n, v))
    };
    let on_text = Callback::new(move |v: String| set((!v.is_empty()).then_some(v)));
    let (label, help, since) = (f.label, f.help, f.since);
    match f.control {
        Control::Text(placeholder) => view! {
            <TextField label path value=text on_input=on_text placeholder help since />
        }
        .into_any(),
        Control::Multiline => view! {
            <TextField label path value=text on_input=on_text help since multiline=true />
        }
        .into_any(),
        Control::Generate(placeholder, button, make) => {
            let run = Callback::new(move |()| set(Some(make())));
            view! {
                <TextField label path value=text on_input=on_text placeholder help since action=(button, run) />
            }
            .into_any()
        }
        Control::Number(min, max) => number(f, path, text, set, min, max),
        Control::Service => {
            let numeric =
                Memo::new(move |_| text.with(|v| v.is_empty() || v.parse::<u32>().is_ok()));
            (move || {
                if numeric.get() {
                    number(f, path, text, set, Some(1), Some(65535))
                } else {
                    view! { <TextField label path value=text on_input=on_text help since /> }
                        .into_any()
                }
            })
            .into_any()
        }
        Control::Select(options) => view! {
            <SelectField label path options value=text on_change=on_text help since />
        }
        .into_any(),
        Control::Check | Control::Switch => view! {
            <CheckField
                label
                path
                value=Signal::derive(move || value.with(|v| match (f.control, v) {
                    (Control::Switch, v) => v.as_deref() == Some("on"),
                    (_, v) => v.is_some(),
                }))
                on_change=Callback::new(move |on: bool| set(on.then(|| "yes".to_string())))
                help
                since
            />
        }
        .into_any(),
    }
}

/// Where a switch keeps its value: the path itself, or `@state` of the element it names.
fn switch_path(f: &Field, path: &str) -> String {
    match f.control {
        Control::Switch if !names_attribute(path) => format!("{path}/@state"),
        _ => path.to_string(),
    }
}

/// Sets a field's value: with its own function, or by its path under `base` (the card's
/// path, empty for the domain's fields); `n` is the index its functions see.
pub fn set_field(f: &Field, d: &mut Domain, base: &str, n: usize, v: Option<String>) {
    match f.set {
        Some(set) => set(d, n, v),
        None => {
            let path = format!("{base}{}", suffix(f, d, n));
            set_by_path(d, f, &path, v)
        }
    }
}

/// Sets a field's value by its path; a flag or switch that is turned off is removed.
fn set_by_path(d: &mut Domain, f: &Field, path: &str, v: Option<String>) {
    match (f.control, v) {
        (Control::Check | Control::Switch, None) => d.remove_at(path),
        (Control::Check, Some(_)) if !names_attribute(path) => d.set_value_at(path, Some("")),
        (Control::Switch, Some(_)) => d.set_value_at(&switch_path(f, path), Some("on")),
        (_, v) => d.set_value_at(path, v.as_deref()),
    }
}

fn number(
    f: &'static Field,
    path: Signal<String>,
    text: Signal<String>,
    set: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
    min: Option<i64>,
    max: Option<i64>,
) -> AnyView {
    let (label, help, since) = (f.label, f.help, f.since);
    view! {
        <NumberField
            label
            path
            value=Signal::derive(move || text.with(|t| t.parse::<i64>().ok()))
            on_input=Callback::new(move |v: Option<i64>| set(v.map(|v| v.to_string())))
            help
            since
            min
            max
        />
    }
    .into_any()
}

/// Every field of a list, under one base path; a field with `show` comes and goes with it.
pub fn fields(list: &'static [Field], base: Signal<String>, n: usize) -> AnyView {
    let studio = use_studio();
    list.iter()
        .map(|f| match f.show {
            None => field(f, base, n),
            Some(show) => {
                let on = Memo::new(move |_| studio.domain.with(|d| show(d, n)));
                (move || on.get().then(|| field(f, base, n))).into_any()
            }
        })
        .collect_view()
        .into_any()
}

/// A kind of device as the wizard edits it.
pub struct DeviceKind {
    /// The element name (`disk`); test hooks are `<name>-card` and `add-<name>`.
    pub name: &'static str,
    /// What one device is called in button labels (`disk`, `serial port`).
    pub what: &'static str,
    /// Added to a device's index before the functions below see it, so kinds that share one
    /// table of fields (serial, console, parallel) can tell themselves apart; usually 0.
    pub slot: usize,
    /// The card's heading: "Disk 2: vdb (virtio)".
    pub title: fn(&Domain, usize) -> String,
    pub fields: &'static [Field],
    /// A note above the fields, such as why a type is kept as written.
    pub note: fn(&Domain, usize) -> Option<String>,
    /// The device's XML, for a device whose type is kept as written and has no fields.
    pub kept: fn(&Domain, usize) -> Option<String>,
}

/// For kinds whose cards always have fields.
pub fn never_kept(_: &Domain, _: usize) -> Option<String> {
    None
}

/// Diagnostics under `base` that no field in `covered` shows.
#[component]
fn Uncovered(base: Signal<String>, covered: Signal<Vec<String>>) -> impl IntoView {
    let studio = use_studio();
    let list = Signal::derive(move || {
        let base = base.get();
        let covered = covered.get();
        studio
            .diagnostics_at(&base)
            .into_iter()
            .filter(|d| {
                !covered
                    .iter()
                    .any(|s| path_covers(&format!("{base}{s}"), &d.path))
            })
            .collect()
    });
    view! { <Messages list /> }
}

#[component]
pub fn DeviceCard(kind: &'static DeviceKind, n: usize, count: Signal<usize>) -> impl IntoView {
    let studio = use_studio();
    let name = kind.name;
    let base = Signal::derive(move || device_path(name, n, count.get()));
    // The index the kind's functions see; the card's own path and buttons use `n`.
    let i = n + kind.slot;
    let heading = Signal::derive(move || studio.domain.with(|d| (kind.title)(d, i)));
    let note = move || studio.domain.with(|d| (kind.note)(d, i));
    let covered = Signal::derive(move || {
        studio.domain.with(|d| {
            kind.fields
                .iter()
                .filter(|f| shown(f, d, i))
                .map(|f| suffix(f, d, i))
                .collect()
        })
    });
    view! {
        <article class="card" data-testid=format!("{name}-card") data-path=move || base.get()>
            <CardHead name what=kind.what n count title=heading />
            {move || note().map(|t| view! { <p class="kept">{t}</p> }.into_any())}
            {move || studio.domain.with(|d| (kind.kept)(d, i)).map(|x| view! { <pre class="code kept">{x}</pre> }.into_any())}
            {fields(kind.fields, base, i)}
            <Uncovered base covered />
        </article>
    }
}

/// A button that adds a device.
pub struct Add {
    pub label: &'static str,
    pub testid: &'static str,
    pub add: fn(&mut Domain),
}

/// The cards of one kind of device, with the buttons that add one.
#[component]
pub fn DeviceList(kind: &'static DeviceKind, adds: &'static [Add]) -> impl IntoView {
    let studio = use_studio();
    let name = kind.name;
    let count = Memo::new(move |_| studio.domain.with(|d| device_count(d, name)));
    // Cards follow the device's index, so only adding or removing one redraws the list;
    // a keyed list would cost kilobytes of wasm for nothing more.
    let cards = move || {
        (0..count.get())
            .map(|n| view! { <DeviceCard kind n count=count.into() /> }.into_any())
            .collect_view()
    };
    view! {
        {cards}
        <div class="actions">
            {adds.iter().map(|a| view! {
                <button type="button" class="button button--secondary" data-testid=a.testid on:click=move |_| studio.edit(a.add)>{a.label}</button>
            }.into_any()).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::Choices;

    #[test]
    fn choices_are_value_label_pairs() {
        const C: Choices = crate::choices!["" => "(not set)", "vnc" => "VNC", "spice" => "SPICE: a remote desktop"];
        assert_eq!(C.len(), 3);
        assert!(!C.is_empty());
        assert_eq!(
            C.iter().collect::<Vec<_>>(),
            [
                ("", "(not set)"),
                ("vnc", "VNC"),
                ("spice", "SPICE: a remote desktop")
            ]
        );
        assert!(C.has("vnc") && C.has("") && !C.has("VNC") && !C.has("sdl"));
        assert_eq!(C.values().next_back(), Some("spice"));
    }
}
