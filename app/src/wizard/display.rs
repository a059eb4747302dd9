//! Display and input: graphical framebuffers (`<graphics>`), input devices (`<input>`), and
//! video cards, sound cards and audio backends.

use leptos::prelude::*;
use vmxml_core::devices::graphics::{Graphics, GraphicsKind};
use vmxml_core::devices::input::{Input, InputBus, InputType};
use vmxml_core::devices::sound::{Audio, AudioType, Sound, SoundModel};
use vmxml_core::devices::video::{Video, VideoModel, VideoModelType};
use vmxml_core::devices::Device;
use vmxml_core::os::OsKind;
use vmxml_core::Domain;

use super::{first_free, Group};
use crate::choices;
use crate::fields::{device_at, device_at_mut, device_count, element_text};
use crate::form::{never_kept, Add, At, Choices, Control, DeviceKind, DeviceList, Field, FIELD};

const GRAPHICS: &str = "graphics";
const INPUT: &str = "input";

const GRAPHICS_TYPES: Choices = choices![
    "vnc" => "vnc: a VNC server",
    "spice" => "spice: a SPICE server",
    "sdl" => "sdl: a window on the host",
];

const INPUT_TYPES: Choices = choices![
    "tablet" => "tablet: absolute pointer",
    "mouse" => "mouse: relative pointer",
    "keyboard" => "keyboard",
];

const INPUT_BUSES: Choices = choices![
    "" => "(chosen by libvirt)",
    "usb" => "usb",
    "ps2" => "ps2",
    "virtio" => "virtio: paravirtualized",
    "xen" => "xen: Xen paravirtualized",
];

const KEYMAPS: Choices = choices![
    "" => "(the hypervisor's default)",
    "en-us" => "en-us: English (US)",
    "en-gb" => "en-gb: English (UK)",
    "de" => "de: German",
    "de-ch" => "de-ch: German (Switzerland)",
    "fr" => "fr: French",
    "fr-be" => "fr-be: French (Belgium)",
    "fr-ca" => "fr-ca: French (Canada)",
    "fr-ch" => "fr-ch: French (Switzerland)",
    "es" => "es: Spanish",
    "it" => "it: Italian",
    "pt" => "pt: Portuguese",
    "pt-br" => "pt-br: Portuguese (Brazil)",
    "nl" => "nl: Dutch",
    "nl-be" => "nl-be: Dutch (Belgium)",
    "da" => "da: Danish",
    "sv" => "sv: Swedish",
    "no" => "no: Norwegian",
    "fi" => "fi: Finnish",
    "is" => "is: Icelandic",
    "fo" => "fo: Faroese",
    "et" => "et: Estonian",
    "lt" => "lt: Lithuanian",
    "lv" => "lv: Latvian",
    "pl" => "pl: Polish",
    "hu" => "hu: Hungarian",
    "hr" => "hr: Croatian",
    "sl" => "sl: Slovenian",
    "mk" => "mk: Macedonian",
    "ru" => "ru: Russian",
    "tr" => "tr: Turkish",
    "th" => "th: Thai",
    "ja" => "ja: Japanese",
    "ar" => "ar: Arabic",
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

fn graphics_type_is(d: &Domain, n: usize, types: &[&str]) -> bool {
    graphics(d, n).is_some_and(|g| types.contains(&g.kind.type_name()))
}

fn remote(d: &Domain, n: usize) -> bool {
    graphics_type_is(d, n, &["vnc", "spice"])
}

fn fixed_port(d: &Domain, n: usize, spice_only: bool) -> bool {
    let types: &[&str] = if spice_only {
        &["spice"]
    } else {
        &["vnc", "spice"]
    };
    graphics_type_is(d, n, types) && graphics(d, n).is_some_and(|g| !auto_port(g))
}

const PORT: Field = Field {
    label: "Port",
    since: "≤ 0.4.5",
    at: At::Rel("/@port"),
    control: Control::Number(Some(-1), Some(65535)),
    ..FIELD
};

pub(crate) static GRAPHICS_FIELDS: [Field; 12] = [
    Field {
        label: "Type",
        at: At::Rel("/@type"),
        control: Control::Select(GRAPHICS_TYPES),
        get: Some(|d, n| graphics(d, n).map(|g| g.kind.type_name().to_string())),
        set: Some(|d, n, v| {
            if let Some(g) = graphics_mut(d, n) {
                set_graphics_type(g, v.as_deref().unwrap_or("vnc"))
            }
        }),
        help: "sdl shows a window on the host's desktop; vnc starts a VNC server; spice (since 0.8.6) a SPICE server.",
        since: "≤ 0.4.5; spice 0.8.6",
        show: Some(|d, n| graphics_type_is(d, n, &["vnc", "spice", "sdl"])),
    },
    Field {
        label: "Pick the port automatically",
        at: At::Rel("/@autoport"),
        control: Control::Check,
        get: Some(|d, n| graphics(d, n).filter(|g| auto_port(g)).map(|_| "yes".into())),
        set: Some(|d, n, v| set_auto_port(d, n, v.is_some())),
        help: "libvirt allocates a free port when the guest starts (autoport, the preferred way over port -1).",
        show: Some(remote),
        since: "≤ 0.4.5",
    },
    Field {
        help: "The TCP port of the VNC server: display N is port 5900+N. -1 is the legacy spelling of 'pick one'.",
        show: Some(|d, n| graphics_type_is(d, n, &["vnc"]) && fixed_port(d, n, false)),
        ..PORT
    },
    Field {
        help: "The TCP port of the SPICE server; -1 is the legacy spelling of 'pick one'.",
        show: Some(|d, n| fixed_port(d, n, true)),
        ..PORT
    },
    Field {
        label: "TLS port",
        at: At::Rel("/@tlsPort"),
        control: Control::Number(Some(-1), Some(65535)),
        help: "An alternative port for TLS-secured connections.",
        since: "0.8.6",
        show: Some(|d, n| fixed_port(d, n, true)),
        ..FIELD
    },
    Field {
        label: "Listen address",
        at: At::Rel("/@listen"),
        control: Control::Text("127.0.0.1"),
        get: Some(|d, n| graphics(d, n)?.listen().map(str::to_string)),
        set: Some(|d, n, v| {
            if let Some(g) = graphics_mut(d, n) {
                g.set_listen(v)
            }
        }),
        help: "The IP address the server listens on: 127.0.0.1 for this host only, 0.0.0.0 for every network.",
        show: Some(remote),
        since: "≤ 0.4.5",
    },
    Field {
        label: "UNIX socket",
        at: At::Rel("/@socket"),
        control: Control::Text("/var/lib/libvirt/qemu/guest-vnc.sock"),
        help: "Listen on a UNIX domain socket path instead of a TCP port (QEMU).",
        since: "0.8.8",
        show: Some(|d, n| graphics_type_is(d, n, &["vnc"])),
        ..FIELD
    },
    Field {
        label: "Password",
        at: At::Rel("/@passwd"),
        help: "A password for the console, in clear text in the XML. Empty: no password. (The 2008 format spelled it password=; vmxml writes passwd=.)",
        show: Some(remote),
        since: "≤ 0.4.5",
        ..FIELD
    },
    Field {
        label: "Keymap",
        at: At::Rel("/@keymap"),
        control: Control::Select(KEYMAPS),
        help: "The keyboard layout the server assumes.",
        show: Some(remote),
        ..FIELD
    },
    Field {
        label: "X display",
        at: At::Rel("/@display"),
        control: Control::Text(":0.0"),
        help: "The X display the window opens on.",
        show: Some(|d, n| graphics_type_is(d, n, &["sdl"])),
        ..FIELD
    },
    Field {
        label: "X authority file",
        at: At::Rel("/@xauth"),
        control: Control::Text("/root/.Xauthority"),
        help: "The authentication file for that display.",
        show: Some(|d, n| graphics_type_is(d, n, &["sdl"])),
        ..FIELD
    },
    Field {
        label: "Full screen",
        at: At::Rel("/@fullscreen"),
        control: Control::Check,
        help: "Open the window in full-screen mode.",
        show: Some(|d, n| graphics_type_is(d, n, &["sdl"])),
        ..FIELD
    },
];

pub(crate) static GRAPHICS_KIND: DeviceKind = DeviceKind {
    name: GRAPHICS,
    what: "graphics device",
    slot: 0,
    title: |d, n| {
        graphics(d, n)
            .map(|g| graphics_title(g, n))
            .unwrap_or_default()
    },
    fields: &GRAPHICS_FIELDS,
    note: |d, n| {
        match &graphics(d, n)?.kind {
        GraphicsKind::Other { graphics_type } if graphics_type.is_empty() => Some("This graphics device has no type, and libvirt requires one. It is kept as written; remove it and add a new one.".into()),
        GraphicsKind::Other { graphics_type } => Some(format!("Type '{graphics_type}' is kept as is: vmxml models sdl, vnc and spice, so this device is written back exactly as it was.")),
        _ => None,
    }
    },
    kept: |d, n| {
        let g = graphics(d, n)?;
        matches!(&g.kind, GraphicsKind::Other { graphics_type } if !graphics_type.is_empty())
            .then(|| element_text(&g.write()))
    },
};

pub(crate) static INPUT_FIELDS: [Field; 2] = [
    Field {
        label: "Type",
        at: At::Rel("/@type"),
        control: Control::Select(INPUT_TYPES),
        get: Some(|d, n| input(d, n).map(|x| x.input_type.as_str().to_string())),
        set: Some(|d, n, v| {
            if let Some(x) = input_mut(d, n) {
                x.input_type = InputType::parse(v.as_deref().unwrap_or("tablet"))
            }
        }),
        help: "A tablet moves the cursor to absolute positions, so it follows the viewer's pointer; a mouse moves it relative to where it is. keyboard since 1.2.2.",
        since: "≤ 0.4.5; keyboard 1.2.2",
        show: Some(|d, n| {
            input(d, n).is_some_and(|x| INPUT_TYPES.has(x.input_type.as_str()))
        }),
    },
    Field {
        label: "Bus",
        at: At::Rel("/@bus"),
        control: Control::Select(INPUT_BUSES),
        help: "Refines the device: xen (paravirtualized), ps2 or usb; virtio since 1.3.0. A tablet needs usb (or virtio). Empty: libvirt picks one.",
        since: "≤ 0.4.5; virtio 1.3.0",
        ..FIELD
    },
];

pub(crate) static INPUT_KIND: DeviceKind = DeviceKind {
    name: INPUT,
    what: "input device",
    slot: 0,
    title: |d, n| input(d, n).map(|x| input_title(x, n)).unwrap_or_default(),
    fields: &INPUT_FIELDS,
    note: |d, n| {
        match input(d, n)?.input_type.as_str() {
        "" => Some("This input device has no type, and libvirt requires one. It is kept as written; remove it and add a new one.".into()),
        t if INPUT_TYPES.has(t) => None,
        t => Some(format!("Type '{t}' is kept as is, with its host source: vmxml edits mice, tablets and keyboards.")),
    }
    },
    kept: never_kept,
};

static ADD_GRAPHICS: [Add; 1] = [Add {
    label: "Add graphics",
    testid: "add-graphics",
    add: |d| {
        let x = new_graphics(d);
        d.devices_mut().add(Device::Graphics(x));
    },
}];

static ADD_INPUT: [Add; 1] = [Add {
    label: "Add input",
    testid: "add-input",
    add: |d| {
        let x = new_input(d);
        d.devices_mut().add(Device::Input(x));
    },
}];

device_access!(video, "video", Video, Video);
device_access!(sound, "sound", Sound, Sound);
device_access!(audio, "audio", Audio, Audio);

const VIDEO_MODELS: Choices = choices![
    "virtio" => "virtio: paravirtualized, for Linux guests",
    "qxl" => "qxl: for SPICE displays",
    "vga" => "vga: standard VGA",
    "cirrus" => "cirrus: old Cirrus Logic card",
    "bochs" => "bochs: simple, works with UEFI",
    "ramfb" => "ramfb: boot display for vGPUs",
    "none" => "none: no video card",
    "vmvga" => "vmvga: VMware SVGA",
    "xen" => "xen: Xen framebuffer",
    "vbox" => "vbox: VirtualBox",
    "gop" => "gop: UEFI GOP framebuffer (Hyper-V)",
];

const SOUND_MODELS: Choices = choices![
    "ich9" => "ich9: Intel HD Audio (q35)",
    "ich6" => "ich6: Intel HD Audio",
    "ich7" => "ich7: Intel HD Audio",
    "ac97" => "ac97: AC'97",
    "es1370" => "es1370: Ensoniq AudioPCI",
    "sb16" => "sb16: Sound Blaster 16",
    "pcspk" => "pcspk: PC speaker",
    "usb" => "usb: USB audio",
];

const AUDIO_TYPES: Choices = choices![
    "none" => "none: audio is discarded",
    "spice" => "spice: sent to the SPICE client",
    "pulseaudio" => "pulseaudio: PulseAudio on the host",
    "alsa" => "alsa: ALSA on the host",
    "oss" => "oss: OSS on the host",
    "jack" => "jack: JACK on the host",
    "sdl" => "sdl: SDL on the host",
    "coreaudio" => "coreaudio: macOS hosts",
    "dbus" => "dbus: D-Bus display clients",
    "file" => "file: written to a WAV file",
];

fn video_model(d: &Domain, n: usize) -> Option<&VideoModel> {
    video(d, n)?.model.as_ref()
}

pub(crate) static VIDEO_FIELDS: [Field; 4] = [
    Field {
        label: "Model",
        at: At::Rel("/model/@type"),
        control: Control::Select(VIDEO_MODELS),
        help: "The video card the guest sees. virtio suits Linux guests, qxl SPICE displays, vga or bochs most other OSes.",
        ..FIELD
    },
    Field {
        label: "Video memory (KiB)",
        at: At::Rel("/model/@vram"),
        control: Control::Number(Some(0), None),
        help: "Video memory in KiB; empty lets the hypervisor pick.",
        ..FIELD
    },
    Field {
        label: "Heads",
        at: At::Rel("/model/@heads"),
        control: Control::Number(Some(1), None),
        help: "How many screens the card drives.",
        ..FIELD
    },
    Field {
        label: "Primary",
        at: At::Rel("/model/@primary"),
        control: Control::Check,
        help: "With several video cards, the one the guest boots on; only one may be primary.",
        since: "1.0.2",
        ..FIELD
    },
];

pub(crate) static VIDEO_KIND: DeviceKind = DeviceKind {
    name: "video",
    what: "video card",
    slot: 0,
    title: |d, n| match video_model(d, n) {
        Some(m) => format!("Video card {}: {}", n + 1, m.model_type),
        None => format!("Video card {}", n + 1),
    },
    fields: &VIDEO_FIELDS,
    note: |_, _| None,
    kept: never_kept,
};

pub(crate) static SOUND_FIELDS: [Field; 1] = [Field {
    label: "Sound model",
    at: At::Rel("/@model"),
    control: Control::Select(SOUND_MODELS),
    help: "The emulated sound card: ich9 on q35 machines, ich6 or ac97 on older ones.",
    since: "0.4.3",
    ..FIELD
}];

pub(crate) static SOUND_KIND: DeviceKind = DeviceKind {
    name: "sound",
    what: "sound card",
    slot: 0,
    title: |d, n| match sound(d, n) {
        Some(s) => format!("Sound card {}: {}", n + 1, s.model),
        None => format!("Sound card {}", n + 1),
    },
    fields: &SOUND_FIELDS,
    note: |_, _| None,
    kept: never_kept,
};

pub(crate) static AUDIO_FIELDS: [Field; 2] = [
    Field {
        label: "Audio id",
        at: At::Rel("/@id"),
        control: Control::Number(Some(1), None),
        help: "The number a sound card's <audio id> refers to; libvirt numbers from 1.",
        since: "7.2.0",
        ..FIELD
    },
    Field {
        label: "Audio backend",
        at: At::Rel("/@type"),
        control: Control::Select(AUDIO_TYPES),
        help: "Where the guest's sound goes on the host: to the SPICE client, PulseAudio, a file, or nowhere.",
        since: "7.2.0",
        ..FIELD
    },
];

pub(crate) static AUDIO_KIND: DeviceKind = DeviceKind {
    name: "audio",
    what: "audio backend",
    slot: 0,
    title: |d, n| match audio(d, n) {
        Some(a) => format!("Audio backend {}: {}", n + 1, a.audio_type),
        None => format!("Audio backend {}", n + 1),
    },
    fields: &AUDIO_FIELDS,
    note: |_, _| None,
    kept: never_kept,
};

pub(super) static ADD_VIDEO: [Add; 1] = [Add {
    label: "Add video card",
    testid: "add-video",
    add: |d| {
        let x = new_video(d);
        d.devices_mut().add(Device::Video(x));
    },
}];

pub(super) static ADD_SOUND: [Add; 1] = [Add {
    label: "Add sound card",
    testid: "add-sound",
    add: |d| {
        d.devices_mut()
            .add(Device::Sound(Sound::new(SoundModel::Ich9)));
    },
}];

pub(super) static ADD_AUDIO: [Add; 1] = [Add {
    label: "Add audio backend",
    testid: "add-audio",
    add: |d| {
        let x = new_audio(d);
        d.devices_mut().add(Device::Audio(x));
    },
}];

/// A virtio card; the first one is primary.
pub(super) fn new_video(d: &Domain) -> Video {
    let mut m = VideoModel::new(VideoModelType::Virtio);
    if device_count(d, "video") > 0 {
        m.model_type = VideoModelType::Vga;
    }
    Video::new(Some(m))
}

/// A backend that discards sound, under the first unused id.
pub(super) fn new_audio(d: &Domain) -> Audio {
    let used: Vec<u32> = (0..device_count(d, "audio"))
        .filter_map(|n| audio(d, n)?.id)
        .collect();
    Audio::new(Some(first_free(&used, 1)), AudioType::None)
}

#[component]
pub fn Display() -> impl IntoView {
    view! {
        <Group title="Graphical framebuffers" intro="A graphics device lets you interact with the guest's screen. A guest typically has a framebuffer or a text console.">
            <DeviceList kind=&GRAPHICS_KIND adds=&ADD_GRAPHICS />
        </Group>
        <Group title="Input devices" intro="With a framebuffer the guest gets a mouse and keyboard anyway; add a tablet for a cursor that follows the viewer's pointer exactly.">
            <DeviceList kind=&INPUT_KIND adds=&ADD_INPUT />
        </Group>
        <Group title="Video cards" intro="The graphics card the guest draws its screen with; a framebuffer above shows it.">
            <DeviceList kind=&VIDEO_KIND adds=&ADD_VIDEO />
        </Group>
        <Group title="Sound" intro="An emulated sound card, and the audio backends on the host its sound goes to.">
            <DeviceList kind=&SOUND_KIND adds=&ADD_SOUND />
            <DeviceList kind=&AUDIO_KIND adds=&ADD_AUDIO />
        </Group>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wizard::test_support::problems_said as problems;

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

    #[test]
    fn video_sound_audio_choices_are_cores() {
        fn values(o: &crate::form::Choices) -> Vec<&'static str> {
            o.values().collect()
        }
        assert_eq!(values(&VIDEO_MODELS), VideoModelType::known());
        assert_eq!(values(&SOUND_MODELS), SoundModel::known());
        assert_eq!(values(&AUDIO_TYPES), AudioType::known());
    }

    #[test]
    fn added_audio_backends_get_their_own_ids() {
        let mut d = Domain::default();
        for _ in 0..3 {
            (ADD_AUDIO[0].add)(&mut d);
        }
        let ids: Vec<Option<u32>> = (0..3).map(|n| audio(&d, n).and_then(|a| a.id)).collect();
        assert_eq!(ids, [Some(1), Some(2), Some(3)]);
        assert_eq!(problems(&d), Vec::<String>::new());
    }
}
