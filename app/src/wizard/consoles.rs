//! Consoles, serial and parallel ports and channels: character devices (`<serial>`,
//! `<console>`, `<parallel>`, `<channel>`), where each one's data goes on the host.

use leptos::prelude::*;
use vmxml_core::devices::chardev::{
    CharDevice, CharKind, CharProtocol, CharSource, SourceMode, UdpEndpoint, GUEST_AGENT_CHANNEL,
    SPICE_AGENT_CHANNEL,
};
use vmxml_core::devices::Device;
use vmxml_core::node::Extra;
use vmxml_core::os::OsKind;
use vmxml_core::{Domain, DomainType};

use super::Group;
use crate::choices;
use crate::fields::{device_at, device_at_mut};
use crate::form::{never_kept, Add, At, Choices, Control, DeviceKind, DeviceList, Field, FIELD};

const TYPES: Choices = choices![
    "pty" => "pty: a pseudo TTY",
    "file" => "file: output to a file",
    "dev" => "dev: a host device",
    "tcp" => "tcp: TCP client or server",
    "udp" => "udp: UDP netconsole",
    "unix" => "unix: UNIX socket",
    "stdio" => "stdio: the domain's log",
    "vc" => "vc: virtual console",
    "null" => "null: discarded",
];

/// What a channel's data goes through: the types guest agents use, and a pty.
const CHANNEL_TYPES: Choices = choices![
    "unix" => "unix: a UNIX socket (the QEMU guest agent)",
    "spicevmc" => "spicevmc: through the SPICE connection",
    "pty" => "pty: a pseudo TTY",
    "tcp" => "tcp: TCP client or server",
];

const MODES: Choices = choices![
    "" => "(not set: connect)",
    "bind" => "bind: listen (server)",
    "connect" => "connect: dial out (client)",
];

const PROTOCOLS: Choices = choices![
    "" => "(not set: raw)",
    "raw" => "raw",
    "telnet" => "telnet",
    "telnets" => "telnets: secure telnet",
    "tls" => "tls",
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
        "spicevmc" => CharSource::SpiceVmc,
        _ => CharSource::Null,
    };
}

fn label_of(name: &str) -> &'static str {
    match name {
        "serial" => "Serial port",
        "parallel" => "Parallel port",
        "channel" => "Channel",
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
        (_, "channel") => match c.target_name.as_deref() {
            Some(GUEST_AGENT_CHANNEL) => " (QEMU guest agent)".to_string(),
            Some(SPICE_AGENT_CHANNEL) => " (SPICE agent)".to_string(),
            Some(other) => format!(" ({other})"),
            None => String::new(),
        },
        _ => String::new(),
    };
    format!("{} {}: {source}{target}", label_of(name), n + 1)
}

// The four kinds share one table of fields, so a field's index tells the kind apart: the
// card passes `n + KIND_STRIDE * k` for the k-th kind of `KINDS`.
const KINDS: [&str; 4] = ["serial", "console", "parallel", "channel"];
const KIND_STRIDE: usize = 1 << 24;

fn slot(n: usize) -> (&'static str, usize) {
    (KINDS[(n / KIND_STRIDE).min(3)], n % KIND_STRIDE)
}

fn char_at(d: &Domain, n: usize) -> Option<&CharDevice> {
    let (name, k) = slot(n);
    chardev(d, name, k)
}

fn edit(d: &mut Domain, n: usize, f: impl FnOnce(&mut CharDevice)) {
    let (name, k) = slot(n);
    if let Some(c) = chardev_mut(d, name, k) {
        f(c)
    }
}

fn type_is(d: &Domain, n: usize, types: &[&str]) -> bool {
    char_at(d, n).is_some_and(|c| types.contains(&c.source.type_name()))
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

fn tcp_value(d: &Domain, n: usize, pick: fn(&CharSource) -> Option<String>) -> Option<String> {
    char_at(d, n).and_then(|c| pick(&c.source))
}

fn edit_tcp(
    d: &mut Domain,
    n: usize,
    f: impl FnOnce(&mut Option<String>, &mut Option<String>, &mut Option<CharProtocol>),
) {
    edit(d, n, |c| {
        if let CharSource::Tcp {
            host,
            service,
            protocol,
            ..
        } = &mut c.source
        {
            f(host, service, protocol)
        }
    })
}

/// Where one end of a UDP device is written: `source[1]` is the bind end when both are there.
fn udp_path(d: &Domain, n: usize, bind_end: bool, attr: &str) -> String {
    let both =
        char_at(d, n).is_some_and(|c| udp_end(c, true).is_some() && udp_end(c, false).is_some());
    let step = match (both, bind_end) {
        (true, true) => "source[1]",
        (true, false) => "source[2]",
        _ => "source",
    };
    format!("/{step}/@{attr}")
}

fn udp_value(d: &Domain, n: usize, bind_end: bool, host: bool) -> Option<String> {
    let e = udp_end(char_at(d, n)?, bind_end)?;
    if host {
        e.host.clone()
    } else {
        e.service.clone()
    }
}

fn set_udp_value(d: &mut Domain, n: usize, bind_end: bool, host: bool, v: Option<String>) {
    edit(d, n, |c| {
        edit_udp_end(
            c,
            bind_end,
            |e| {
                if host {
                    e.host = v
                } else {
                    e.service = v
                }
            },
        )
    })
}

/// The target types a select offers; a test keeps them equal to core's lists.
const SERIAL_TARGETS: Choices = choices![
    "" => "(chosen by libvirt)",
    "isa-serial" => "isa-serial",
    "usb-serial" => "usb-serial",
    "pci-serial" => "pci-serial",
    "spapr-vio-serial" => "spapr-vio-serial",
    "system-serial" => "system-serial",
    "sclp-serial" => "sclp-serial",
    "isa-debug" => "isa-debug",
];

const CHANNEL_TARGETS: Choices = choices![
    "" => "(not set)",
    "virtio" => "virtio: a named virtio-serial port",
    "guestfwd" => "guestfwd: a guest TCP address forwarded",
    "xen" => "xen",
];

const CHANNEL_NAMES: Choices = choices![
    "" => "(chosen by libvirt)",
    "org.qemu.guest_agent.0" => "org.qemu.guest_agent.0: QEMU guest agent",
    "com.redhat.spice.0" => "com.redhat.spice.0: SPICE agent",
];

const CONSOLE_TARGETS: Choices = choices![
    "" => "(chosen by libvirt)",
    "serial" => "serial",
    "virtio" => "virtio",
    "xen" => "xen",
    "uml" => "uml",
    "lxc" => "lxc",
    "openvz" => "openvz",
    "sclp" => "sclp",
    "sclplm" => "sclplm",
];

const PATH: Field = Field {
    at: At::Rel("/source/@path"),
    since: "≤ 0.4.5",
    get: Some(|d, n| char_at(d, n).and_then(source_path)),
    set: Some(|d, n, v| edit(d, n, |c| set_source_path(c, v))),
    ..FIELD
};

const MODE: Field = Field {
    label: "Mode",
    since: "≤ 0.4.5",
    at: At::Rel("/source/@mode"),
    control: Control::Select(MODES),
    get: Some(|d, n| char_at(d, n).and_then(mode_of)),
    set: Some(|d, n, v| edit(d, n, |c| set_mode(c, v))),
    ..FIELD
};

const TARGET_TYPE: Field = Field {
    label: "Target type",
    at: At::Rel("/target/@type"),
    ..FIELD
};

pub(crate) static FIELDS: [Field; 22] = [
    Field {
        label: "Type",
        at: At::Rel("/@type"),
        control: Control::Select(TYPES),
        get: Some(|d, n| char_at(d, n).map(|c| c.source.type_name().to_string())),
        set: Some(|d, n, v| {
            let (name, k) = slot(n);
            set_char_type(d, name, k, v.as_deref().unwrap_or("pty"))
        }),
        help: "Where the device's data goes on the host.",
        since: "≤ 0.4.5",
        show: Some(|d, n| slot(n).0 != "channel" && char_at(d, n).is_some_and(|c| TYPES.has(c.source.type_name()))),
    },
    Field {
        label: "Type",
        at: At::Rel("/@type"),
        control: Control::Select(CHANNEL_TYPES),
        get: Some(|d, n| char_at(d, n).map(|c| c.source.type_name().to_string())),
        set: Some(|d, n, v| {
            let (name, k) = slot(n);
            set_char_type(d, name, k, v.as_deref().unwrap_or("unix"))
        }),
        help: "How the channel reaches the host: the guest agent uses a unix socket that libvirt creates; SPICE's agent goes through the SPICE connection.",
        since: "0.7.5; spicevmc 0.8.8",
        show: Some(|d, n| slot(n).0 == "channel" && char_at(d, n).is_some_and(|c| CHANNEL_TYPES.has(c.source.type_name()))),
    },
    Field {
        label: "PTY path (runtime)",
        control: Control::Text("/dev/pts/N, allocated by libvirt"),
        help: "A pseudo TTY is allocated from /dev/ptmx; connect with virsh console. libvirt fills in the path for a running guest: leave it empty.",
        show: Some(|d, n| type_is(d, n, &["pty"])),
        ..PATH
    },
    Field {
        label: "TTY (runtime)",
        at: At::Rel("/@tty"),
        control: Control::Text("/dev/pts/4"),
        help: "The same pty, as the 2008 console syntax wrote it on <console>. libvirt fills it in for a running guest: leave it empty.",
        show: Some(|d, n| slot(n).0 == "console" && type_is(d, n, &["pty"])),
        since: "≤ 0.4.5",
        ..FIELD
    },
    Field {
        label: "File",
        control: Control::Text("/var/log/vm/vm-serial.log"),
        help: "A file on the host that receives everything the guest writes to the device.",
        show: Some(|d, n| type_is(d, n, &["file"])),
        ..PATH
    },
    Field {
        label: "Host device",
        control: Control::Text("/dev/ttyS0"),
        help: "A host character device to pass through. The kinds must match: connect a serial port to a host serial port, not to a parallel port.",
        show: Some(|d, n| type_is(d, n, &["dev"])),
        ..PATH
    },
    Field {
        help: "bind: be the socket's server and wait for local clients; connect: connect to a server.",
        show: Some(|d, n| type_is(d, n, &["unix"])),
        ..MODE
    },
    Field {
        label: "Socket",
        control: Control::Text("/tmp/foo"),
        help: "The path of the UNIX domain socket on the host.",
        show: Some(|d, n| type_is(d, n, &["unix"])),
        ..PATH
    },
    Field {
        help: "bind: a server waiting for a client connection; connect: a client connecting to a remote server.",
        show: Some(|d, n| type_is(d, n, &["tcp"])),
        ..MODE
    },
    Field {
        label: "Host",
        at: At::Rel("/source/@host"),
        control: Control::Text("127.0.0.1"),
        get: Some(|d, n| {
            tcp_value(d, n, |s| match s {
                CharSource::Tcp { host, .. } => host.clone(),
                _ => None,
            })
        }),
        set: Some(|d, n, v| edit_tcp(d, n, |host, _, _| *host = v)),
        help: "The address to listen on (bind) or connect to.",
        show: Some(|d, n| type_is(d, n, &["tcp"])),
        since: "≤ 0.4.5",
    },
    Field {
        label: "Port",
        at: At::Rel("/source/@service"),
        control: Control::Service,
        get: Some(|d, n| {
            tcp_value(d, n, |s| match s {
                CharSource::Tcp { service, .. } => service.clone(),
                _ => None,
            })
        }),
        set: Some(|d, n, v| edit_tcp(d, n, |_, service, _| *service = v)),
        help: "The TCP port (service) to listen on or connect to.",
        show: Some(|d, n| type_is(d, n, &["tcp"])),
        since: "≤ 0.4.5",
    },
    Field {
        label: "Protocol",
        at: At::Rel("/protocol/@type"),
        control: Control::Select(PROTOCOLS),
        help: "What is spoken over the connection: raw TCP or telnet; telnets and tls since 0.8.5. The 2008 format wrote <wiremode>; vmxml writes <protocol>.",
        show: Some(|d, n| type_is(d, n, &["tcp"])),
        since: "≤ 0.4.5 as wiremode; telnets, tls 0.8.5",
        ..FIELD
    },
    Field {
        label: "Send to host",
        at: At::Computed(|d, n| udp_path(d, n, false, "host")),
        control: Control::Text("127.0.0.1"),
        get: Some(|d, n| udp_value(d, n, false, true)),
        set: Some(|d, n, v| set_udp_value(d, n, false, true, v)),
        help: "Where the device sends its packets (the connect end). Lossy, as UDP is.",
        show: Some(|d, n| type_is(d, n, &["udp"])),
        since: "≤ 0.4.5",
    },
    Field {
        label: "Send to port",
        at: At::Computed(|d, n| udp_path(d, n, false, "service")),
        control: Control::Service,
        get: Some(|d, n| udp_value(d, n, false, false)),
        set: Some(|d, n, v| set_udp_value(d, n, false, false, v)),
        help: "The UDP port packets are sent to; required.",
        show: Some(|d, n| type_is(d, n, &["udp"])),
        since: "≤ 0.4.5",
    },
    Field {
        label: "Listen on host",
        at: At::Computed(|d, n| udp_path(d, n, true, "host")),
        control: Control::Text("0.0.0.0"),
        get: Some(|d, n| udp_value(d, n, true, true)),
        set: Some(|d, n, v| set_udp_value(d, n, true, true, v)),
        help: "The address the device receives packets on (the bind end); optional.",
        show: Some(|d, n| type_is(d, n, &["udp"])),
        since: "≤ 0.4.5",
    },
    Field {
        label: "Listen on port",
        at: At::Computed(|d, n| udp_path(d, n, true, "service")),
        control: Control::Service,
        get: Some(|d, n| udp_value(d, n, true, false)),
        set: Some(|d, n, v| set_udp_value(d, n, true, false, v)),
        help: "The UDP port the device receives packets on.",
        show: Some(|d, n| type_is(d, n, &["udp"])),
        since: "≤ 0.4.5",
    },
    Field {
        control: Control::Select(SERIAL_TARGETS),
        help: "The device the guest sees: isa-serial on x86, usb-serial or pci-serial anywhere those buses are. Empty: libvirt picks a suitable one.",
        since: "1.0.2",
        show: Some(|_, n| slot(n).0 == "serial"),
        ..TARGET_TYPE
    },
    Field {
        control: Control::Select(CONSOLE_TARGETS),
        help: "serial: the guest's first serial port (one such console per guest); virtio: a paravirtualized console, /dev/hvc0 in the guest; xen, lxc, openvz: that hypervisor's own.",
        since: "0.8.3",
        show: Some(|_, n| slot(n).0 == "console"),
        ..TARGET_TYPE
    },
    // A parallel port has one kind of target: shown only to clear a type kept from a document.
    Field {
        control: Control::Select(choices!["" => "(none)"]),
        help: "libvirt ignores a target type on a parallel port.",
        show: Some(|d, n| slot(n).0 == "parallel" && char_at(d, n).is_some_and(|c| c.target_type.is_some())),
        ..TARGET_TYPE
    },
    Field {
        control: Control::Select(CHANNEL_TARGETS),
        help: "virtio: a named port the guest opens (the guest agent, SPICE's agent); guestfwd: a TCP address inside the guest's user network forwarded to this device.",
        since: "0.7.5",
        show: Some(|_, n| slot(n).0 == "channel"),
        ..TARGET_TYPE
    },
    Field {
        label: "Channel name",
        at: At::Rel("/target/@name"),
        control: Control::Select(CHANNEL_NAMES),
        help: "The port name the guest looks for. The QEMU guest agent (qemu-guest-agent in the guest) lets virsh shut down, freeze filesystems and read IP addresses; SPICE's agent gives clipboard sharing and display resizing.",
        since: "0.7.5",
        show: Some(|d, n| slot(n).0 == "channel" && char_at(d, n).is_some_and(|c| c.target_type.as_deref() == Some("virtio"))),
        ..FIELD
    },
    Field {
        label: "Target port",
        at: At::Rel("/target/@port"),
        control: Control::Number(Some(0), None),
        help: "The guest device's port number, counted from 0 today (the 2008 format counted from 1). Usually there is one console and up to 2 serial or parallel ports. Empty: libvirt numbers it.",
        since: "≤ 0.4.5",
        show: Some(|d, n| {
            slot(n).0 != "channel"
                || char_at(d, n).is_some_and(|c| c.target_type.as_deref() == Some("guestfwd"))
        }),
        ..FIELD
    },
];

fn kind_note(d: &Domain, n: usize) -> Option<String> {
    Some(match &char_at(d, n)?.source {
        CharSource::Stdio => "No input; output goes to the domain's log file.".into(),
        CharSource::Vc => "A virtual console on the graphical framebuffer, reached with a hotkey such as ctrl+alt+3.".into(),
        CharSource::Null => "Connected to the void: no input ever comes, output is discarded.".into(),
        CharSource::SpiceVmc => "Carried inside the SPICE connection: the guest needs SPICE graphics.".into(),
        CharSource::Other { .. } => {
            let t = char_at(d, n)?.source.type_name();
            format!("Type '{t}' is kept as is: vmxml models pty, file, dev, tcp, udp, unix, stdio, vc, null and spicevmc, so this device's source is written back exactly as it was.")
        }
        _ => return None,
    })
}

pub(crate) const CHAR: DeviceKind = DeviceKind {
    name: "serial",
    what: "serial port",
    slot: 0,
    title: |d, n| {
        let (name, k) = slot(n);
        chardev(d, name, k)
            .map(|c| title(c, name, k))
            .unwrap_or_default()
    },
    fields: &FIELDS,
    note: kind_note,
    kept: never_kept,
};

pub(crate) static SERIAL: DeviceKind = CHAR;
pub(crate) static CONSOLE: DeviceKind = DeviceKind {
    name: "console",
    what: "console",
    slot: KIND_STRIDE,
    ..CHAR
};
pub(crate) static PARALLEL: DeviceKind = DeviceKind {
    name: "parallel",
    what: "parallel port",
    slot: 2 * KIND_STRIDE,
    ..CHAR
};

fn add_char(d: &mut Domain, kind: CharKind) {
    let c = new_char(d, kind);
    d.devices_mut().add(Device::Char(c));
}

static ADD_SERIAL: [Add; 1] = [Add {
    label: "Add serial port",
    testid: "add-serial",
    add: |d| add_char(d, CharKind::Serial),
}];
static ADD_CONSOLE: [Add; 1] = [Add {
    label: "Add console",
    testid: "add-console",
    add: |d| add_char(d, CharKind::Console),
}];
static ADD_PARALLEL: [Add; 1] = [Add {
    label: "Add parallel port",
    testid: "add-parallel",
    add: |d| add_char(d, CharKind::Parallel),
}];
pub(crate) static CHANNEL: DeviceKind = DeviceKind {
    name: "channel",
    what: "channel",
    slot: 3 * KIND_STRIDE,
    ..CHAR
};
static ADD_CHANNEL: [Add; 2] = [
    Add {
        label: "Add guest agent channel",
        testid: "add-guest-agent",
        add: |d| {
            d.devices_mut().add(Device::Char(CharDevice::guest_agent()));
        },
    },
    Add {
        label: "Add SPICE agent channel",
        testid: "add-spice-agent",
        add: |d| {
            d.devices_mut().add(Device::Char(CharDevice::spice_agent()));
        },
    },
];

#[component]
pub fn Consoles() -> impl IntoView {
    view! {
        <p class="group__intro">"Consoles, serial ports and parallel ports are all character devices: the guest sees a port, and its data goes somewhere on the host."</p>
        <Group title="Serial ports">
            <DeviceList kind=&SERIAL adds=&ADD_SERIAL />
        </Group>
        <Group title="Consoles" intro="The primary console: the paravirtualized console of a Xen guest, or a copy of the first serial port of a fully virtualized one.">
            <DeviceList kind=&CONSOLE adds=&ADD_CONSOLE />
        </Group>
        <Group title="Parallel ports">
            <DeviceList kind=&PARALLEL adds=&ADD_PARALLEL />
        </Group>
        <Group title="Channels" intro="Named host-guest channels: the QEMU guest agent (clean shutdown, filesystem freeze for snapshots, guest IP addresses in virsh domifaddr) and SPICE's agent (clipboard, display resizing).">
            <DeviceList kind=&CHANNEL adds=&ADD_CHANNEL />
        </Group>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmxml_core::devices::chardev::{CONSOLE_TARGET_TYPES, SERIAL_TARGET_TYPES};

    #[test]
    fn target_type_choices_are_cores() {
        fn values(o: &crate::form::Choices) -> Vec<&'static str> {
            o.values().skip(1).collect()
        }
        assert_eq!(values(&SERIAL_TARGETS), SERIAL_TARGET_TYPES);
        assert_eq!(values(&CONSOLE_TARGETS), CONSOLE_TARGET_TYPES);
        // `choices!` takes literals only: the channel names must stay core's.
        assert_eq!(
            values(&CHANNEL_NAMES),
            [GUEST_AGENT_CHANNEL, SPICE_AGENT_CHANNEL]
        );
    }

    #[test]
    fn slots_tell_the_kinds_apart() {
        assert_eq!(slot(3), ("serial", 3));
        assert_eq!(slot(KIND_STRIDE + 1), ("console", 1));
        assert_eq!(slot(2 * KIND_STRIDE), ("parallel", 0));
    }

    use crate::wizard::test_support::problems_said as problems;

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
    fn added_channels_are_valid_and_switch() {
        let mut d = Domain::default();
        d.devices_mut().add(Device::Char(CharDevice::guest_agent()));
        assert_eq!(problems(&d), Vec::<String>::new());
        set_char_type(&mut d, "channel", 0, "spicevmc");
        assert_eq!(
            chardev(&d, "channel", 0).map(|c| c.source.type_name()),
            Some("spicevmc")
        );
        assert_eq!(slot(3 * KIND_STRIDE + 2), ("channel", 2));
    }

    #[test]
    fn every_type_is_valid_after_a_switch() {
        for name in ["serial", "console", "parallel"] {
            for (t, _) in TYPES.iter() {
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
