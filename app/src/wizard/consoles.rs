//! Consoles, serial and parallel ports: character devices (`<serial>`, `<console>`,
//! `<parallel>`), where each one's data goes on the host, and the channels vmxml keeps as
//! written.

use leptos::prelude::*;
use vmxml_core::devices::chardev::{
    CharDevice, CharKind, CharProtocol, CharSource, SourceMode, UdpEndpoint, CONSOLE_TARGET_TYPES,
    SERIAL_TARGET_TYPES,
};
use vmxml_core::devices::Device;
use vmxml_core::node::Extra;
use vmxml_core::os::OsKind;
use vmxml_core::{Domain, DomainType};

use super::Group;
use crate::fields::{
    device_at, device_at_mut, device_count, device_path, CardHead, CardMessages, KeptDevices,
    NumberField, SelectField, TextField,
};
use crate::state::{use_studio, Studio};

const COVERED: &[&str] = &[
    "/@type",
    "/@tty",
    "/source/@path",
    "/source/@mode",
    "/source/@host",
    "/source/@service",
    "/source[1]/@mode",
    "/source[1]/@host",
    "/source[1]/@service",
    "/source[2]/@mode",
    "/source[2]/@host",
    "/source[2]/@service",
    "/protocol/@type",
    "/target/@port",
    "/target/@type",
];

const TYPES: [(&str, &str); 9] = [
    ("pty", "pty: a pseudo TTY"),
    ("file", "file: output to a file"),
    ("dev", "dev: a host device"),
    ("tcp", "tcp: TCP client or server"),
    ("udp", "udp: UDP netconsole"),
    ("unix", "unix: UNIX socket"),
    ("stdio", "stdio: the domain's log"),
    ("vc", "vc: virtual console"),
    ("null", "null: discarded"),
];

const MODES: [(&str, &str); 3] = [
    ("", "(not set: connect)"),
    ("bind", "bind: listen (server)"),
    ("connect", "connect: dial out (client)"),
];

const PROTOCOLS: [(&str, &str); 5] = [
    ("", "(not set: raw)"),
    ("raw", "raw"),
    ("telnet", "telnet"),
    ("telnets", "telnets: secure telnet"),
    ("tls", "tls"),
];

/// The first TCP port new tcp char devices get, as in the spec's examples' neighbourhood.
const BASE_SERVICE: u32 = 4555;

fn chardev<'a>(d: &'a Domain, name: &str, n: usize) -> Option<&'a CharDevice> {
    match device_at(d, name, n) {
        Some(Device::Char(x)) => Some(x),
        _ => None,
    }
}

fn chardev_mut<'a>(d: &'a mut Domain, name: &str, n: usize) -> Option<&'a mut CharDevice> {
    match device_at_mut(d, name, n) {
        Some(Device::Char(x)) => Some(x),
        _ => None,
    }
}

fn all_chars(d: &Domain) -> impl Iterator<Item = &CharDevice> {
    d.devices
        .iter()
        .flat_map(|x| x.list.iter())
        .filter_map(|dev| match dev {
            Device::Char(c) => Some(c),
            _ => None,
        })
}

fn guest_name(d: &Domain) -> String {
    let name: String = d
        .name
        .as_deref()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if name.is_empty() || name.starts_with('.') {
        "guest".to_string()
    } else {
        name
    }
}

/// The first TCP port from 4555 no char device of the design uses yet.
fn free_service(d: &Domain) -> String {
    let used: Vec<String> = all_chars(d)
        .flat_map(|c| match &c.source {
            CharSource::Tcp { service, .. } => vec![service.clone()],
            CharSource::Udp { bind, connect, .. } => bind
                .iter()
                .chain(connect.iter())
                .map(|e| e.service.clone())
                .collect(),
            _ => Vec::new(),
        })
        .flatten()
        .collect();
    (BASE_SERVICE..65535)
        .map(|p| p.to_string())
        .find(|p| !used.contains(p))
        .unwrap_or_else(|| BASE_SERVICE.to_string())
}

fn is_xen_pv(d: &Domain) -> bool {
    matches!(d.domain_type, DomainType::Xen)
        && d.os
            .as_ref()
            .and_then(|o| o.os_type.as_ref())
            .is_some_and(|t| matches!(t.kind, OsKind::Linux | OsKind::Xen | OsKind::Xenpvh))
}

/// What the add buttons add: a pty (reached with `virsh console`) on the next free target
/// port. A console is the guest's first serial port when it has no serial console yet, and a
/// virtio console after that (libvirt allows one serial console); Xen paravirtualized guests
/// and containers get their own console type.
pub(super) fn new_char(d: &Domain, kind: CharKind) -> CharDevice {
    let mut c = CharDevice::new(
        kind.clone(),
        CharSource::Pty {
            path: None,
            extra: Extra::default(),
        },
    );
    let same_kind = || all_chars(d).filter(|x| x.kind == kind);
    match kind {
        CharKind::Console => {
            let (target, port) = if is_xen_pv(d) {
                ("xen", None)
            } else {
                match d.domain_type {
                    DomainType::Lxc => ("lxc", None),
                    DomainType::Openvz => ("openvz", None),
                    _ if same_kind()
                        .any(|x| matches!(x.target_type.as_deref(), None | Some("serial"))) =>
                    {
                        ("virtio", None)
                    }
                    _ => ("serial", Some(0)),
                }
            };
            c.target_type = Some(target.to_string());
            c.target_port = port;
        }
        _ => {
            let used: Vec<u32> = same_kind().filter_map(|x| x.target_port).collect();
            c.target_port = (0..).find(|p| !used.contains(p));
        }
    }
    c
}

/// Changes a char device's type, carrying what fits the new type: a host path between file,
/// dev and unix, the mode between tcp and unix, host and service between tcp and udp (its
/// connect end). A required value with nothing to carry starts as a working example. A type
/// vmxml keeps as written is never changed.
pub(super) fn set_char_type(d: &mut Domain, name: &str, n: usize, t: &str) {
    let guest = guest_name(d);
    let service = free_service(d);
    let Some(c) = chardev_mut(d, name, n) else {
        return;
    };
    if matches!(c.source, CharSource::Other { .. }) || c.source.type_name() == t {
        return;
    }
    let old = std::mem::replace(&mut c.source, CharSource::Null);
    let (path, path_extra) = match &old {
        CharSource::File { path, extra }
        | CharSource::Dev { path, extra }
        | CharSource::Unix { path, extra, .. } => (path.clone(), extra.clone()),
        _ => (None, Extra::default()),
    };
    let mode = match &old {
        CharSource::Tcp { mode, .. } | CharSource::Unix { mode, .. } => mode.clone(),
        _ => None,
    };
    let (host, port) = match &old {
        CharSource::Tcp { host, service, .. } => (host.clone(), service.clone()),
        CharSource::Udp {
            connect: Some(e), ..
        } => (e.host.clone(), e.service.clone()),
        _ => (None, None),
    };
    let host = host.or_else(|| Some("127.0.0.1".to_string()));
    let port = port.or(Some(service));
    let stem = format!("{guest}-{name}{n}");
    c.type_omitted = false;
    c.source = match t {
        "pty" => CharSource::Pty {
            path: None,
            extra: Extra::default(),
        },
        "file" => CharSource::File {
            path: path.or_else(|| Some(format!("/var/log/libvirt/qemu/{stem}.log"))),
            extra: path_extra,
        },
        "dev" => CharSource::Dev {
            path: path.or_else(|| {
                Some(
                    if name == "parallel" {
                        "/dev/parport0"
                    } else {
                        "/dev/ttyS0"
                    }
                    .to_string(),
                )
            }),
            extra: path_extra,
        },
        "unix" => CharSource::Unix {
            mode: mode.or(Some(SourceMode::Bind)),
            path: path.or_else(|| Some(format!("/var/lib/libvirt/qemu/{stem}.sock"))),
            extra: path_extra,
        },
        "tcp" => CharSource::Tcp {
            mode: mode.or(Some(SourceMode::Bind)),
            host,
            service: port,
            protocol: Some(CharProtocol::Telnet),
            extra: Extra::default(),
        },
        "udp" => CharSource::Udp {
            bind: None,
            connect: Some(UdpEndpoint {
                host,
                service: port,
                extra: Extra::default(),
            }),
            connect_mode_omitted: false,
        },
        "stdio" => CharSource::Stdio,
        "vc" => CharSource::Vc,
        _ => CharSource::Null,
    };
}

fn label_of(name: &str) -> &'static str {
    match name {
        "serial" => "Serial port",
        "parallel" => "Parallel port",
        _ => "Console",
    }
}

/// "Serial port 1: tcp 127.0.0.1:4555", "Console 1: pty (serial)".
fn title(c: &CharDevice, name: &str, n: usize) -> String {
    let source = match &c.source {
        CharSource::Tcp { host, service, .. } => format!(
            "tcp {}:{}",
            host.as_deref().unwrap_or(""),
            service.as_deref().unwrap_or("")
        ),
        CharSource::Udp {
            connect: Some(e), ..
        } => format!(
            "udp {}:{}",
            e.host.as_deref().unwrap_or(""),
            e.service.as_deref().unwrap_or("")
        ),
        CharSource::File { path: Some(p), .. }
        | CharSource::Dev { path: Some(p), .. }
        | CharSource::Unix { path: Some(p), .. } => format!("{} {p}", c.source.type_name()),
        other => other.type_name().to_string(),
    };
    let target = match (&c.target_type, name) {
        (Some(t), "console") => format!(" ({t})"),
        _ => String::new(),
    };
    format!("{} {}: {source}{target}", label_of(name), n + 1)
}

#[derive(Clone, Copy)]
struct Char {
    studio: Studio,
    name: &'static str,
    n: usize,
}

impl Char {
    fn read<T: Default>(self, f: impl FnOnce(&CharDevice) -> T) -> T {
        self.studio
            .domain
            .with(|d| chardev(d, self.name, self.n).map(f).unwrap_or_default())
    }

    fn edit(self, f: impl FnOnce(&mut CharDevice)) {
        self.studio.edit(|d| {
            if let Some(x) = chardev_mut(d, self.name, self.n) {
                f(x)
            }
        })
    }

    /// An optional text value; empty text means "not set".
    fn text(
        self,
        get: fn(&CharDevice) -> Option<String>,
        set: fn(&mut CharDevice, Option<String>),
    ) -> (Signal<String>, Callback<String>) {
        let value = Signal::derive(move || self.read(get).unwrap_or_default());
        let on =
            Callback::new(move |v: String| self.edit(|x| set(x, (!v.is_empty()).then_some(v))));
        (value, on)
    }
}

fn source_path(c: &CharDevice) -> Option<String> {
    c.source.path().map(str::to_string)
}

fn set_source_path(c: &mut CharDevice, v: Option<String>) {
    match &mut c.source {
        CharSource::Pty { path, .. }
        | CharSource::File { path, .. }
        | CharSource::Dev { path, .. }
        | CharSource::Unix { path, .. } => *path = v,
        _ => {}
    }
}

fn mode_of(c: &CharDevice) -> Option<String> {
    match &c.source {
        CharSource::Tcp { mode, .. } | CharSource::Unix { mode, .. } => {
            mode.as_ref().map(|m| m.as_str().to_string())
        }
        _ => None,
    }
}

fn set_mode(c: &mut CharDevice, v: Option<String>) {
    if let CharSource::Tcp { mode, .. } | CharSource::Unix { mode, .. } = &mut c.source {
        *mode = v.map(|v| SourceMode::parse(&v));
    }
}

/// Which end of a UDP device: the one it listens on (`bind`) or sends to (`connect`).
fn udp_end(c: &CharDevice, bind_end: bool) -> Option<&UdpEndpoint> {
    match &c.source {
        CharSource::Udp { bind, connect, .. } => {
            if bind_end {
                bind.as_ref()
            } else {
                connect.as_ref()
            }
        }
        _ => None,
    }
}

/// Edits one end of a UDP device; an end left with nothing in it is dropped.
fn edit_udp_end(c: &mut CharDevice, bind_end: bool, f: impl FnOnce(&mut UdpEndpoint)) {
    if let CharSource::Udp { bind, connect, .. } = &mut c.source {
        let slot = if bind_end { bind } else { connect };
        let e = slot.get_or_insert_with(UdpEndpoint::default);
        f(e);
        if e.host.is_none() && e.service.is_none() && e.extra.is_empty() {
            *slot = None;
        }
    }
}

/// A port: a number input, unless the value is a service name (kept as written and shown as
/// text).
#[component]
fn ServiceField(
    label: &'static str,
    path: Signal<String>,
    value: Signal<String>,
    on_input: Callback<String>,
    help: &'static str,
) -> impl IntoView {
    let numeric = Memo::new(move |_| value.with(|v| v.is_empty() || v.parse::<u32>().is_ok()));
    move || {
        if numeric.get() {
            view! {
                <NumberField
                    label
                    path
                    value=Signal::derive(move || value.with(|v| v.parse::<i64>().ok()))
                    on_input=Callback::new(move |v: Option<i64>| on_input.run(v.map(|v| v.to_string()).unwrap_or_default()))
                    help
                    min=Some(1)
                    max=Some(65535)
                />
            }
            .into_any()
        } else {
            view! { <TextField label path value on_input help /> }.into_any()
        }
    }
}

/// The fields of the source, as the type needs them.
#[component]
fn SourceFields(
    c: Char,
    kind: Memo<String>,
    at: Callback<&'static str, Signal<String>>,
) -> impl IntoView {
    move || {
        let (path, set_path) = c.text(source_path, set_source_path);
        let (mode, set_mode) = c.text(mode_of, set_mode);
        match kind.get().as_str() {
            "pty" => {
                let tty = (c.name == "console").then(|| {
                    let (tty, set_tty) = c.text(|x| x.tty.clone(), |x, v| x.tty = v);
                    view! {
                        <TextField label="TTY (runtime)" path=at.run("/@tty") value=tty on_input=set_tty placeholder="/dev/pts/4"
                            help="The same pty, as the 2008 console syntax wrote it on <console>. libvirt fills it in for a running guest: leave it empty." />
                    }
                });
                view! {
                    <TextField label="PTY path (runtime)" path=at.run("/source/@path") value=path on_input=set_path placeholder="/dev/pts/N, allocated by libvirt"
                        help="A pseudo TTY is allocated from /dev/ptmx; connect with virsh console. libvirt fills in the path for a running guest: leave it empty." />
                    {tty}
                }
                .into_any()
            }
            "file" => view! {
                <TextField label="File" path=at.run("/source/@path") value=path on_input=set_path placeholder="/var/log/vm/vm-serial.log"
                    help="A file on the host that receives everything the guest writes to the device." />
            }
            .into_any(),
            "dev" => view! {
                <TextField label="Host device" path=at.run("/source/@path") value=path on_input=set_path placeholder="/dev/ttyS0"
                    help="A host character device to pass through. The kinds must match: connect a serial port to a host serial port, not to a parallel port." />
            }
            .into_any(),
            "unix" => view! {
                <SelectField label="Mode" path=at.run("/source/@mode") options=MODES.to_vec() value=mode on_change=set_mode
                    help="bind: be the socket's server and wait for local clients; connect: connect to a server." />
                <TextField label="Socket" path=at.run("/source/@path") value=path on_input=set_path placeholder="/tmp/foo"
                    help="The path of the UNIX domain socket on the host." />
            }
            .into_any(),
            "tcp" => {
                let (host, set_host) = c.text(
                    |x| match &x.source {
                        CharSource::Tcp { host, .. } => host.clone(),
                        _ => None,
                    },
                    |x, v| {
                        if let CharSource::Tcp { host, .. } = &mut x.source {
                            *host = v
                        }
                    },
                );
                let (service, set_service) = c.text(
                    |x| match &x.source {
                        CharSource::Tcp { service, .. } => service.clone(),
                        _ => None,
                    },
                    |x, v| {
                        if let CharSource::Tcp { service, .. } = &mut x.source {
                            *service = v
                        }
                    },
                );
                let (protocol, set_protocol) = c.text(
                    |x| match &x.source {
                        CharSource::Tcp { protocol, .. } => {
                            protocol.as_ref().map(|p| p.as_str().to_string())
                        }
                        _ => None,
                    },
                    |x, v| {
                        if let CharSource::Tcp { protocol, .. } = &mut x.source {
                            *protocol = v.map(|v| CharProtocol::parse(&v))
                        }
                    },
                );
                view! {
                    <SelectField label="Mode" path=at.run("/source/@mode") options=MODES.to_vec() value=mode on_change=set_mode
                        help="bind: a server waiting for a client connection; connect: a client connecting to a remote server." />
                    <TextField label="Host" path=at.run("/source/@host") value=host on_input=set_host placeholder="127.0.0.1"
                        help="The address to listen on (bind) or connect to." />
                    <ServiceField label="Port" path=at.run("/source/@service") value=service on_input=set_service
                        help="The TCP port (service) to listen on or connect to." />
                    <SelectField label="Protocol" path=at.run("/protocol/@type") options=PROTOCOLS.to_vec() value=protocol on_change=set_protocol
                        help="What is spoken over the connection: raw TCP or telnet; telnets and tls since 0.8.5. The 2008 format wrote <wiremode>; vmxml writes <protocol>." />
                }
                .into_any()
            }
            "udp" => udp_fields(c, at).into_any(),
            "stdio" => view! { <p class="group__intro">"No input; output goes to the domain's log file."</p> }.into_any(),
            "vc" => view! { <p class="group__intro">"A virtual console on the graphical framebuffer, reached with a hotkey such as ctrl+alt+3."</p> }.into_any(),
            "null" => view! { <p class="group__intro">"Connected to the void: no input ever comes, output is discarded."</p> }.into_any(),
            _ => ().into_any(),
        }
    }
}

/// The two ends of a UDP netconsole. Their paths follow the document: `source[1]` is the bind
/// end when both are there.
fn udp_fields(c: Char, at: Callback<&'static str, Signal<String>>) -> impl IntoView {
    let both =
        Memo::new(move |_| c.read(|x| udp_end(x, true).is_some() && udp_end(x, false).is_some()));
    let path = move |bind_end: bool, attr: &'static str| {
        let base = at.run("");
        Signal::derive(move || {
            let step = match (both.get(), bind_end) {
                (true, true) => "source[1]",
                (true, false) => "source[2]",
                _ => "source",
            };
            format!("{}/{step}/@{attr}", base.get())
        })
    };
    let field = move |bind_end: bool, host: bool| {
        let value = Signal::derive(move || {
            c.read(|x| {
                udp_end(x, bind_end)
                    .and_then(|e| {
                        if host {
                            e.host.clone()
                        } else {
                            e.service.clone()
                        }
                    })
                    .unwrap_or_default()
            })
        });
        let on = Callback::new(move |v: String| {
            c.edit(|x| {
                edit_udp_end(x, bind_end, |e| {
                    let v = (!v.is_empty()).then_some(v);
                    if host {
                        e.host = v
                    } else {
                        e.service = v
                    }
                })
            })
        });
        (value, on)
    };
    let (send_host, set_send_host) = field(false, true);
    let (send_port, set_send_port) = field(false, false);
    let (listen_host, set_listen_host) = field(true, true);
    let (listen_port, set_listen_port) = field(true, false);
    view! {
        <TextField label="Send to host" path=path(false, "host") value=send_host on_input=set_send_host placeholder="127.0.0.1"
            help="Where the device sends its packets (the connect end). Lossy, as UDP is." />
        <ServiceField label="Send to port" path=path(false, "service") value=send_port on_input=set_send_port
            help="The UDP port packets are sent to; required." />
        <TextField label="Listen on host" path=path(true, "host") value=listen_host on_input=set_listen_host placeholder="0.0.0.0"
            help="The address the device receives packets on (the bind end); optional." />
        <ServiceField label="Listen on port" path=path(true, "service") value=listen_port on_input=set_listen_port
            help="The UDP port the device receives packets on." />
    }
}

/// The target types a select offers for a kind of char device, with its help and version.
fn target_types(
    name: &str,
) -> (
    Vec<(&'static str, &'static str)>,
    &'static str,
    &'static str,
) {
    let options = |types: &[&'static str]| {
        std::iter::once(("", "(chosen by libvirt)"))
            .chain(types.iter().map(|t| (*t, *t)))
            .collect()
    };
    match name {
        "serial" => (
            options(SERIAL_TARGET_TYPES),
            "The device the guest sees: isa-serial on x86, usb-serial or pci-serial anywhere those buses are. Empty: libvirt picks a suitable one.",
            "1.0.2",
        ),
        "console" => (
            options(CONSOLE_TARGET_TYPES),
            "serial: the guest's first serial port (one such console per guest); virtio: a paravirtualized console, /dev/hvc0 in the guest; xen, lxc, openvz: that hypervisor's own.",
            "0.8.3",
        ),
        _ => (
            vec![("", "(none)")],
            "libvirt ignores a target type on a parallel port.",
            "",
        ),
    }
}

#[component]
fn CharCard(name: &'static str, n: usize, count: Signal<usize>) -> impl IntoView {
    let studio = use_studio();
    let c = Char { studio, name, n };
    let base = Signal::derive(move || device_path(name, n, count.get()));
    let at = Callback::new(move |suffix: &'static str| {
        Signal::derive(move || format!("{}{suffix}", base.get()))
    });
    let kind = Memo::new(move |_| c.read(|x| x.source.type_name().to_string()));
    let heading = Signal::derive(move || c.read(|x| title(x, name, n)));
    let type_field = move || {
        let t = kind.get();
        if TYPES.iter().any(|(v, _)| *v == t) {
            view! {
                <SelectField
                    label="Type"
                    path=at.run("/@type")
                    options=TYPES.to_vec()
                    value=Signal::derive(move || kind.get())
                    on_change=Callback::new(move |v: String| studio.edit(|d| set_char_type(d, name, n, &v)))
                    help="Where the device's data goes on the host."
                />
            }
            .into_any()
        } else {
            view! {
                <p class="kept">{format!("Type '{t}' is kept as is: vmxml models pty, file, dev, tcp, udp, unix, stdio, vc and null, so this device's source is written back exactly as it was.")}</p>
                <CardMessages path=at.run("/@type") covered=&[] />
            }
            .into_any()
        }
    };
    let (target_type, set_target_type) =
        c.text(|x| x.target_type.clone(), |x, v| x.target_type = v);
    // A parallel port has one kind of target: shown only to clear a type kept from a document.
    let show_target_type =
        Memo::new(move |_| name != "parallel" || c.read(|x| x.target_type.is_some()));
    let target_type_field = move || {
        show_target_type.get().then(|| {
            let (options, help, since) = target_types(name);
            view! {
                <SelectField label="Target type" path=at.run("/target/@type") options value=target_type on_change=set_target_type help since />
            }
        })
    };
    view! {
        <article class="card" data-testid=format!("{name}-card") data-path=move || base.get()>
            <CardHead name what=label_of(name) n count title=heading />
            {type_field}
            <SourceFields c kind at />
            {target_type_field}
            <NumberField
                label="Target port"
                path=at.run("/target/@port")
                value=Signal::derive(move || c.read(|x| x.target_port.map(i64::from)))
                on_input=Callback::new(move |v: Option<i64>| c.edit(|x| {
                    x.target_port = v.map(|v| u32::try_from(v.max(0)).unwrap_or(u32::MAX));
                    // A number typed here replaces a port kept as written.
                    x.target_extra.remove_attr("port");
                }))
                help="The guest device's port number, counted from 0 today (the 2008 format counted from 1). Usually there is one console and up to 2 serial or parallel ports. Empty: libvirt numbers it."
                min=Some(0)
            />
            <CardMessages path=base covered=COVERED />
        </article>
    }
}

/// One list of char devices, with its add button.
#[component]
fn CharList(name: &'static str, add_label: &'static str) -> impl IntoView {
    let studio = use_studio();
    let count = Memo::new(move |_| studio.domain.with(|d| device_count(d, name)));
    let indices = move || (0..count.get()).collect::<Vec<usize>>();
    let add = move |_| {
        studio.edit(|d| {
            let x = new_char(d, CharKind::parse(name));
            d.devices_mut().add(Device::Char(x));
        })
    };
    view! {
        <For each=indices key=|i| *i let:i>
            <CharCard name n=i count=count.into() />
        </For>
        <div class="actions">
            <button type="button" class="button button--secondary" data-testid=format!("add-{name}") on:click=add>{add_label}</button>
        </div>
    }
}

#[component]
pub fn Consoles() -> impl IntoView {
    let studio = use_studio();
    let kept = Memo::new(move |_| studio.domain.with(|d| device_count(d, "channel") > 0));
    view! {
        <p class="group__intro">"Consoles, serial ports and parallel ports are all character devices: the guest sees a port, and its data goes somewhere on the host."</p>
        <Group title="Serial ports">
            <CharList name="serial" add_label="Add serial port" />
        </Group>
        <Group title="Consoles" intro="The primary console: the paravirtualized console of a Xen guest, or a copy of the first serial port of a fully virtualized one.">
            <CharList name="console" add_label="Add console" />
        </Group>
        <Group title="Parallel ports">
            <CharList name="parallel" add_label="Add parallel port" />
        </Group>
        {move || kept.get().then(|| view! {
            <Group title="Kept as is" intro="Channels vmxml does not model. They stay in the design unchanged.">
                <KeptDevices name="channel" label="Channel" />
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

    fn add(d: &mut Domain, kind: CharKind) {
        let c = new_char(d, kind);
        d.devices_mut().add(Device::Char(c));
    }

    #[test]
    fn added_char_devices_are_valid() {
        let mut d = Domain::default();
        for kind in [CharKind::Serial, CharKind::Console, CharKind::Parallel] {
            add(&mut d, kind.clone());
            add(&mut d, kind);
        }
        let ports: Vec<(String, Option<String>, Option<u32>)> = all_chars(&d)
            .map(|c| (c.kind.to_string(), c.target_type.clone(), c.target_port))
            .collect();
        assert_eq!(
            ports,
            [
                ("serial".to_string(), None, Some(0)),
                ("serial".to_string(), None, Some(1)),
                ("console".to_string(), Some("serial".to_string()), Some(0)),
                ("console".to_string(), Some("virtio".to_string()), None),
                ("parallel".to_string(), None, Some(0)),
                ("parallel".to_string(), None, Some(1)),
            ]
        );
        assert_eq!(problems(&d), Vec::<String>::new());
    }

    #[test]
    fn every_type_is_valid_after_a_switch() {
        for name in ["serial", "console", "parallel"] {
            for (t, _) in TYPES {
                let mut d = Domain::default();
                add(&mut d, CharKind::parse(name));
                set_char_type(&mut d, name, 0, t);
                assert_eq!(chardev(&d, name, 0).map(|c| c.source.type_name()), Some(t));
                assert_eq!(problems(&d), Vec::<String>::new(), "{name} {t}");
            }
        }
    }

    #[test]
    fn switches_carry_what_fits() {
        let mut d = Domain::default();
        add(&mut d, CharKind::Serial);
        set_char_type(&mut d, "serial", 0, "tcp");
        if let Some(c) = chardev_mut(&mut d, "serial", 0) {
            if let CharSource::Tcp { host, .. } = &mut c.source {
                *host = Some("0.0.0.0".into());
            }
        }
        set_char_type(&mut d, "serial", 0, "udp");
        let c = chardev(&d, "serial", 0).cloned();
        let connect = c.as_ref().and_then(|c| udp_end(c, false).cloned());
        assert_eq!(
            connect.as_ref().and_then(|e| e.host.as_deref()),
            Some("0.0.0.0")
        );
        assert_eq!(
            connect.as_ref().and_then(|e| e.service.as_deref()),
            Some("4555")
        );
        set_char_type(&mut d, "serial", 0, "file");
        set_char_type(&mut d, "serial", 0, "unix");
        assert_eq!(
            chardev(&d, "serial", 0).and_then(|c| c.source.path()),
            Some("/var/log/libvirt/qemu/guest-serial0.log")
        );
        assert_eq!(
            chardev(&d, "serial", 0).map(|c| c.target_port),
            Some(Some(0))
        );
        // Adding a bind end to a udp device keeps both valid.
        set_char_type(&mut d, "serial", 0, "udp");
        if let Some(c) = chardev_mut(&mut d, "serial", 0) {
            edit_udp_end(c, true, |e| e.service = Some("6667".into()));
        }
        assert_eq!(problems(&d), Vec::<String>::new());
    }
}
