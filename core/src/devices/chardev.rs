//! `<serial>`, `<parallel>`, `<console>` and `<channel>`: character devices. Also the char
//! source rules, shared with the devices that embed a char source and that vmxml keeps as
//! written (`<redirdev>`, an rng's `<backend>`, a passthrough `<smartcard>`).

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{step, Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::choice_hint;
use crate::xml::Element;

value_enum!(
    /// Which element a char device is written as.
    CharKind {
        Serial = "serial",
        Parallel = "parallel",
        Console = "console",
        /// A named host-guest channel: the QEMU guest agent, SPICE's agent, a guestfwd.
        Channel = "channel",
    }
);

impl CharKind {
    pub fn element_name(&self) -> &str {
        self.as_str()
    }
}

value_enum!(
    /// `<source mode=...>` of a socket: listen (`bind`) or dial out (`connect`).
    SourceMode {
        Bind = "bind",
        Connect = "connect",
    }
);

value_enum!(
    /// `<protocol type=...>` spoken over a TCP char device.
    CharProtocol {
        Raw = "raw",
        Telnet = "telnet",
        Telnets = "telnets",
        Tls = "tls",
    }
);

/// Every char device type libvirt accepts (`qemucdevSrcTypeChoice` in its schema).
pub const LIBVIRT_CHAR_TYPES: &[&str] = &[
    "dev",
    "file",
    "pipe",
    "unix",
    "tcp",
    "udp",
    "null",
    "stdio",
    "vc",
    "pty",
    "spicevmc",
    "spiceport",
    "nmdm",
    "qemu-vdagent",
    "dbus",
];

/// `<target type=...>` values libvirt accepts on a `<serial>`.
pub const SERIAL_TARGET_TYPES: &[&str] = &[
    "isa-serial",
    "usb-serial",
    "pci-serial",
    "spapr-vio-serial",
    "system-serial",
    "sclp-serial",
    "isa-debug",
];

/// `<target type=...>` values libvirt accepts on a `<console>`.
pub const CONSOLE_TARGET_TYPES: &[&str] = &[
    "serial", "virtio", "xen", "uml", "lxc", "openvz", "sclp", "sclplm",
];

/// `<target type=...>` values libvirt accepts on a `<channel>`.
pub const CHANNEL_TARGET_TYPES: &[&str] = &["guestfwd", "virtio", "xen"];

/// The virtio channel name the QEMU guest agent listens on.
pub const GUEST_AGENT_CHANNEL: &str = "org.qemu.guest_agent.0";
/// The virtio channel name SPICE's guest agent (vdagent) uses.
pub const SPICE_AGENT_CHANNEL: &str = "com.redhat.spice.0";

/// One `<source>` of a UDP char device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UdpEndpoint {
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// Where the device's data goes; the variant is the device's `type`. Each variant keeps what
/// vmxml does not model of its `<source>` element(s) in `extra`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CharSource {
    /// `type='pty'`: a pseudo TTY; `path` is the runtime `/dev/pts/N` a running guest got.
    Pty {
        #[serde(default)]
        path: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='stdio'`: output to the domain's log file, no input.
    Stdio,
    /// `type='file'`: output written to a host file.
    File {
        #[serde(default)]
        path: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='vc'`: a virtual console on the graphical framebuffer.
    Vc,
    /// `type='null'`: input never comes, output is discarded.
    Null,
    /// `type='dev'`: a host character device such as /dev/ttyS0.
    Dev {
        #[serde(default)]
        path: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='tcp'`: a TCP client (`connect`) or server (`bind`).
    Tcp {
        /// `None`: no `mode` written; libvirt reads connect.
        #[serde(default)]
        mode: Option<SourceMode>,
        #[serde(default)]
        host: Option<String>,
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        protocol: Option<CharProtocol>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='udp'`: a UDP netconsole; packets go to `connect` and come in on `bind`.
    Udp {
        #[serde(default)]
        bind: Option<UdpEndpoint>,
        #[serde(default)]
        connect: Option<UdpEndpoint>,
        /// The connect `<source>` was written without `mode` (libvirt reads connect).
        #[serde(default, skip_serializing_if = "is_false")]
        connect_mode_omitted: bool,
    },
    /// `type='unix'`: a UNIX socket server (`bind`) or client (`connect`).
    Unix {
        /// `None`: no `mode` written; libvirt reads connect.
        #[serde(default)]
        mode: Option<SourceMode>,
        #[serde(default)]
        path: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='spicevmc'`: tunnelled through the SPICE connection (the SPICE agent channel).
    SpiceVmc,
    /// A type vmxml does not model (pipe, spiceport, nmdm, ...): its `<source>` elements
    /// stay in the device's extras, as written.
    Other { char_type: String },
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl CharSource {
    pub fn type_name(&self) -> &str {
        match self {
            CharSource::Pty { .. } => "pty",
            CharSource::Stdio => "stdio",
            CharSource::File { .. } => "file",
            CharSource::Vc => "vc",
            CharSource::Null => "null",
            CharSource::Dev { .. } => "dev",
            CharSource::Tcp { .. } => "tcp",
            CharSource::Udp { .. } => "udp",
            CharSource::Unix { .. } => "unix",
            CharSource::SpiceVmc => "spicevmc",
            CharSource::Other { char_type } => char_type,
        }
    }

    /// The host path, for the types that have one.
    pub fn path(&self) -> Option<&str> {
        match self {
            CharSource::Pty { path, .. }
            | CharSource::File { path, .. }
            | CharSource::Dev { path, .. }
            | CharSource::Unix { path, .. } => path.as_deref(),
            _ => None,
        }
    }

    /// The `<source>` elements, in the order libvirt writes them.
    fn source_elements(&self) -> Vec<Element> {
        let with_path = |path: &Option<String>, extra: &Extra| {
            (path.is_some() || !extra.is_empty()).then(|| {
                ElementBuilder::new("source")
                    .opt_attr("path", path.as_ref())
                    .build(extra)
            })
        };
        let source = match self {
            CharSource::Pty { path, extra }
            | CharSource::File { path, extra }
            | CharSource::Dev { path, extra } => with_path(path, extra),
            CharSource::Unix { mode, path, extra } => {
                (mode.is_some() || path.is_some() || !extra.is_empty()).then(|| {
                    ElementBuilder::new("source")
                        .opt_attr("mode", mode.as_ref().map(|m| m.as_str()))
                        .opt_attr("path", path.as_ref())
                        .build(extra)
                })
            }
            CharSource::Tcp {
                mode,
                host,
                service,
                extra,
                ..
            } => (mode.is_some() || host.is_some() || service.is_some() || !extra.is_empty()).then(
                || {
                    ElementBuilder::new("source")
                        .opt_attr("mode", mode.as_ref().map(|m| m.as_str()))
                        .opt_attr("host", host.as_ref())
                        .opt_attr("service", service.as_ref())
                        .build(extra)
                },
            ),
            CharSource::Udp {
                bind,
                connect,
                connect_mode_omitted,
            } => {
                let endpoint = |e: &UdpEndpoint, mode: Option<&str>| {
                    ElementBuilder::new("source")
                        .opt_attr("mode", mode)
                        .opt_attr("host", e.host.as_ref())
                        .opt_attr("service", e.service.as_ref())
                        .build(&e.extra)
                };
                let connect_mode = (!connect_mode_omitted).then_some("connect");
                return bind
                    .iter()
                    .map(|b| endpoint(b, Some("bind")))
                    .chain(connect.iter().map(|c| endpoint(c, connect_mode)))
                    .collect();
            }
            CharSource::Stdio
            | CharSource::Vc
            | CharSource::Null
            | CharSource::SpiceVmc
            | CharSource::Other { .. } => None,
        };
        source.into_iter().collect()
    }
}

/// A serial port, parallel port or console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharDevice {
    pub kind: CharKind,
    pub source: CharSource,
    /// The document left out `type=` (libvirt reads pty); written back the same way.
    #[serde(default, skip_serializing_if = "is_false")]
    pub type_omitted: bool,
    /// Runtime-only: the pty a running guest's console got (`<console tty=...>`).
    #[serde(default)]
    pub tty: Option<String>,
    /// `<target type=...>`: the guest-side device (`serial`, `virtio` for a console,
    /// `isa-serial` for a serial port, ...).
    #[serde(default)]
    pub target_type: Option<String>,
    /// `<target port=...>`; a value that is not a plain number stays in `target_extra`.
    #[serde(default)]
    pub target_port: Option<u32>,
    /// `<target name=...>` of a virtio channel, such as `org.qemu.guest_agent.0`.
    #[serde(default)]
    pub target_name: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub target_extra: Extra,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// Takes the first `<source>` and its `path`.
fn read_path_source(c: &mut Cursor) -> (Option<String>, Extra) {
    match c.child_with_content("source") {
        Some(mut s) => (s.attr("path").map(str::to_string), s.finish()),
        None => (None, Extra::default()),
    }
}

/// An element that is nothing but `attr`: safe to model without losing anything.
fn is_plain(el: &Element, attr: &str) -> bool {
    el.attrs.len() == 1 && el.attr(attr).is_some() && el.elements().next().is_none()
}

fn read_tcp(c: &mut Cursor, diags: &mut Diagnostics) -> CharSource {
    let (mode, host, service, extra) = match c.child_with_content("source") {
        Some(mut s) => (
            s.attr("mode").map(SourceMode::parse),
            s.attr("host").map(str::to_string),
            s.attr("service").map(str::to_string),
            s.finish(),
        ),
        None => (None, None, None, Extra::default()),
    };
    let el = c.element();
    let protocol = if el.child("protocol").is_some_and(|p| is_plain(p, "type")) {
        c.child("protocol")
            .and_then(|mut p| p.attr("type").map(CharProtocol::parse))
    } else if el.child("protocol").is_none()
        && el.child("wiremode").is_some_and(|w| is_plain(w, "type"))
    {
        // The 2008 spelling: libvirt today ignores it, so the device would speak raw TCP.
        let path = c.child_path("wiremode");
        let wiremode = c
            .child("wiremode")
            .and_then(|mut w| w.attr("type").map(CharProtocol::parse));
        if let Some(p) = &wiremode {
            diags.warning(
                "W-CHARDEV-WIREMODE-OBSOLETE",
                path,
                format!("<wiremode type='{p}'/> is the 2008 spelling: vmxml read it as <protocol type='{p}'/> and writes it that way"),
                "libvirt today ignores <wiremode> and would speak raw TCP; keep the <protocol> element vmxml writes",
            );
        }
        wiremode
    } else {
        None
    };
    CharSource::Tcp {
        mode,
        host,
        service,
        protocol,
        extra,
    }
}

/// Takes the first bind and the first connect `<source>`, as libvirt does; any other stays.
fn read_udp(c: &mut Cursor) -> CharSource {
    let mut bind = None;
    let mut connect = None;
    let mut connect_mode_omitted = false;
    for (i, el, path) in c.all_children() {
        if el.name != "source" {
            continue;
        }
        let mode = el.attr("mode");
        let slot = match mode {
            None | Some("connect") if connect.is_none() => &mut connect,
            Some("bind") if bind.is_none() => &mut bind,
            _ => continue,
        };
        c.take_child_at(i);
        let mut s = Cursor::new(el, path);
        s.attr("mode");
        *slot = Some(UdpEndpoint {
            host: s.attr("host").map(str::to_string),
            service: s.attr("service").map(str::to_string),
            extra: s.finish(),
        });
        if mode.is_none() {
            connect_mode_omitted = true;
        }
    }
    CharSource::Udp {
        bind,
        connect,
        connect_mode_omitted,
    }
}

impl CharDevice {
    /// A device of that kind with that source and nothing else.
    pub fn new(kind: CharKind, source: CharSource) -> CharDevice {
        CharDevice {
            kind,
            source,
            type_omitted: false,
            tty: None,
            target_type: None,
            target_port: None,
            target_name: None,
            target_extra: Extra::default(),
            extra: Extra::default(),
        }
    }

    /// A virtio channel: `unix` for the QEMU guest agent (libvirt makes the socket), or
    /// `spicevmc` for SPICE's agent.
    pub fn virtio_channel(source: CharSource, name: &str) -> CharDevice {
        CharDevice {
            target_type: Some("virtio".into()),
            target_name: Some(name.into()),
            ..CharDevice::new(CharKind::Channel, source)
        }
    }

    /// The QEMU guest agent channel, as virt-install and virt-manager add it.
    pub fn guest_agent() -> CharDevice {
        CharDevice::virtio_channel(
            CharSource::Unix {
                mode: None,
                path: None,
                extra: Extra::default(),
            },
            GUEST_AGENT_CHANNEL,
        )
    }

    /// SPICE's agent channel (clipboard, display resizing).
    pub fn spice_agent() -> CharDevice {
        CharDevice::virtio_channel(CharSource::SpiceVmc, SPICE_AGENT_CHANNEL)
    }

    pub fn read(kind: CharKind, mut c: Cursor, diags: &mut Diagnostics) -> CharDevice {
        let type_attr = c.attr("type");
        let char_type = type_attr.unwrap_or("pty");
        let tty = c.attr("tty").map(str::to_string);
        let source = match char_type {
            "pty" => {
                let (path, extra) = read_path_source(&mut c);
                CharSource::Pty { path, extra }
            }
            "file" => {
                let (path, extra) = read_path_source(&mut c);
                CharSource::File { path, extra }
            }
            "dev" => {
                let (path, extra) = read_path_source(&mut c);
                CharSource::Dev { path, extra }
            }
            "stdio" => CharSource::Stdio,
            "spicevmc" => CharSource::SpiceVmc,
            "vc" => CharSource::Vc,
            "null" => CharSource::Null,
            "tcp" => read_tcp(&mut c, diags),
            "udp" => read_udp(&mut c),
            "unix" => match c.child_with_content("source") {
                Some(mut s) => CharSource::Unix {
                    mode: s.attr("mode").map(SourceMode::parse),
                    path: s.attr("path").map(str::to_string),
                    extra: s.finish(),
                },
                None => CharSource::Unix {
                    mode: None,
                    path: None,
                    extra: Extra::default(),
                },
            },
            other => {
                if LIBVIRT_CHAR_TYPES.contains(&other) {
                    diags.info(
                        "I-CHARDEV-TYPE-KEPT",
                        c.attr_path("type"),
                        format!("{kind} type '{other}' is kept as written; vmxml models pty, stdio, file, vc, null, dev, tcp, udp, unix and spicevmc"),
                        "the wizard shows this device's source as kept as is",
                    );
                }
                CharSource::Other {
                    char_type: other.to_string(),
                }
            }
        };
        let (target_type, target_port, target_name, target_extra) =
            match c.child_with_content("target") {
                Some(mut t) => {
                    let target_type = t.attr("type").map(str::to_string);
                    let target_name = if kind == CharKind::Channel {
                        t.attr("name").map(str::to_string)
                    } else {
                        None
                    };
                    // Only a port written exactly as vmxml would write it is modelled; any other
                    // spelling stays as written.
                    let port = t
                        .peek_attr("port")
                        .and_then(|p| p.parse::<u32>().ok().filter(|n| n.to_string() == p));
                    if port.is_some() {
                        t.attr("port");
                    }
                    (target_type, port, target_name, t.finish())
                }
                None => (None, None, None, Extra::default()),
            };
        CharDevice {
            kind,
            source,
            type_omitted: type_attr.is_none(),
            tty,
            target_type,
            target_port,
            target_name,
            target_extra,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let implied_pty = self.type_omitted && matches!(self.source, CharSource::Pty { .. });
        let protocol = match &self.source {
            CharSource::Tcp {
                protocol: Some(p), ..
            } => Some(Element::new("protocol").with_attr("type", p.as_str())),
            _ => None,
        };
        let has_target = self.target_type.is_some()
            || self.target_port.is_some()
            || self.target_name.is_some()
            || !self.target_extra.is_empty();
        ElementBuilder::new(self.kind.element_name())
            .opt_attr("type", (!implied_pty).then(|| self.source.type_name()))
            .opt_attr("tty", self.tty.as_ref())
            .children(self.source.source_elements())
            .opt_child(protocol)
            .opt_child(has_target.then(|| {
                ElementBuilder::new("target")
                    .opt_attr("type", self.target_type.as_ref())
                    .opt_attr("name", self.target_name.as_ref())
                    .opt_attr("port", self.target_port.map(|p| p.to_string()))
                    .build(&self.target_extra)
            }))
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        let kind = &self.kind;
        let char_type = self.source.type_name();
        if let CharSource::Other { char_type } = &self.source {
            if !LIBVIRT_CHAR_TYPES.contains(&char_type.as_str()) {
                diags.error(
                    "E-CHARDEV-TYPE",
                    format!("{path}/@type"),
                    format!("libvirt has no {kind} type '{char_type}'"),
                    choice_hint(char_type, LIBVIRT_CHAR_TYPES),
                );
                return;
            }
        }
        if self.type_omitted && *kind != CharKind::Console {
            diags.warning(
                "W-CHARDEV-TYPE-MISSING",
                path.to_string(),
                format!(
                    "the <{kind}> has no type; libvirt reads pty, but its schema requires type="
                ),
                format!("write <{kind} type='pty'>"),
            );
        }
        self.validate_target(path, diags);
        if let Some(w) = self.extra.element("wiremode") {
            let what = w.attr("type").unwrap_or("");
            diags.warning(
                "W-CHARDEV-WIREMODE-IGNORED",
                format!("{path}/wiremode"),
                format!(
                    "libvirt ignores <wiremode type='{what}'/>, the 2008 spelling of <protocol>"
                ),
                if char_type == "tcp" {
                    "remove <wiremode>: the <protocol> element decides"
                } else {
                    "remove <wiremode>: only tcp devices speak a protocol"
                },
            );
        }
        // libvirt generates the socket path of a virtio or xen channel.
        let generated = *kind == CharKind::Channel
            && matches!(self.target_type.as_deref(), Some("virtio" | "xen"));
        check_char_source(&self.write(), char_type, path, generated, diags);
        if *kind == CharKind::Channel {
            self.validate_channel(path, diags);
        }
    }

    fn validate_channel(&self, path: &str, diags: &mut Diagnostics) {
        let tpath = format!("{path}/target");
        match self.target_type.as_deref() {
            None => diags.error(
                "E-CHANNEL-TARGET-TYPE-MISSING",
                format!("{tpath}/@type"),
                "the <channel> has no target type",
                "write <target type='virtio' name='org.qemu.guest_agent.0'/> for the guest agent; libvirt refuses a channel without one",
            ),
            Some("virtio") => {
                let name = self.target_name.as_deref();
                let source = self.source.type_name();
                if name == Some(GUEST_AGENT_CHANNEL) && source != "unix" {
                    diags.warning(
                        "W-CHANNEL-AGENT-SOURCE",
                        format!("{path}/@type"),
                        format!("the guest agent channel is of type '{source}'; libvirt talks to the agent only over a unix socket"),
                        "write <channel type='unix'> and leave out <source>: libvirt makes the socket",
                    );
                }
                if source == "spicevmc" && name.is_some_and(|n| n != SPICE_AGENT_CHANNEL) {
                    diags.warning(
                        "W-CHANNEL-SPICEVMC-NAME",
                        format!("{tpath}/@name"),
                        format!("a spicevmc channel named '{}': SPICE's agent listens on {SPICE_AGENT_CHANNEL}", name.unwrap_or_default()),
                        format!("name it {SPICE_AGENT_CHANNEL}, or leave name out and libvirt picks it"),
                    );
                }
            }
            Some("guestfwd") if self.target_extra.attr("address").is_none() => diags.error(
                "E-CHANNEL-GUESTFWD-ADDRESS",
                format!("{tpath}/@address"),
                "a guestfwd channel needs the guest-side address and port",
                "write <target type='guestfwd' address='10.0.2.1' port='4600'/>",
            ),
            Some(_) => {}
        }
    }

    fn validate_target(&self, path: &str, diags: &mut Diagnostics) {
        let kind = &self.kind;
        if let Some(t) = &self.target_type {
            let tpath = format!("{path}/target/@type");
            let allowed: &[&str] = match kind {
                CharKind::Serial => SERIAL_TARGET_TYPES,
                CharKind::Console => CONSOLE_TARGET_TYPES,
                CharKind::Channel => CHANNEL_TARGET_TYPES,
                CharKind::Parallel | CharKind::Other(_) => &[],
            };
            if *kind == CharKind::Parallel {
                diags.warning(
                    "W-CHARDEV-TARGET-TYPE-IGNORED",
                    tpath,
                    format!("libvirt ignores type='{t}' on a parallel port's <target>"),
                    "remove the type attribute: a parallel port has one kind of target",
                );
            } else if t == "none" {
                diags.warning(
                    "W-CHARDEV-TARGET-TYPE-NONE",
                    tpath,
                    "target type 'none' means no type: libvirt picks one, and its schema rejects the spelling",
                    "remove the type attribute to let libvirt pick",
                );
            } else if !allowed.is_empty() && !allowed.contains(&t.as_str()) {
                diags.error(
                    "E-CHARDEV-TARGET-TYPE",
                    tpath,
                    format!("'{t}' is not a target type for a {kind}"),
                    choice_hint(t, allowed),
                );
            }
        }
        let Some(port) = self.target_extra.attr("port") else {
            return;
        };
        let ppath = format!("{path}/target/@port");
        match libvirt_uint(port) {
            None => diags.error(
                "E-CHARDEV-TARGET-PORT",
                ppath,
                format!("target port '{port}' is not a number"),
                "write the port as digits starting from 0, or leave port out and libvirt numbers the device",
            ),
            Some(-1) => diags.warning(
                "W-CHARDEV-TARGET-PORT-AUTO",
                ppath,
                "target port -1 asks libvirt to pick a port",
                "leave port out to say the same thing plainly",
            ),
            Some(n) if n < 0 => diags.error(
                "E-CHARDEV-TARGET-PORT-NEGATIVE",
                ppath,
                format!("target port {n} is negative; libvirt keeps it and the guest device cannot use it"),
                "write a port from 0 up, or leave port out and libvirt numbers the device",
            ),
            Some(_) => {}
        }
    }
}

/// Rules across char devices: two consoles on one port, SPICE channels with no SPICE server.
pub fn validate_all(
    devices: &[(&crate::devices::Device, String)],
    _cx: &Context,
    diags: &mut Diagnostics,
) {
    use crate::devices::Device;
    let spice = crate::devices::graphics::has_spice(devices);
    let mut consoles = crate::values::FirstSeen::default();
    for (i, (d, path)) in devices.iter().enumerate() {
        let Device::Char(c) = d else { continue };
        if c.source == CharSource::SpiceVmc && !spice {
            diags.warning(
                "W-SPICEVMC-WITHOUT-SPICE",
                format!("{path}/@type"),
                format!("this {} goes through a SPICE connection, but the guest has no SPICE graphics", c.kind),
                "add <graphics type='spice'>, or remove the device: libvirt defines the guest, and QEMU then refuses to start it; virt-manager removes SPICE channels when you switch to VNC",
            );
        }
        if c.kind != CharKind::Console {
            continue;
        }
        // Without a port, libvirt numbers consoles itself.
        let Some(port) = c.target_port else { continue };
        let target = c.target_type.as_deref().unwrap_or("");
        if let Some(first) = consoles.check(format!("{target}\u{0}{port}"), i) {
            diags.warning(
                "W-CONSOLE-PORT-DUPLICATE",
                format!("{path}/target/@port"),
                format!(
                    "{} already uses port {port} of this console type",
                    crate::devices::path_of(devices, first)
                ),
                "give each console its own port (or leave port out): libvirt defines the guest, but QEMU cannot start two consoles on one port",
            );
        }
    }
}

/// A number as libvirt's `virStrToLong_ui` reads it: leading blanks, a sign, digits; a
/// negative value is accepted as long as its magnitude fits in 32 bits.
fn libvirt_uint(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    if n > i64::from(u32::MAX) {
        return None;
    }
    Some(if negative { -n } else { n })
}

/// Char sources inside devices vmxml keeps as written: `<redirdev>`, a
/// passthrough `<smartcard>` and an egd rng `<backend>`. Same rules as a serial port's.
pub fn validate_embedded_source(element: &Element, path: &str, diags: &mut Diagnostics) {
    match element.name.as_str() {
        "redirdev" => {
            if let Some(t) = element.attr("type") {
                check_char_source(element, t, path, false, diags);
            }
        }
        "smartcard" if element.attr("mode") == Some("passthrough") => {
            if let Some(t) = element.attr("type") {
                check_char_source(element, t, path, false, diags);
            }
        }
        "rng" => {
            let backend = element.child("backend");
            if let Some(b) = backend.filter(|b| b.attr("model") == Some("egd")) {
                if let Some(t) = b.attr("type") {
                    check_char_source(b, t, &format!("{path}/backend"), false, diags);
                }
            }
        }
        _ => {}
    }
}

/// The rules libvirt applies to a char source (`virDomainChrSourceDefParseXML` and
/// `virDomainChrSourceDefValidate`), on the element whose children are the `<source>`s.
/// `path_may_be_generated`: a missing unix socket path is fine (virtio and xen channels).
pub fn check_char_source(
    holder: &Element,
    char_type: &str,
    path: &str,
    path_may_be_generated: bool,
    diags: &mut Diagnostics,
) {
    let sources: Vec<&Element> = holder.elements().filter(|e| e.name == "source").collect();
    let count = sources.len();
    let source_path = |i: usize| format!("{path}/{}", step("source", i + 1, count));
    let allowed = if char_type == "udp" { 2 } else { 1 };
    if count > allowed {
        let (takes, fix) = if allowed == 2 {
            (
                "at most two <source> elements (one bind, one connect)",
                "keep one <source mode='bind'> and one <source mode='connect'>",
            )
        } else {
            ("one <source>", "keep one <source> and remove the others")
        };
        diags.error(
            "E-CHARDEV-SOURCE-COUNT",
            source_path(allowed),
            format!("a {char_type} char device takes {takes}, and this one has {count}"),
            format!("{fix}: libvirt refuses the document"),
        );
    }
    let parsed: Vec<(&Element, String)> = sources
        .iter()
        .take(allowed)
        .enumerate()
        .map(|(i, s)| (*s, source_path(i)))
        .collect();
    if matches!(char_type, "tcp" | "udp" | "unix") {
        for (s, spath) in &parsed {
            if let Some(m) = s.attr("mode") {
                if SourceMode::parse(m).is_other() {
                    diags.error(
                        "E-CHARDEV-SOURCE-MODE",
                        format!("{spath}/@mode"),
                        format!("source mode '{m}' is neither bind nor connect"),
                        format!(
                            "{}: bind listens, connect dials out",
                            choice_hint(m, SourceMode::known())
                        ),
                    );
                }
            }
        }
    }
    let first = parsed.first();
    let first_path = first
        .map(|(_, p)| p.clone())
        .unwrap_or_else(|| format!("{path}/source"));
    let first_attr = |name: &str| first.and_then(|(s, _)| s.attr(name));
    let missing = |diags: &mut Diagnostics, attr: &str, what: &str, example: &str| {
        diags.error(
            &format!("E-CHARDEV-SOURCE-{}-MISSING", attr.to_ascii_uppercase()),
            format!("{first_path}/@{attr}"),
            format!("a {char_type} char device needs {what}, and its <source> has no {attr}"),
            format!("write <source {example}/>"),
        );
    };
    match char_type {
        "file" | "dev" | "pipe" if first_attr("path").is_none() => {
            let example = match char_type {
                "dev" => "path='/dev/ttyS0'",
                "pipe" => "path='/tmp/guest-pipe'",
                _ => "path='/var/log/vm/serial.log'",
            };
            missing(diags, "path", "a host path", example);
        }
        "unix" => {
            if first_attr("path").is_none() && !path_may_be_generated {
                missing(
                    diags,
                    "path",
                    "a socket path",
                    "mode='bind' path='/var/lib/libvirt/qemu/guest.sock'",
                );
            }
            if let Some((s, spath)) = first {
                check_reconnect(s, spath, diags);
            }
        }
        "tcp" => {
            if first_attr("host").is_none() {
                missing(
                    diags,
                    "host",
                    "a host to listen on or connect to",
                    "mode='bind' host='127.0.0.1' service='4555'",
                );
            }
            match first_attr("service") {
                None => missing(
                    diags,
                    "service",
                    "a port (service)",
                    "mode='bind' host='127.0.0.1' service='4555'",
                ),
                Some(v) => check_service(v, &format!("{first_path}/@service"), diags),
            }
            if let Some((s, spath)) = first {
                check_reconnect(s, spath, diags);
                if let Some(tls) = s.attr("tls").filter(|v| !matches!(*v, "yes" | "no")) {
                    diags.error(
                        "E-VALUE-YES-NO",
                        format!("{spath}/@tls"),
                        format!("tls='{tls}' is neither yes nor no"),
                        "write tls='yes' or tls='no'",
                    );
                }
            }
        }
        "udp" => check_udp(&parsed, path, diags),
        "nmdm" => {
            let (master, slave) = (first_attr("master"), first_attr("slave"));
            if master.is_some() != slave.is_some() {
                let absent = if master.is_none() { "master" } else { "slave" };
                diags.error(
                    "E-CHARDEV-NMDM-PATHS",
                    format!("{first_path}/@{absent}"),
                    format!("an nmdm device needs both master and slave, and {absent} is missing"),
                    "write <source master='/dev/nmdm0A' slave='/dev/nmdm0B'/>, or neither",
                );
            }
        }
        "spiceport" | "dbus" => match first_attr("channel") {
            None => missing(
                diags,
                "channel",
                "a channel name",
                "channel='org.qemu.console.serial.0'",
            ),
            Some(ch) => {
                let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
                if !ch.chars().all(ok) {
                    diags.error(
                        "E-CHARDEV-SOURCE-CHANNEL",
                        format!("{first_path}/@channel"),
                        format!("channel name '{ch}' has characters libvirt refuses"),
                        "use only letters, digits, '_', '-' and '.'",
                    );
                }
            }
        },
        _ => {}
    }
    if let Some(p) = holder.child("protocol") {
        let ppath = format!("{path}/protocol");
        let value = p.attr("type");
        if char_type != "tcp" {
            diags.warning(
                "W-CHARDEV-PROTOCOL-IGNORED",
                ppath,
                format!("libvirt ignores <protocol> on a {char_type} device: only tcp devices speak one"),
                "remove <protocol>, or make the device type='tcp'",
            );
        } else if let Some(v) = value.filter(|v| CharProtocol::parse(v).is_other()) {
            diags.error(
                "E-CHARDEV-PROTOCOL",
                format!("{ppath}/@type"),
                format!("libvirt knows no char device protocol '{v}'"),
                choice_hint(v, CharProtocol::known()),
            );
        }
    }
}

/// UDP: libvirt takes the first connect source that has a host or service (a source without
/// `mode` is a connect source), and that one needs a service; bind is optional.
fn check_udp(parsed: &[(&Element, String)], path: &str, diags: &mut Diagnostics) {
    let mut connect: Option<&(&Element, String)> = None;
    for entry in parsed {
        let s = entry.0;
        if s.attr("mode").unwrap_or("connect") == "connect" {
            let taken = connect
                .is_some_and(|(c, _)| c.attr("host").is_some() || c.attr("service").is_some());
            if !taken {
                connect = Some(entry);
            }
        }
        if let Some(v) = s.attr("service") {
            check_service(v, &format!("{}/@service", entry.1), diags);
        }
    }
    if connect.is_some_and(|(c, _)| c.attr("service").is_some()) {
        return;
    }
    let at = connect
        .map(|(_, p)| format!("{p}/@service"))
        .unwrap_or_else(|| format!("{path}/source"));
    diags.error(
        "E-CHARDEV-SOURCE-SERVICE-MISSING",
        at,
        "a udp char device needs a port to send to, and it has no <source mode='connect'> with a service",
        "write <source mode='connect' host='127.0.0.1' service='6666'/> (a bind source is optional)",
    );
}

/// A numeric service must be a usable port; a name is looked up by the host when the guest
/// starts, so it is left alone.
fn check_service(value: &str, at: &str, diags: &mut Diagnostics) {
    let numeric = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    let in_range = value.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
    if value.is_empty() || (numeric && !in_range) {
        diags.warning(
            "W-CHARDEV-SERVICE-RANGE",
            at.to_string(),
            format!("service '{value}' is not a port from 1 to 65535; libvirt accepts it, but no socket can use it"),
            "write a port number from 1 to 65535",
        );
    }
}

/// `<reconnect>` inside a tcp or unix `<source>`.
fn check_reconnect(source: &Element, source_path: &str, diags: &mut Diagnostics) {
    let Some(r) = source.child("reconnect") else {
        return;
    };
    let rpath = format!("{source_path}/reconnect");
    match r.attr("enabled") {
        None => diags.warning(
            "W-CHARDEV-RECONNECT-IGNORED",
            rpath,
            "<reconnect> has no enabled=; libvirt ignores it and its schema requires it",
            "write <reconnect enabled='yes' timeout='10'/>",
        ),
        Some(v) if !matches!(v, "yes" | "no") => diags.error(
            "E-CHARDEV-RECONNECT-ENABLED",
            format!("{rpath}/@enabled"),
            format!("reconnect enabled='{v}' is neither yes nor no"),
            "write enabled='yes' (with a timeout in seconds) or enabled='no'",
        ),
        Some(v) => {
            if source.attr("mode") == Some("bind") {
                diags.error(
                    "E-CHARDEV-RECONNECT-MODE",
                    rpath.clone(),
                    "<reconnect> is for a client, and this source listens (mode='bind')",
                    "remove <reconnect>, or make the source mode='connect'",
                );
            }
            if v == "yes" {
                match r.attr("timeout") {
                    None => diags.error(
                        "E-CHARDEV-RECONNECT-TIMEOUT",
                        format!("{rpath}/@timeout"),
                        "reconnect enabled='yes' needs a timeout",
                        "write <reconnect enabled='yes' timeout='10'/>: seconds to wait between attempts",
                    ),
                    Some(t) if t.trim().parse::<u32>().is_err() => diags.error(
                        "E-CHARDEV-RECONNECT-TIMEOUT",
                        format!("{rpath}/@timeout"),
                        format!("reconnect timeout '{t}' is not a whole number of seconds"),
                        "write the timeout as digits, for example timeout='10'",
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::Device;
    use crate::test_support::{codes_of, domain_from, domain_with_devices, xml_of};

    fn devices_of(xml: &str) -> Vec<Device> {
        let d = domain_from(&format!(
            "<domain type='kvm'><devices>{xml}</devices></domain>"
        ));
        d.devices.map(|d| d.list).unwrap_or_default()
    }

    fn char_of(xml: &str) -> CharDevice {
        match devices_of(xml).into_iter().next() {
            Some(Device::Char(c)) => c,
            other => panic!("not a char device: {other:?}"),
        }
    }

    fn domain(devices: &str) -> String {
        domain_with_devices(devices)
    }

    fn codes(devices: &str) -> Vec<String> {
        codes_of(&domain(devices))
    }

    /// (code, path) of every diagnostic of this module's families.
    fn found(devices: &str) -> Vec<(String, String)> {
        crate::check(&domain(devices))
            .diagnostics
            .into_iter()
            .map(|d| (d.code, d.path))
            .collect()
    }

    fn has(devices: &str, code: &str) -> bool {
        codes(devices).iter().any(|c| c == code)
    }

    /// No error or warning from this module (infos are fine).
    fn clean(devices: &str) -> bool {
        let all = codes(devices);
        let bad: Vec<&String> = all
            .iter()
            .filter(|c| c.starts_with("E-") || c.starts_with("W-"))
            .collect();
        assert!(bad.is_empty(), "{devices}: {bad:?}");
        true
    }

    fn endpoint(host: &str, service: &str) -> UdpEndpoint {
        UdpEndpoint {
            host: Some(host.into()),
            service: Some(service.into()),
            extra: Extra::default(),
        }
    }

    /// Every type the 2008 spec describes: the `<source>`/`<protocol>` lines and the model.
    fn spec_sources() -> Vec<(&'static str, &'static str, CharSource)> {
        let path = |p: &str| Some(p.to_string());
        vec![
            (
                "pty",
                "  <source path='/dev/pts/3'/>\n",
                CharSource::Pty {
                    path: path("/dev/pts/3"),
                    extra: Extra::default(),
                },
            ),
            ("stdio", "", CharSource::Stdio),
            (
                "file",
                "  <source path='/var/log/vm/vm-serial.log'/>\n",
                CharSource::File {
                    path: path("/var/log/vm/vm-serial.log"),
                    extra: Extra::default(),
                },
            ),
            ("vc", "", CharSource::Vc),
            ("null", "", CharSource::Null),
            (
                "dev",
                "  <source path='/dev/ttyS0'/>\n",
                CharSource::Dev {
                    path: path("/dev/ttyS0"),
                    extra: Extra::default(),
                },
            ),
            (
                "tcp",
                "  <source mode='connect' host='0.0.0.0' service='2445'/>\n  <protocol type='telnet'/>\n",
                CharSource::Tcp {
                    mode: Some(SourceMode::Connect),
                    host: path("0.0.0.0"),
                    service: path("2445"),
                    protocol: Some(CharProtocol::Telnet),
                    extra: Extra::default(),
                },
            ),
            (
                "tcp",
                "  <source mode='bind' host='127.0.0.1' service='4555'/>\n  <protocol type='raw'/>\n",
                CharSource::Tcp {
                    mode: Some(SourceMode::Bind),
                    host: path("127.0.0.1"),
                    service: path("4555"),
                    protocol: Some(CharProtocol::Raw),
                    extra: Extra::default(),
                },
            ),
            (
                "tcp",
                "  <source mode='connect' host='example.org' service='992'/>\n  <protocol type='telnets'/>\n",
                CharSource::Tcp {
                    mode: Some(SourceMode::Connect),
                    host: path("example.org"),
                    service: path("992"),
                    protocol: Some(CharProtocol::Telnets),
                    extra: Extra::default(),
                },
            ),
            (
                "tcp",
                "  <source mode='bind' host='0.0.0.0' service='5000'/>\n  <protocol type='tls'/>\n",
                CharSource::Tcp {
                    mode: Some(SourceMode::Bind),
                    host: path("0.0.0.0"),
                    service: path("5000"),
                    protocol: Some(CharProtocol::Tls),
                    extra: Extra::default(),
                },
            ),
            (
                "udp",
                "  <source mode='bind' host='0.0.0.0' service='2445'/>\n  <source mode='connect' host='0.0.0.0' service='2445'/>\n",
                CharSource::Udp {
                    bind: Some(endpoint("0.0.0.0", "2445")),
                    connect: Some(endpoint("0.0.0.0", "2445")),
                    connect_mode_omitted: false,
                },
            ),
            (
                "unix",
                "  <source mode='bind' path='/tmp/foo'/>\n",
                CharSource::Unix {
                    mode: Some(SourceMode::Bind),
                    path: path("/tmp/foo"),
                    extra: Extra::default(),
                },
            ),
            (
                "unix",
                "  <source mode='connect' path='/tmp/foo'/>\n",
                CharSource::Unix {
                    mode: Some(SourceMode::Connect),
                    path: path("/tmp/foo"),
                    extra: Extra::default(),
                },
            ),
        ]
    }

    #[test]
    fn every_spec_type_as_serial_parallel_console_both_directions() {
        for kind in [CharKind::Serial, CharKind::Parallel, CharKind::Console] {
            for (ty, lines, source) in spec_sources() {
                let xml = format!("<{kind} type='{ty}'>\n{lines}  <target port='1'/>\n</{kind}>\n");
                let model = CharDevice {
                    target_port: Some(1),
                    ..CharDevice::new(kind.clone(), source)
                };
                assert_eq!(char_of(&xml), model, "{xml}");
                assert_eq!(xml_of(&model.write()), xml);
                assert!(clean(&xml));
            }
        }
    }

    #[test]
    fn channels_both_directions() {
        let agent = "<channel type='unix'>\n  <target type='virtio' name='org.qemu.guest_agent.0'/>\n</channel>\n";
        assert_eq!(char_of(agent), CharDevice::guest_agent());
        assert_eq!(xml_of(&CharDevice::guest_agent().write()), agent);
        let spice = "<channel type='spicevmc'>\n  <target type='virtio' name='com.redhat.spice.0'/>\n</channel>\n";
        assert_eq!(char_of(spice), CharDevice::spice_agent());
        assert_eq!(xml_of(&CharDevice::spice_agent().write()), spice);
        // A bound socket with its path, and libvirt's runtime state, kept.
        let bound = "<channel type='unix'>\n  <source mode='bind' path='/run/ga.sock'/>\n  <target type='virtio' name='org.qemu.guest_agent.0' state='connected'/>\n</channel>\n";
        let c = char_of(bound);
        assert_eq!(c.source.path(), Some("/run/ga.sock"));
        assert_eq!(c.target_extra.attr("state"), Some("connected"));
        assert_eq!(xml_of(&c.write()), bound);
        // Only a channel's target has a name.
        let serial = char_of("<serial type='pty'><target name='x'/></serial>");
        assert_eq!(serial.target_name, None);
        assert_eq!(serial.target_extra.attr("name"), Some("x"));
    }

    #[test]
    fn channel_rules() {
        let spice = "<graphics type='spice' autoport='yes'/>";
        let agent =
            "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>";
        let vdagent =
            "<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>";
        assert!(!has(agent, "E-CHARDEV-SOURCE-PATH-MISSING"));
        assert!(
            found(agent)
                .iter()
                .all(|(c, _)| !c.starts_with("E-") && !c.starts_with("W-")),
            "{:?}",
            found(agent)
        );
        assert!(has(
            "<channel type='unix'><source mode='bind'/></channel>",
            "E-CHANNEL-TARGET-TYPE-MISSING"
        ));
        assert!(has(
            "<channel type='pty'><target type='guestfwd'/></channel>",
            "E-CHANNEL-GUESTFWD-ADDRESS"
        ));
        assert!(!has(
            "<channel type='pty'><target type='guestfwd' address='10.0.2.1' port='4600'/></channel>",
            "E-CHANNEL-GUESTFWD-ADDRESS"
        ));
        assert!(has(
            "<channel type='pty'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>",
            "W-CHANNEL-AGENT-SOURCE"
        ));
        assert!(has(
            "<channel type='spicevmc'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>",
            "W-CHANNEL-SPICEVMC-NAME"
        ));
        assert!(has(vdagent, "W-SPICEVMC-WITHOUT-SPICE"));
        assert!(!has(
            &format!("{vdagent}{spice}"),
            "W-SPICEVMC-WITHOUT-SPICE"
        ));
        assert!(!has(
            &format!("{agent}{vdagent}{spice}"),
            "W-CHANNEL-SPICEVMC-NAME"
        ));
    }

    #[test]
    fn two_consoles_on_one_port() {
        let two = "<console type='pty'><target type='virtio' port='1'/></console><console type='pty'><target type='virtio' port='1'/></console>";
        let (code, path) = found(two)
            .into_iter()
            .find(|(c, _)| c == "W-CONSOLE-PORT-DUPLICATE")
            .unwrap();
        assert_eq!(code, "W-CONSOLE-PORT-DUPLICATE");
        assert_eq!(path, "/domain/devices/console[2]/target/@port");
        // The usual pair: a serial console and a virtio one, both at port 0.
        assert!(!has(
            "<console type='pty'><target type='serial' port='0'/></console><console type='pty'><target type='virtio' port='0'/></console>",
            "W-CONSOLE-PORT-DUPLICATE"
        ));
    }

    #[test]
    fn spec_overview_with_console_tty_both_directions() {
        let xml = "<console type='pty' tty='/dev/pts/4'>\n  <source path='/dev/pts/4'/>\n  <target port='0'/>\n</console>\n";
        let model = CharDevice {
            tty: Some("/dev/pts/4".into()),
            target_port: Some(0),
            ..CharDevice::new(
                CharKind::Console,
                CharSource::Pty {
                    path: Some("/dev/pts/4".into()),
                    extra: Extra::default(),
                },
            )
        };
        assert_eq!(char_of(xml), model);
        assert_eq!(xml_of(&model.write()), xml);
    }

    #[test]
    fn modern_console_target_type_both_directions() {
        let xml = "<console type='pty'>\n  <target type='virtio' port='0'/>\n</console>\n";
        let model = CharDevice {
            target_type: Some("virtio".into()),
            target_port: Some(0),
            ..CharDevice::new(
                CharKind::Console,
                CharSource::Pty {
                    path: None,
                    extra: Extra::default(),
                },
            )
        };
        assert_eq!(char_of(xml), model);
        assert_eq!(xml_of(&model.write()), xml);
        assert!(clean(xml));
    }

    #[test]
    fn wiremode_is_upgraded_to_protocol() {
        let xml = "<serial type=\"tcp\">\n  <source mode=\"connect\" host=\"0.0.0.0\" service=\"2445\"/>\n  <wiremode type=\"telnet\"/>\n  <target port=\"1\"/>\n</serial>";
        let c = char_of(xml);
        assert!(matches!(
            &c.source,
            CharSource::Tcp {
                protocol: Some(CharProtocol::Telnet),
                ..
            }
        ));
        assert!(c.extra.is_empty(), "{:?}", c.extra);
        assert_eq!(
            xml_of(&c.write()),
            "<serial type='tcp'>\n  <source mode='connect' host='0.0.0.0' service='2445'/>\n  <protocol type='telnet'/>\n  <target port='1'/>\n</serial>\n"
        );
        let report = crate::check(&domain(xml));
        let w = report
            .diagnostics
            .iter()
            .find(|d| d.code == "W-CHARDEV-WIREMODE-OBSOLETE")
            .expect("wiremode warning");
        assert_eq!(w.path, "/domain/devices/serial/wiremode");
        assert!(
            w.message.contains("<protocol type='telnet'/>"),
            "{}",
            w.message
        );
        // A <protocol> next to it wins; the <wiremode> stays and is reported as ignored.
        let both = "<serial type='tcp'><source host='a' service='1'/><protocol type='raw'/><wiremode type='telnet'/></serial>";
        assert!(matches!(
            char_of(both).source,
            CharSource::Tcp {
                protocol: Some(CharProtocol::Raw),
                ..
            }
        ));
        assert!(has(both, "W-CHARDEV-WIREMODE-IGNORED"));
    }

    #[test]
    fn unmodelled_parts_come_back_in_place() {
        for xml in [
            // tls, reconnect, log, alias and address kept around the modelled parts.
            "<serial type='tcp'>\n  <source mode='connect' host='h' service='1' tls='yes'>\n    <reconnect enabled='yes' timeout='10'/>\n  </source>\n  <protocol type='raw'/>\n  <log file='/var/log/s.log' append='on'/>\n  <target type='isa-serial' port='0'>\n    <model name='isa-serial'/>\n  </target>\n  <alias name='serial0'/>\n</serial>\n",
            "<serial type='unix'>\n  <source mode='bind' path='/tmp/s'>\n    <seclabel model='selinux' relabel='no'/>\n  </source>\n  <target port='0'/>\n</serial>\n",
            // No type: libvirt reads pty; the document keeps saying nothing.
            "<console tty='/dev/pts/5'/>\n",
            // A connect source without mode, and a port vmxml does not model.
            "<serial type='udp'>\n  <source service='1234'/>\n  <target port='-1'/>\n</serial>\n",
            "<console type='nmdm'>\n  <source master='/dev/nmdm0A' slave='/dev/nmdm0B'/>\n  <target type='serial' port='0'/>\n</console>\n",
            "<serial type='file'>\n  <source path='/a' append='on'/>\n  <target port='0'/>\n</serial>\n",
        ] {
            assert_eq!(xml_of(&char_of(xml).write()), xml);
        }
        let c = char_of("<console tty='/dev/pts/5'/>");
        assert!(c.type_omitted && matches!(c.source, CharSource::Pty { .. }));
        assert_eq!(c.tty.as_deref(), Some("/dev/pts/5"));
    }

    #[test]
    fn udp_is_written_bind_first() {
        let c = char_of("<serial type='udp'><source mode='connect' service='2'/><source mode='bind' service='1'/></serial>");
        assert_eq!(
            xml_of(&c.write()),
            "<serial type='udp'>\n  <source mode='bind' service='1'/>\n  <source mode='connect' service='2'/>\n</serial>\n"
        );
    }

    #[test]
    fn models_survive_serde() {
        for (_, _, source) in spec_sources() {
            let model = CharDevice {
                target_type: Some("serial".into()),
                ..CharDevice::new(CharKind::Console, source)
            };
            let json = serde_json::to_string(&model).unwrap();
            assert_eq!(serde_json::from_str::<CharDevice>(&json).unwrap(), model);
        }
    }

    #[test]
    fn rule_type() {
        assert!(has("<serial type='bogus'/>", "E-CHARDEV-TYPE"));
        assert!(has(
            "<serial type='spiceport'><source channel='org.qemu.console.serial.0'/></serial>",
            "I-CHARDEV-TYPE-KEPT"
        ));
        assert!(has("<serial/>", "W-CHARDEV-TYPE-MISSING"));
        assert!(clean("<console tty='/dev/pts/1'/>"));
        assert!(clean("<serial type='pty'/>"));
    }

    #[test]
    fn rule_path_needed() {
        for ty in ["file", "dev", "unix", "pipe"] {
            assert!(
                has(
                    &format!("<serial type='{ty}'><target port='0'/></serial>"),
                    "E-CHARDEV-SOURCE-PATH-MISSING"
                ),
                "{ty}"
            );
            assert!(clean(&format!(
                "<serial type='{ty}'><source path='/x'/></serial>"
            )));
        }
        assert!(
            found("<serial type='file'/><serial type='unix'><source mode='bind'/></serial>")
                .contains(&(
                    "E-CHARDEV-SOURCE-PATH-MISSING".into(),
                    "/domain/devices/serial[2]/source/@path".into()
                ))
        );
        // libvirt makes the socket of a virtio or xen channel itself.
        assert!(clean("<channel type='unix'><source mode='bind'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"));
        assert!(has("<channel type='unix'><source mode='bind'/><target type='guestfwd' address='10.0.2.1' port='4600'/></channel>", "E-CHARDEV-SOURCE-PATH-MISSING"));
    }

    #[test]
    fn rule_tcp_host_and_service() {
        let f = found("<serial type='tcp'><source mode='bind' service='1'/></serial><serial type='tcp'><source mode='bind' host='h'/></serial>");
        assert!(f.contains(&(
            "E-CHARDEV-SOURCE-HOST-MISSING".into(),
            "/domain/devices/serial[1]/source/@host".into()
        )));
        assert!(f.contains(&(
            "E-CHARDEV-SOURCE-SERVICE-MISSING".into(),
            "/domain/devices/serial[2]/source/@service".into()
        )));
        assert!(has("<serial type='tcp'/>", "E-CHARDEV-SOURCE-HOST-MISSING"));
        assert!(clean(
            "<serial type='tcp'><source host='h' service='1'/></serial>"
        ));
    }

    #[test]
    fn rule_udp_connect_service() {
        assert!(has(
            "<serial type='udp'><source mode='connect' host='h'/></serial>",
            "E-CHARDEV-SOURCE-SERVICE-MISSING"
        ));
        assert!(has(
            "<serial type='udp'><source mode='bind' service='1'/></serial>",
            "E-CHARDEV-SOURCE-SERVICE-MISSING"
        ));
        // The first connect source with a host takes the slot; a later one is ignored.
        assert!(has(
            "<serial type='udp'><source mode='connect' host='h'/><source service='3'/></serial>",
            "E-CHARDEV-SOURCE-SERVICE-MISSING"
        ));
        assert!(clean("<serial type='udp'><source mode='connect'/><source mode='connect' service='5'/></serial>"));
        assert!(clean("<serial type='udp'><source service='5'/></serial>"));
    }

    #[test]
    fn rule_source_count() {
        let f = found("<serial type='tcp'><source mode='bind' host='h' service='1'/><source mode='connect' host='h' service='1'/></serial>");
        assert!(
            f.contains(&(
                "E-CHARDEV-SOURCE-COUNT".into(),
                "/domain/devices/serial/source[2]".into()
            )),
            "{f:?}"
        );
        assert!(has(
            "<serial type='pty'><source path='/dev/pts/1'/><source path='/dev/pts/2'/></serial>",
            "E-CHARDEV-SOURCE-COUNT"
        ));
        let three = "<serial type='udp'><source mode='connect' service='1'/><source mode='bind' service='2'/><source mode='connect' service='3'/></serial>";
        assert!(found(three).contains(&(
            "E-CHARDEV-SOURCE-COUNT".into(),
            "/domain/devices/serial/source[3]".into()
        )));
        assert!(clean("<serial type='udp'><source mode='connect' service='1'/><source mode='bind' service='2'/></serial>"));
    }

    #[test]
    fn rule_mode_and_protocol() {
        assert!(has(
            "<serial type='tcp'><source mode='sideways' host='h' service='1'/></serial>",
            "E-CHARDEV-SOURCE-MODE"
        ));
        assert!(has(
            "<serial type='tcp'><source host='h' service='1'/><protocol type='ssh'/></serial>",
            "E-CHARDEV-PROTOCOL"
        ));
        assert!(has(
            "<serial type='file'><source path='/a'/><protocol type='telnet'/></serial>",
            "W-CHARDEV-PROTOCOL-IGNORED"
        ));
        assert!(has(
            "<serial type='tcp'><source host='h' service='1' tls='maybe'/></serial>",
            "E-VALUE-YES-NO"
        ));
        assert!(clean("<serial type='tcp'><source mode='bind' host='h' service='1' tls='yes'/><protocol type='telnets'/></serial>"));
    }

    #[test]
    fn rule_service_range() {
        assert!(
            found("<serial type='tcp'><source host='h' service='70000'/></serial>").contains(&(
                "W-CHARDEV-SERVICE-RANGE".into(),
                "/domain/devices/serial/source/@service".into()
            ))
        );
        assert!(has(
            "<serial type='udp'><source service='0'/></serial>",
            "W-CHARDEV-SERVICE-RANGE"
        ));
        // A service name is looked up on the host: not vmxml's to judge.
        assert!(clean(
            "<serial type='tcp'><source host='h' service='telnet'/></serial>"
        ));
    }

    #[test]
    fn rule_reconnect() {
        let tcp = |mode: &str, reconnect: &str| {
            format!("<serial type='tcp'><source mode='{mode}' host='h' service='1'>{reconnect}</source></serial>")
        };
        assert!(has(
            &tcp("bind", "<reconnect enabled='yes' timeout='10'/>"),
            "E-CHARDEV-RECONNECT-MODE"
        ));
        assert!(has(
            &tcp("bind", "<reconnect enabled='no'/>"),
            "E-CHARDEV-RECONNECT-MODE"
        ));
        assert!(has(
            &tcp("connect", "<reconnect enabled='yes'/>"),
            "E-CHARDEV-RECONNECT-TIMEOUT"
        ));
        assert!(has(
            &tcp("connect", "<reconnect enabled='yes' timeout='-1'/>"),
            "E-CHARDEV-RECONNECT-TIMEOUT"
        ));
        assert!(has(
            &tcp("connect", "<reconnect enabled='maybe'/>"),
            "E-CHARDEV-RECONNECT-ENABLED"
        ));
        assert!(has(
            &tcp("connect", "<reconnect timeout='3'/>"),
            "W-CHARDEV-RECONNECT-IGNORED"
        ));
        assert!(clean(&tcp(
            "connect",
            "<reconnect enabled='yes' timeout='10'/>"
        )));
        assert!(clean(&tcp("connect", "<reconnect enabled='no'/>")));
        assert!(has("<serial type='unix'><source mode='bind' path='/s'><reconnect enabled='yes' timeout='1'/></source></serial>", "E-CHARDEV-RECONNECT-MODE"));
    }

    #[test]
    fn rule_target() {
        assert!(has(
            "<serial type='pty'><target port='abc'/></serial>",
            "E-CHARDEV-TARGET-PORT"
        ));
        assert!(has(
            "<serial type='pty'><target port='-2'/></serial>",
            "E-CHARDEV-TARGET-PORT-NEGATIVE"
        ));
        assert!(has(
            "<serial type='pty'><target port='-1'/></serial>",
            "W-CHARDEV-TARGET-PORT-AUTO"
        ));
        assert!(clean("<serial type='pty'><target port='0'/></serial>"));
        assert!(has(
            "<serial type='pty'><target type='serial'/></serial>",
            "E-CHARDEV-TARGET-TYPE"
        ));
        assert!(has(
            "<console type='pty'><target type='isa-serial'/></console>",
            "E-CHARDEV-TARGET-TYPE"
        ));
        assert!(has(
            "<parallel type='pty'><target type='isa-serial'/></parallel>",
            "W-CHARDEV-TARGET-TYPE-IGNORED"
        ));
        assert!(has(
            "<serial type='pty'><target type='none'/></serial>",
            "W-CHARDEV-TARGET-TYPE-NONE"
        ));
        assert!(clean("<serial type='pty'><target type='isa-serial' port='0'><model name='isa-serial'/></target></serial><console type='pty'><target type='serial' port='0'/></console>"));
    }

    #[test]
    fn rule_kept_types() {
        assert!(has(
            "<serial type='nmdm'><source master='/dev/nmdm0A'/></serial>",
            "E-CHARDEV-NMDM-PATHS"
        ));
        assert!(clean(
            "<serial type='nmdm'><source master='/dev/nmdm0A' slave='/dev/nmdm0B'/></serial>"
        ));
        assert!(has(
            "<serial type='spiceport'><source/></serial>",
            "E-CHARDEV-SOURCE-CHANNEL-MISSING"
        ));
        assert!(has(
            "<serial type='spiceport'><source channel='a b'/></serial>",
            "E-CHARDEV-SOURCE-CHANNEL"
        ));
    }

    #[test]
    fn rule_embedded_sources() {
        assert!(
            found("<redirdev bus='usb' type='unix'><source mode='connect'/></redirdev>").contains(
                &(
                    "E-CHARDEV-SOURCE-PATH-MISSING".into(),
                    "/domain/devices/redirdev/source/@path".into()
                )
            )
        );
        assert!(found("<rng model='virtio'><backend model='egd' type='unix'><source mode='connect'/></backend></rng>")
            .contains(&("E-CHARDEV-SOURCE-PATH-MISSING".into(), "/domain/devices/rng/backend/source/@path".into())));
        assert!(has(
            "<smartcard mode='passthrough' type='unix'><source mode='connect'/></smartcard>",
            "E-CHARDEV-SOURCE-PATH-MISSING"
        ));
        assert!(has("<channel type='tcp'><source mode='bind' service='1'/><target type='virtio' name='x'/></channel>", "E-CHARDEV-SOURCE-HOST-MISSING"));
        assert!(clean("<redirdev bus='usb' type='unix'><source mode='connect' path='/r'/></redirdev><rng model='virtio'><backend model='egd' type='unix'><source mode='connect' path='/e'/></backend></rng><rng model='virtio'><backend model='random'>/dev/urandom</backend></rng><smartcard mode='passthrough' type='spicevmc'/><channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel><graphics type='spice' autoport='yes'/>"));
    }
}
