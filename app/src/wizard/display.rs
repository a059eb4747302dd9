//! Display and input: graphical framebuffers (`<graphics>`), input devices (`<input>`), and
//! the display devices vmxml keeps as written (video, sound, audio).

use leptos::prelude::*;
use vmxml_core::devices::graphics::{Graphics, GraphicsKind};
use vmxml_core::devices::input::{Input, InputBus, InputType};
use vmxml_core::devices::Device;
use vmxml_core::os::OsKind;
use vmxml_core::Domain;

use super::Group;
use crate::fields::{
    device_at, device_at_mut, device_count, device_path, device_text, edit_device, element_text,
    read_device, CardHead, CardMessages, CheckField, KeptDevices, NumberField, SelectField,
    TextField,
};
use crate::state::{use_studio, Studio};

const GRAPHICS: &str = "graphics";
const INPUT: &str = "input";

const GRAPHICS_COVERED: &[&str] = &[
    "/@type",
    "/@port",
    "/@tlsPort",
    "/@autoport",
    "/@listen",
    "/@socket",
    "/@passwd",
    "/@keymap",
    "/@display",
    "/@xauth",
    "/@fullscreen",
];

const INPUT_COVERED: &[&str] = &["/@type", "/@bus"];

const GRAPHICS_TYPES: [(&str, &str); 3] = [
    ("vnc", "vnc: a VNC server"),
    ("spice", "spice: a SPICE server"),
    ("sdl", "sdl: a window on the host"),
];

const INPUT_TYPES: [(&str, &str); 3] = [
    ("tablet", "tablet: absolute pointer"),
    ("mouse", "mouse: relative pointer"),
    ("keyboard", "keyboard"),
];

const INPUT_BUSES: [(&str, &str); 5] = [
    ("", "(chosen by libvirt)"),
    ("usb", "usb"),
    ("ps2", "ps2"),
    ("virtio", "virtio: paravirtualized"),
    ("xen", "xen: Xen paravirtualized"),
];

const KEYMAPS: [(&str, &str); 34] = [
    ("", "(the hypervisor's default)"),
    ("en-us", "en-us: English (US)"),
    ("en-gb", "en-gb: English (UK)"),
    ("de", "de: German"),
    ("de-ch", "de-ch: German (Switzerland)"),
    ("fr", "fr: French"),
    ("fr-be", "fr-be: French (Belgium)"),
    ("fr-ca", "fr-ca: French (Canada)"),
    ("fr-ch", "fr-ch: French (Switzerland)"),
    ("es", "es: Spanish"),
    ("it", "it: Italian"),
    ("pt", "pt: Portuguese"),
    ("pt-br", "pt-br: Portuguese (Brazil)"),
    ("nl", "nl: Dutch"),
    ("nl-be", "nl-be: Dutch (Belgium)"),
    ("da", "da: Danish"),
    ("sv", "sv: Swedish"),
    ("no", "no: Norwegian"),
    ("fi", "fi: Finnish"),
    ("is", "is: Icelandic"),
    ("fo", "fo: Faroese"),
    ("et", "et: Estonian"),
    ("lt", "lt: Lithuanian"),
    ("lv", "lv: Latvian"),
    ("pl", "pl: Polish"),
    ("hu", "hu: Hungarian"),
    ("hr", "hr: Croatian"),
    ("sl", "sl: Slovenian"),
    ("mk", "mk: Macedonian"),
    ("ru", "ru: Russian"),
    ("tr", "tr: Turkish"),
    ("th", "th: Thai"),
    ("ja", "ja: Japanese"),
    ("ar", "ar: Arabic"),
];

/// The first TCP port QEMU's VNC server can use: display N is port 5900 + N.
const BASE_PORT: i32 = 5900;

fn graphics(d: &Domain, n: usize) -> Option<&Graphics> {
    match device_at(d, GRAPHICS, n) {
        Some(Device::Graphics(x)) => Some(x),
        _ => None,
    }
}

fn graphics_mut(d: &mut Domain, n: usize) -> Option<&mut Graphics> {
    match device_at_mut(d, GRAPHICS, n) {
        Some(Device::Graphics(x)) => Some(x),
        _ => None,
    }
}

fn input(d: &Domain, n: usize) -> Option<&Input> {
    match device_at(d, INPUT, n) {
        Some(Device::Input(x)) => Some(x),
        _ => None,
    }
}

fn input_mut(d: &mut Domain, n: usize) -> Option<&mut Input> {
    match device_at_mut(d, INPUT, n) {
        Some(Device::Input(x)) => Some(x),
        _ => None,
    }
}

fn all_graphics(d: &Domain) -> impl Iterator<Item = &Graphics> {
    d.devices
        .iter()
        .flat_map(|x| x.list.iter())
        .filter_map(|dev| match dev {
            Device::Graphics(g) => Some(g),
            _ => None,
        })
}

/// What "Add graphics" adds: VNC, then SPICE, each on a port libvirt picks and listening on
/// the host only.
pub(super) fn new_graphics(d: &Domain) -> Graphics {
    let has = |t: &str| all_graphics(d).any(|g| g.kind.type_name() == t);
    if has("vnc") && !has("spice") {
        Graphics::spice_auto()
    } else {
        Graphics::vnc_auto()
    }
}

/// The first port from 5900 that no other graphics device has fixed.
fn free_port(d: &Domain) -> i32 {
    let used: Vec<i32> = all_graphics(d)
        .flat_map(|g| match &g.kind {
            GraphicsKind::Vnc { port, .. } => vec![*port],
            GraphicsKind::Spice { port, tls_port, .. } => vec![*port, *tls_port],
            _ => Vec::new(),
        })
        .flatten()
        .collect();
    (BASE_PORT..=65535)
        .find(|p| !used.contains(p))
        .unwrap_or(BASE_PORT)
}

/// Changes the graphics type, carrying port, autoport, listen address, password and keymap
/// between VNC and SPICE. A type vmxml keeps as written is never changed.
pub(super) fn set_graphics_type(g: &mut Graphics, t: &str) {
    let carried = match &g.kind {
        GraphicsKind::Vnc {
            port,
            autoport,
            listen,
            passwd,
            keymap,
            ..
        }
        | GraphicsKind::Spice {
            port,
            autoport,
            listen,
            passwd,
            keymap,
            ..
        } => Some((
            *port,
            *autoport,
            listen.clone(),
            passwd.clone(),
            keymap.clone(),
        )),
        GraphicsKind::Sdl { .. } => None,
        GraphicsKind::Other { .. } => return,
    };
    if g.kind.type_name() == t {
        return;
    }
    g.kind = match (t, carried) {
        ("sdl", _) => GraphicsKind::Sdl {
            display: None,
            xauth: None,
            fullscreen: None,
        },
        ("spice", Some((port, autoport, listen, passwd, keymap))) => GraphicsKind::Spice {
            port,
            tls_port: None,
            autoport,
            listen,
            passwd,
            keymap,
        },
        ("spice", None) => Graphics::spice_auto().kind,
        (_, Some((port, autoport, listen, passwd, keymap))) => GraphicsKind::Vnc {
            port,
            autoport,
            listen,
            socket: None,
            passwd,
            keymap,
        },
        (_, None) => Graphics::vnc_auto().kind,
    };
}

/// Whether libvirt picks the port: autoport='yes', or for VNC no port or port -1 without
/// autoport='no'.
fn auto_port(g: &Graphics) -> bool {
    match &g.kind {
        GraphicsKind::Vnc { port, autoport, .. } => {
            autoport.unwrap_or(matches!(port, None | Some(-1)))
        }
        GraphicsKind::Spice { autoport, .. } => *autoport == Some(true),
        _ => false,
    }
}

/// Turns autoport on (fixed ports dropped, so libvirt does not ignore them silently) or off
/// (a free port from 5900 where there is none).
pub(super) fn set_auto_port(d: &mut Domain, n: usize, on: bool) {
    let port = free_port(d);
    let Some(g) = graphics_mut(d, n) else { return };
    match &mut g.kind {
        GraphicsKind::Vnc {
            port: p, autoport, ..
        } => {
            *autoport = Some(on);
            *p = match (on, *p) {
                (true, _) => Some(-1),
                (false, Some(x)) if x > 0 => Some(x),
                (false, _) => Some(port),
            };
        }
        GraphicsKind::Spice {
            port: p,
            tls_port,
            autoport,
            ..
        } => {
            *autoport = Some(on);
            if on {
                *p = p.filter(|x| *x <= 0);
                *tls_port = tls_port.filter(|x| *x <= 0);
            } else if !p.is_some_and(|x| x > 0) {
                *p = Some(port);
            }
        }
        _ => {}
    }
}

fn graphics_title(g: &Graphics, n: usize) -> String {
    let what = match &g.kind {
        GraphicsKind::Vnc { .. } => "VNC".to_string(),
        GraphicsKind::Spice { .. } => "SPICE".to_string(),
        GraphicsKind::Sdl { .. } => "SDL".to_string(),
        GraphicsKind::Other { graphics_type } if graphics_type.is_empty() => "no type".to_string(),
        GraphicsKind::Other { graphics_type } => graphics_type.clone(),
    };
    let port = match &g.kind {
        GraphicsKind::Vnc { port: Some(p), .. } | GraphicsKind::Spice { port: Some(p), .. }
            if !auto_port(g) =>
        {
            format!(", port {p}")
        }
        GraphicsKind::Vnc {
            socket: Some(s), ..
        } => format!(", socket {s}"),
        GraphicsKind::Vnc { .. } | GraphicsKind::Spice { .. } => ", automatic port".to_string(),
        _ => String::new(),
    };
    format!("Graphics {}: {what}{port}", n + 1)
}

/// Xen paravirtualized guests have only the xen input bus.
fn is_xen_pv(d: &Domain) -> bool {
    d.os.as_ref()
        .and_then(|o| o.os_type.as_ref())
        .is_some_and(|t| matches!(t.kind, OsKind::Linux | OsKind::Xen | OsKind::Xenpvh))
}

/// What "Add input" adds: the first of tablet (USB), keyboard (USB) and mouse (PS/2) the guest
/// does not have yet; on a Xen paravirtualized guest, a mouse, then a keyboard, on the xen bus.
pub(super) fn new_input(d: &Domain) -> Input {
    let choices: &[(InputType, InputBus)] = if is_xen_pv(d) {
        &[
            (InputType::Mouse, InputBus::Xen),
            (InputType::Keyboard, InputBus::Xen),
        ]
    } else {
        &[
            (InputType::Tablet, InputBus::Usb),
            (InputType::Keyboard, InputBus::Usb),
            (InputType::Mouse, InputBus::Ps2),
        ]
    };
    let present = |t: &InputType, b: &InputBus| {
        d.devices.iter().flat_map(|x| x.list.iter()).any(|dev| {
            matches!(dev, Device::Input(i) if i.input_type == *t && i.bus.as_ref() == Some(b))
        })
    };
    let (t, b) = choices
        .iter()
        .find(|(t, b)| !present(t, b))
        .or(choices.first())
        .cloned()
        .unwrap_or((InputType::Tablet, InputBus::Usb));
    Input::new(t, Some(b))
}

fn input_title(i: &Input, n: usize) -> String {
    let t = match i.input_type.as_str() {
        "" => "no type",
        t => t,
    };
    match &i.bus {
        Some(b) => format!("Input {}: {t} ({b})", n + 1),
        None => format!("Input {}: {t}", n + 1),
    }
}

fn read_graphics<T: Default>(studio: Studio, n: usize, f: impl FnOnce(&Graphics) -> T) -> T {
    read_device(studio, n, graphics, f)
}

fn edit_graphics(studio: Studio, n: usize, f: impl FnOnce(&mut Graphics)) {
    edit_device(studio, n, graphics_mut, f)
}

fn text(
    studio: Studio,
    n: usize,
    get: fn(&Graphics) -> Option<String>,
    set: fn(&mut Graphics, Option<String>),
) -> (Signal<String>, Callback<String>) {
    device_text(studio, n, graphics, graphics_mut, get, set)
}

fn to_port(v: Option<i64>) -> Option<i32> {
    v.map(|v| i32::try_from(v.clamp(i64::from(i32::MIN), i64::from(i32::MAX))).unwrap_or_default())
}

/// The fields VNC and SPICE share, and each one's own.
#[component]
fn RemoteFields(
    n: usize,
    spice: bool,
    at: Callback<&'static str, Signal<String>>,
) -> impl IntoView {
    let studio = use_studio();
    let auto = Memo::new(move |_| read_graphics(studio, n, auto_port));
    let (listen, set_listen) = text(
        studio,
        n,
        |g| g.listen().map(str::to_string),
        |g, v| g.set_listen(v),
    );
    let (passwd, set_passwd) = text(
        studio,
        n,
        |g| match &g.kind {
            GraphicsKind::Vnc { passwd, .. } | GraphicsKind::Spice { passwd, .. } => passwd.clone(),
            _ => None,
        },
        |g, v| {
            if let GraphicsKind::Vnc { passwd, .. } | GraphicsKind::Spice { passwd, .. } =
                &mut g.kind
            {
                *passwd = v
            }
        },
    );
    let (keymap, set_keymap) = text(
        studio,
        n,
        |g| match &g.kind {
            GraphicsKind::Vnc { keymap, .. } | GraphicsKind::Spice { keymap, .. } => keymap.clone(),
            _ => None,
        },
        |g, v| {
            if let GraphicsKind::Vnc { keymap, .. } | GraphicsKind::Spice { keymap, .. } =
                &mut g.kind
            {
                *keymap = v
            }
        },
    );
    let (socket, set_socket) = text(
        studio,
        n,
        |g| match &g.kind {
            GraphicsKind::Vnc { socket, .. } => socket.clone(),
            _ => None,
        },
        |g, v| {
            if let GraphicsKind::Vnc { socket, .. } = &mut g.kind {
                *socket = v
            }
        },
    );
    let port = Signal::derive(move || {
        read_graphics(studio, n, |g| match &g.kind {
            GraphicsKind::Vnc { port, .. } | GraphicsKind::Spice { port, .. } => {
                port.map(i64::from)
            }
            _ => None,
        })
    });
    let set_port = Callback::new(move |v: Option<i64>| {
        edit_graphics(studio, n, |g| {
            if let GraphicsKind::Vnc { port, .. } | GraphicsKind::Spice { port, .. } = &mut g.kind {
                *port = to_port(v)
            }
        })
    });
    let tls_port = Signal::derive(move || {
        read_graphics(studio, n, |g| match &g.kind {
            GraphicsKind::Spice { tls_port, .. } => tls_port.map(i64::from),
            _ => None,
        })
    });
    let set_tls_port = Callback::new(move |v: Option<i64>| {
        edit_graphics(studio, n, |g| {
            if let GraphicsKind::Spice { tls_port, .. } = &mut g.kind {
                *tls_port = to_port(v)
            }
        })
    });
    let port_help = if spice {
        "The TCP port of the SPICE server; -1 is the legacy spelling of 'pick one'."
    } else {
        "The TCP port of the VNC server: display N is port 5900+N. -1 is the legacy spelling of 'pick one'."
    };
    view! {
        <CheckField
            label="Pick the port automatically"
            path=at.run("/@autoport")
            value=Signal::derive(move || auto.get())
            on_change=Callback::new(move |on: bool| studio.edit(|d| set_auto_port(d, n, on)))
            help="libvirt allocates a free port when the guest starts (autoport, the preferred way over port -1)."
        />
        {move || (!auto.get()).then(|| view! {
            <NumberField label="Port" path=at.run("/@port") value=port on_input=set_port help=port_help min=-1 max=65535 />
        })}
        {move || (spice && !auto.get()).then(|| view! {
            <NumberField label="TLS port" path=at.run("/@tlsPort") value=tls_port on_input=set_tls_port
                help="An alternative port for TLS-secured connections." since="0.8.6" min=-1 max=65535 />
        })}
        <TextField label="Listen address" path=at.run("/@listen") value=listen on_input=set_listen placeholder="127.0.0.1"
            help="The IP address the server listens on: 127.0.0.1 for this host only, 0.0.0.0 for every network." />
        {(!spice).then(|| view! {
            <TextField label="UNIX socket" path=at.run("/@socket") value=socket on_input=set_socket placeholder="/var/lib/libvirt/qemu/guest-vnc.sock"
                help="Listen on a UNIX domain socket path instead of a TCP port (QEMU)." since="0.8.8" />
        })}
        <TextField label="Password" path=at.run("/@passwd") value=passwd on_input=set_passwd
            help="A password for the console, in clear text in the XML. Empty: no password. (The 2008 format spelled it password=; vmxml writes passwd=.)" />
        <SelectField label="Keymap" path=at.run("/@keymap") options=KEYMAPS.to_vec() value=keymap on_change=set_keymap
            help="The keyboard layout the server assumes." />
    }
}

#[component]
fn SdlFields(n: usize, at: Callback<&'static str, Signal<String>>) -> impl IntoView {
    let studio = use_studio();
    let (display, set_display) = text(
        studio,
        n,
        |g| match &g.kind {
            GraphicsKind::Sdl { display, .. } => display.clone(),
            _ => None,
        },
        |g, v| {
            if let GraphicsKind::Sdl { display, .. } = &mut g.kind {
                *display = v
            }
        },
    );
    let (xauth, set_xauth) = text(
        studio,
        n,
        |g| match &g.kind {
            GraphicsKind::Sdl { xauth, .. } => xauth.clone(),
            _ => None,
        },
        |g, v| {
            if let GraphicsKind::Sdl { xauth, .. } = &mut g.kind {
                *xauth = v
            }
        },
    );
    view! {
        <TextField label="X display" path=at.run("/@display") value=display on_input=set_display placeholder=":0.0"
            help="The X display the window opens on." />
        <TextField label="X authority file" path=at.run("/@xauth") value=xauth on_input=set_xauth placeholder="/root/.Xauthority"
            help="The authentication file for that display." />
        <CheckField
            label="Full screen"
            path=at.run("/@fullscreen")
            value=Signal::derive(move || read_graphics(studio, n, |g| matches!(g.kind, GraphicsKind::Sdl { fullscreen: Some(true), .. })))
            on_change=Callback::new(move |on: bool| edit_graphics(studio, n, |g| {
                if let GraphicsKind::Sdl { fullscreen, .. } = &mut g.kind {
                    *fullscreen = on.then_some(true)
                }
            }))
            help="Open the window in full-screen mode."
        />
    }
}

#[component]
fn GraphicsCard(n: usize, count: Signal<usize>) -> impl IntoView {
    let studio = use_studio();
    let base = Signal::derive(move || device_path(GRAPHICS, n, count.get()));
    let at = Callback::new(move |suffix: &'static str| {
        Signal::derive(move || format!("{}{suffix}", base.get()))
    });
    let kind = Memo::new(move |_| read_graphics(studio, n, |g| g.kind.type_name().to_string()));
    let heading = Signal::derive(move || read_graphics(studio, n, |g| graphics_title(g, n)));
    let body = move || {
        let t = kind.get();
        let select = view! {
            <SelectField
                label="Type"
                path=at.run("/@type")
                options=GRAPHICS_TYPES.to_vec()
                value=Signal::derive(move || kind.get())
                on_change=Callback::new(move |v: String| edit_graphics(studio, n, |g| set_graphics_type(g, &v)))
                help="sdl shows a window on the host's desktop; vnc starts a VNC server; spice (since 0.8.6) a SPICE server."
            />
        };
        match t.as_str() {
            "vnc" => view! { {select} <RemoteFields n spice=false at /> }.into_any(),
            "spice" => view! { {select} <RemoteFields n spice=true at /> }.into_any(),
            "sdl" => view! { {select} <SdlFields n at /> }.into_any(),
            "" => view! {
                <p class="kept">"This graphics device has no type, and libvirt requires one. It is kept as written; remove it and add a new one."</p>
            }
            .into_any(),
            _ => view! {
                <p class="kept">{format!("Type '{t}' is kept as is: vmxml models sdl, vnc and spice, so this device is written back exactly as it was.")}</p>
                <pre class="code kept">{move || read_graphics(studio, n, |g| element_text(&g.write()))}</pre>
                <CardMessages path=at.run("/@type") covered=&[] />
            }
            .into_any(),
        }
    };
    view! {
        <article class="card" data-testid="graphics-card" data-path=move || base.get()>
            <CardHead name=GRAPHICS what="graphics device" n count title=heading />
            {body}
            <CardMessages path=base covered=GRAPHICS_COVERED />
        </article>
    }
}

fn read_input<T: Default>(studio: Studio, n: usize, f: impl FnOnce(&Input) -> T) -> T {
    studio
        .domain
        .with(|d| input(d, n).map(f).unwrap_or_default())
}

fn edit_input(studio: Studio, n: usize, f: impl FnOnce(&mut Input)) {
    studio.edit(|d| {
        if let Some(x) = input_mut(d, n) {
            f(x)
        }
    })
}

#[component]
fn InputCard(n: usize, count: Signal<usize>) -> impl IntoView {
    let studio = use_studio();
    let base = Signal::derive(move || device_path(INPUT, n, count.get()));
    let at = move |suffix: &'static str| Signal::derive(move || format!("{}{suffix}", base.get()));
    let kind = Memo::new(move |_| read_input(studio, n, |x| x.input_type.as_str().to_string()));
    let heading = Signal::derive(move || read_input(studio, n, |x| input_title(x, n)));
    let type_field = move || {
        let t = kind.get();
        if INPUT_TYPES.iter().any(|(v, _)| *v == t) {
            view! {
                <SelectField
                    label="Type"
                    path=at("/@type")
                    options=INPUT_TYPES.to_vec()
                    value=Signal::derive(move || kind.get())
                    on_change=Callback::new(move |v: String| edit_input(studio, n, |x| x.input_type = InputType::parse(&v)))
                    help="A tablet moves the cursor to absolute positions, so it follows the viewer's pointer; a mouse moves it relative to where it is. keyboard since 1.2.2."
                />
            }
            .into_any()
        } else if t.is_empty() {
            view! { <p class="kept">"This input device has no type, and libvirt requires one. It is kept as written; remove it and add a new one."</p> }.into_any()
        } else {
            view! {
                <p class="kept">{format!("Type '{t}' is kept as is, with its host source: vmxml edits mice, tablets and keyboards.")}</p>
                <CardMessages path=at("/@type") covered=&[] />
            }
            .into_any()
        }
    };
    view! {
        <article class="card" data-testid="input-card" data-path=move || base.get()>
            <CardHead name=INPUT what="input device" n count title=heading />
            {type_field}
            <SelectField
                label="Bus"
                path=at("/@bus")
                options=INPUT_BUSES.to_vec()
                value=Signal::derive(move || read_input(studio, n, |x| x.bus.as_ref().map(|b| b.as_str().to_string()).unwrap_or_default()))
                on_change=Callback::new(move |v: String| edit_input(studio, n, |x| x.bus = (!v.is_empty()).then(|| InputBus::parse(&v))))
                help="Refines the device: xen (paravirtualized), ps2 or usb; virtio since 1.3.0. A tablet needs usb (or virtio). Empty: libvirt picks one."
            />
            <CardMessages path=base covered=INPUT_COVERED />
        </article>
    }
}

#[component]
pub fn Display() -> impl IntoView {
    let studio = use_studio();
    let graphics_count = Memo::new(move |_| studio.domain.with(|d| device_count(d, GRAPHICS)));
    let input_count = Memo::new(move |_| studio.domain.with(|d| device_count(d, INPUT)));
    let graphics_indices = move || (0..graphics_count.get()).collect::<Vec<usize>>();
    let input_indices = move || (0..input_count.get()).collect::<Vec<usize>>();
    let add_graphics = move |_| {
        studio.edit(|d| {
            let x = new_graphics(d);
            d.devices_mut().add(Device::Graphics(x));
        })
    };
    let add_input = move |_| {
        studio.edit(|d| {
            let x = new_input(d);
            d.devices_mut().add(Device::Input(x));
        })
    };
    let kept = Memo::new(move |_| {
        studio.domain.with(|d| {
            ["video", "sound", "audio"]
                .iter()
                .any(|k| device_count(d, k) > 0)
        })
    });
    view! {
        <Group title="Graphical framebuffers" intro="A graphics device lets you interact with the guest's screen. A guest typically has a framebuffer or a text console.">
            <For each=graphics_indices key=|i| *i let:i>
                <GraphicsCard n=i count=graphics_count.into() />
            </For>
            <div class="actions">
                <button type="button" class="button button--secondary" data-testid="add-graphics" on:click=add_graphics>"Add graphics"</button>
            </div>
        </Group>
        <Group title="Input devices" intro="With a framebuffer the guest gets a mouse and keyboard anyway; add a tablet for a cursor that follows the viewer's pointer exactly.">
            <For each=input_indices key=|i| *i let:i>
                <InputCard n=i count=input_count.into() />
            </For>
            <div class="actions">
                <button type="button" class="button button--secondary" data-testid="add-input" on:click=add_input>"Add input"</button>
            </div>
        </Group>
        {move || kept.get().then(|| view! {
            <Group title="Kept as is" intro="Display and sound devices vmxml does not model. They stay in the design unchanged.">
                <KeptDevices name="video" label="Video" />
                <KeptDevices name="sound" label="Sound" />
                <KeptDevices name="audio" label="Audio" />
            </Group>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(d: &Domain) -> Vec<String> {
        vmxml_core::validate(d)
            .into_iter()
            .filter(|x| x.severity != vmxml_core::Severity::Info)
            .map(|x| format!("{} {} {}", x.code, x.path, x.message))
            .collect()
    }

    #[test]
    fn added_graphics_and_inputs_are_valid() {
        let mut d = Domain::default();
        for _ in 0..3 {
            let g = new_graphics(&d);
            d.devices_mut().add(Device::Graphics(g));
            let i = new_input(&d);
            d.devices_mut().add(Device::Input(i));
        }
        let types: Vec<String> = all_graphics(&d)
            .map(|g| g.kind.type_name().to_string())
            .collect();
        assert_eq!(types, ["vnc", "spice", "vnc"]);
        assert_eq!(problems(&d), Vec::<String>::new());
    }

    #[test]
    fn xen_pv_inputs_use_the_xen_bus() {
        let mut d = Domain::empty(vmxml_core::DomainType::Xen);
        d.os = Some(vmxml_core::os::Os::default());
        if let Some(o) = d.os.as_mut() {
            o.os_type = Some(vmxml_core::os::OsType {
                kind: OsKind::Linux,
                arch: None,
                machine: None,
                extra: Default::default(),
            });
        }
        let i = new_input(&d);
        assert_eq!(i.bus, Some(InputBus::Xen));
        assert_eq!(i.input_type, InputType::Mouse);
    }

    #[test]
    fn type_and_autoport_switches() {
        let mut d = Domain::default();
        d.devices_mut().add(Device::Graphics(Graphics::vnc_auto()));
        set_auto_port(&mut d, 0, false);
        let port = |d: &Domain| match graphics(d, 0).map(|g| &g.kind) {
            Some(GraphicsKind::Vnc { port, .. } | GraphicsKind::Spice { port, .. }) => *port,
            _ => None,
        };
        assert_eq!(port(&d), Some(5900));
        assert_eq!(problems(&d), Vec::<String>::new());
        if let Some(g) = graphics_mut(&mut d, 0) {
            set_graphics_type(g, "spice");
            assert_eq!(g.listen(), Some("127.0.0.1"));
        }
        assert_eq!(port(&d), Some(5900));
        set_auto_port(&mut d, 0, true);
        assert_eq!(port(&d), None);
        assert_eq!(problems(&d), Vec::<String>::new());
        if let Some(g) = graphics_mut(&mut d, 0) {
            set_graphics_type(g, "sdl");
            set_graphics_type(g, "vnc");
            assert!(auto_port(g));
        }
        assert_eq!(problems(&d), Vec::<String>::new());
    }
}
