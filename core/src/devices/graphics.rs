//! `<graphics>`: the guest's framebuffer, shown in an SDL window or served over VNC or SPICE.

use serde::{Deserialize, Serialize};

use crate::devices::Device;
use crate::diagnostic::Diagnostics;
use crate::node::{step, Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::values::{choice_hint, parse_i32, parse_ipv4};
use crate::xml::{Element, Node};

/// Graphics types libvirt knows that vmxml keeps as written.
const KEPT_TYPES: &[&str] = &["rdp", "desktop", "egl-headless", "dbus"];
const MODELLED_TYPES: &[&str] = &["sdl", "vnc", "spice"];
/// `<listen type=...>` values.
const LISTEN_TYPES: &[&str] = &["address", "network", "socket", "none"];
/// The first port QEMU's VNC server can use: VNC display N is TCP port 5900 + N.
const VNC_BASE_PORT: i32 = 5900;

/// The display server; the variant is the graphics `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GraphicsKind {
    /// `type='sdl'`: a window on the host's own X display.
    Sdl {
        /// X display, such as `:0.0`.
        #[serde(default)]
        display: Option<String>,
        /// Path of the X authority file.
        #[serde(default)]
        xauth: Option<String>,
        #[serde(default)]
        fullscreen: Option<bool>,
    },
    /// `type='vnc'`: a VNC server on a TCP port or a UNIX socket.
    Vnc {
        /// TCP port; `-1` is the legacy spelling of autoport.
        #[serde(default)]
        port: Option<i32>,
        #[serde(default)]
        autoport: Option<bool>,
        /// Address to listen on (IP address or host name).
        #[serde(default)]
        listen: Option<String>,
        /// UNIX socket path instead of a TCP port.
        #[serde(default)]
        socket: Option<String>,
        /// Clear-text VNC password.
        #[serde(default)]
        passwd: Option<String>,
        /// Keyboard layout, such as `en-us` or `de`.
        #[serde(default)]
        keymap: Option<String>,
    },
    /// `type='spice'`: a SPICE server, what modern KVM desktops use.
    Spice {
        #[serde(default)]
        port: Option<i32>,
        /// Port for TLS connections.
        #[serde(default)]
        tls_port: Option<i32>,
        #[serde(default)]
        autoport: Option<bool>,
        #[serde(default)]
        listen: Option<String>,
        #[serde(default)]
        passwd: Option<String>,
        #[serde(default)]
        keymap: Option<String>,
    },
    /// Another type (rdp, desktop, egl-headless, dbus), kept as written; an empty name means
    /// the document gave no type.
    Other { graphics_type: String },
}

impl GraphicsKind {
    pub fn type_name(&self) -> &str {
        match self {
            GraphicsKind::Sdl { .. } => "sdl",
            GraphicsKind::Vnc { .. } => "vnc",
            GraphicsKind::Spice { .. } => "spice",
            GraphicsKind::Other { graphics_type } => graphics_type,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Graphics {
    pub kind: GraphicsKind,
    /// Unmodelled attributes and children, including the `<listen>` elements.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// Takes `passwd`, and upgrades the 2008 spelling `password` to it.
fn read_passwd(c: &mut Cursor, diags: &mut Diagnostics) -> Option<String> {
    let passwd = c.attr("passwd").map(str::to_string);
    let Some(old) = c.attr("password").map(str::to_string) else {
        return passwd;
    };
    let path = c.attr_path("password");
    // The values are secrets: the messages never repeat them.
    match passwd {
        None => {
            diags.warning(
                "W-GRAPHICS-PASSWORD-OBSOLETE",
                path,
                "password= is the 2008 spelling of passwd=; vmxml changed it to passwd=",
                "today's libvirt ignores password= and would start the console with no password; keep passwd=",
            );
            Some(old)
        }
        Some(p) => {
            diags.warning(
                "W-GRAPHICS-PASSWORD-OBSOLETE",
                path,
                "password= is the 2008 spelling of passwd=, which is also set; vmxml dropped password= and kept passwd=",
                "libvirt ignores password=; check that passwd= holds the password you mean",
            );
            Some(p)
        }
    }
}

fn read_port(c: &mut Cursor, name: &str, diags: &mut Diagnostics) -> Option<i32> {
    c.attr_parsed(name, diags, |v| parse_i32(name, v))
}

fn owned(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

/// libvirt's schema type for listen addresses: an IP address or a DNS name.
fn is_ip_or_dns_name(s: &str) -> bool {
    parse_ipv4(s).is_some()
        || crate::values::is_ipv6(s)
        || (!s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'))
}

/// Digits and dots that are not an IPv4 address, such as `192.168.1.300`: the schema takes it
/// as a host name, but no resolver will.
fn is_broken_ipv4(s: &str) -> bool {
    s.contains('.') && s.chars().all(|c| c.is_ascii_digit() || c == '.') && parse_ipv4(s).is_none()
}

fn check_listen_address(value: &str, path: String, diags: &mut Diagnostics) {
    if !is_ip_or_dns_name(value) {
        diags.error(
            "E-GRAPHICS-LISTEN-ADDRESS",
            path,
            format!("listen address '{value}' is neither an IP address nor a host name"),
            "write an IP address such as 127.0.0.1 (local only) or 0.0.0.0 (everywhere), or a host name of letters, digits, dots and dashes",
        );
    } else if is_broken_ipv4(value) {
        diags.warning(
            "W-GRAPHICS-LISTEN-ADDRESS",
            path,
            format!("listen address '{value}' looks like an IPv4 address but is not one"),
            "each of the four numbers must be between 0 and 255, such as 192.168.1.30",
        );
    }
}

impl Graphics {
    pub fn new(kind: GraphicsKind) -> Graphics {
        Graphics {
            kind,
            extra: Extra::default(),
        }
    }

    /// SPICE on a port libvirt picks, listening on the host only.
    pub fn spice_auto() -> Graphics {
        Graphics::new(GraphicsKind::Spice {
            port: None,
            tls_port: None,
            autoport: Some(true),
            listen: Some("127.0.0.1".into()),
            passwd: None,
            keymap: None,
        })
    }

    /// VNC on a port libvirt picks, listening on the host only.
    pub fn vnc_auto() -> Graphics {
        Graphics::new(GraphicsKind::Vnc {
            port: Some(-1),
            autoport: Some(true),
            listen: Some("127.0.0.1".into()),
            socket: None,
            passwd: None,
            keymap: None,
        })
    }

    /// The `listen` attribute, whether modelled or kept.
    pub fn listen(&self) -> Option<&str> {
        match &self.kind {
            GraphicsKind::Vnc { listen, .. } | GraphicsKind::Spice { listen, .. } => {
                listen.as_deref()
            }
            _ => self.extra.attr("listen"),
        }
    }

    /// Sets the listen address on the attribute and on a first `<listen type='address'>`,
    /// which libvirt requires to agree.
    pub fn set_listen(&mut self, address: Option<String>) {
        if let GraphicsKind::Vnc { listen, .. } | GraphicsKind::Spice { listen, .. } =
            &mut self.kind
        {
            listen.clone_from(&address);
        }
        let first = self
            .extra
            .children
            .iter_mut()
            .find_map(|c| match &mut c.node {
                Node::Element(e) if e.name == "listen" => Some(e),
                _ => None,
            });
        if let Some(l) = first.filter(|l| l.attr("type") == Some("address")) {
            match &address {
                Some(a) => l.set_attr("address", a.as_str()),
                None => l.attrs.retain(|a| a.name != "address"),
            }
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Graphics {
        let graphics_type = c.attr("type").unwrap_or("").to_string();
        let kind = match graphics_type.as_str() {
            "sdl" => GraphicsKind::Sdl {
                display: owned(c.attr("display")),
                xauth: owned(c.attr("xauth")),
                fullscreen: c.attr_yes_no("fullscreen", diags),
            },
            "vnc" => GraphicsKind::Vnc {
                port: read_port(&mut c, "port", diags),
                autoport: c.attr_yes_no("autoport", diags),
                listen: owned(c.attr("listen")),
                socket: owned(c.attr("socket")),
                passwd: read_passwd(&mut c, diags),
                keymap: owned(c.attr("keymap")),
            },
            "spice" => GraphicsKind::Spice {
                port: read_port(&mut c, "port", diags),
                tls_port: read_port(&mut c, "tlsPort", diags),
                autoport: c.attr_yes_no("autoport", diags),
                listen: owned(c.attr("listen")),
                passwd: read_passwd(&mut c, diags),
                keymap: owned(c.attr("keymap")),
            },
            other => {
                if KEPT_TYPES.contains(&other) {
                    diags.info(
                        "I-GRAPHICS-TYPE-KEPT",
                        c.attr_path("type"),
                        format!("graphics type '{other}' is kept as written; vmxml models sdl, vnc and spice"),
                        "the wizard shows this console as kept as is",
                    );
                }
                GraphicsKind::Other {
                    graphics_type: other.to_string(),
                }
            }
        };
        Graphics {
            kind,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let port = |p: &Option<i32>| p.map(|p| p.to_string());
        let type_name = Some(self.kind.type_name()).filter(|t| !t.is_empty());
        let b = ElementBuilder::new("graphics").opt_attr("type", type_name);
        // Attribute order is libvirt's.
        let b = match &self.kind {
            GraphicsKind::Sdl {
                display,
                xauth,
                fullscreen,
            } => b
                .opt_attr("display", display.as_ref())
                .opt_attr("xauth", xauth.as_ref())
                .yes_no("fullscreen", *fullscreen),
            GraphicsKind::Vnc {
                port: p,
                autoport,
                listen,
                socket,
                passwd,
                keymap,
            } => b
                .opt_attr("socket", socket.as_ref())
                .opt_attr("port", port(p))
                .yes_no("autoport", *autoport)
                .opt_attr("listen", listen.as_ref())
                .opt_attr("keymap", keymap.as_ref())
                .opt_attr("passwd", passwd.as_ref()),
            GraphicsKind::Spice {
                port: p,
                tls_port,
                autoport,
                listen,
                passwd,
                keymap,
            } => b
                .opt_attr("port", port(p))
                .opt_attr("tlsPort", port(tls_port))
                .yes_no("autoport", *autoport)
                .opt_attr("listen", listen.as_ref())
                .opt_attr("keymap", keymap.as_ref())
                .opt_attr("passwd", passwd.as_ref()),
            GraphicsKind::Other { .. } => b,
        };
        b.build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        match &self.kind {
            GraphicsKind::Other { graphics_type } if graphics_type.is_empty() => {
                diags.error(
                    "E-GRAPHICS-TYPE-MISSING",
                    path.to_string(),
                    "the graphics device has no type",
                    "add type='spice' (KVM desktops) or type='vnc' (widest client support)",
                );
                return;
            }
            GraphicsKind::Other { graphics_type } => {
                if !KEPT_TYPES.contains(&graphics_type.as_str()) {
                    let known: Vec<&str> =
                        MODELLED_TYPES.iter().chain(KEPT_TYPES).copied().collect();
                    diags.error(
                        "E-GRAPHICS-TYPE",
                        format!("{path}/@type"),
                        format!("libvirt does not know graphics type '{graphics_type}'"),
                        choice_hint(graphics_type, &known),
                    );
                    return;
                }
            }
            GraphicsKind::Sdl { .. } => {}
            GraphicsKind::Vnc {
                port,
                autoport,
                socket,
                ..
            } => self.validate_vnc_ports(path, *port, *autoport, socket.is_some(), diags),
            GraphicsKind::Spice {
                port,
                tls_port,
                autoport,
                ..
            } => {
                let low = if *autoport == Some(true) {
                    LowPort::Ignored
                } else {
                    LowPort::Warning
                };
                for (name, value) in [("port", port), ("tlsPort", tls_port)] {
                    check_port(path, name, *value, low, diags);
                }
                check_autoport(
                    path,
                    &[("port", *port), ("tlsPort", *tls_port)],
                    *autoport,
                    diags,
                );
            }
        }
        if matches!(
            self.kind,
            GraphicsKind::Vnc { .. } | GraphicsKind::Spice { .. }
        ) || self.kind.type_name() == "rdp"
        {
            self.validate_listens(path, diags);
        }
    }

    fn validate_vnc_ports(
        &self,
        path: &str,
        port: Option<i32>,
        autoport: Option<bool>,
        has_socket: bool,
        diags: &mut Diagnostics,
    ) {
        if has_socket {
            return;
        }
        // libvirt turns autoport on for port='-1' or no port, unless autoport says otherwise.
        let auto = autoport.unwrap_or(matches!(port, None | Some(-1)));
        let low = if auto {
            LowPort::Ignored
        } else {
            LowPort::Error
        };
        check_port(path, "port", port, low, diags);
        check_autoport(path, &[("port", port)], autoport, diags);
        if autoport == Some(false) && port.is_none() {
            diags.warning(
                "W-GRAPHICS-NO-PORT",
                format!("{path}/@autoport"),
                "autoport='no' and no port: the VNC server has no port to listen on",
                "set a port such as port='5901', or write autoport='yes'",
            );
        }
    }

    /// `<listen>` children, and how they agree with the `listen` and `socket` attributes.
    fn validate_listens(&self, path: &str, diags: &mut Diagnostics) {
        let listens: Vec<&Element> = self
            .extra
            .elements()
            .filter(|e| e.name == "listen")
            .collect();
        let count = listens.len();
        for (i, l) in listens.iter().enumerate() {
            let lpath = format!("{path}/{}", step("listen", i + 1, count));
            // A missing type, or type='network' without network=, are the schema's to report:
            // its required-attribute check names them at the same place.
            let Some(ltype) = l.attr("type") else {
                continue;
            };
            if !LISTEN_TYPES.contains(&ltype) {
                diags.error(
                    "E-GRAPHICS-LISTEN-TYPE",
                    format!("{lpath}/@type"),
                    format!("libvirt does not know listen type '{ltype}'"),
                    choice_hint(ltype, LISTEN_TYPES),
                );
                continue;
            }
            for (attr, owner) in [("network", "network"), ("socket", "socket")] {
                if ltype != owner && l.attr(attr).is_some_and(|v| !v.is_empty()) {
                    diags.error(
                        "E-GRAPHICS-LISTEN-ATTR",
                        format!("{lpath}/@{attr}"),
                        format!("{attr}= belongs to <listen type='{owner}'>, and this listen is type='{ltype}'"),
                        format!("remove {attr}=, or change the listen to type='{owner}'"),
                    );
                }
            }
            if let Some(a) = l.attr("address") {
                check_listen_address(a, format!("{lpath}/@address"), diags);
            }
        }
        let listen_attr = self.listen().filter(|v| !v.is_empty());
        if let Some(a) = self.listen() {
            if a.is_empty() {
                diags.warning(
                    "W-GRAPHICS-LISTEN-EMPTY",
                    format!("{path}/@listen"),
                    "listen='' is empty and libvirt ignores it",
                    "remove listen=, or write an address such as 127.0.0.1",
                );
            } else {
                check_listen_address(a, format!("{path}/@listen"), diags);
            }
        }
        let first = listens.first();
        let first_path = format!("{path}/{}", step("listen", 1, count));
        if let (Some(attr), Some(l)) = (listen_attr, first) {
            match l.attr("type") {
                Some("address") => {
                    if let Some(addr) = l.attr("address").filter(|a| *a != attr) {
                        diags.error(
                            "E-GRAPHICS-LISTEN-MISMATCH",
                            format!("{path}/@listen"),
                            format!("listen='{attr}' does not match the first <listen>'s address '{addr}'"),
                            "libvirt requires them to agree: write the same address in both, or remove listen= and keep <listen>",
                        );
                    }
                }
                Some(other) => diags.warning(
                    "W-GRAPHICS-LISTEN-IGNORED",
                    format!("{path}/@listen"),
                    format!(
                        "listen='{attr}' is ignored because the first <listen> is type='{other}'"
                    ),
                    "remove listen=, or make the first <listen> type='address'",
                ),
                None => {}
            }
        }
        if let GraphicsKind::Vnc {
            socket: Some(socket),
            ..
        } = &self.kind
        {
            let listen_socket = first
                .filter(|l| l.attr("type") == Some("socket"))
                .and_then(|l| l.attr("socket"));
            if let Some(s) = listen_socket.filter(|s| s != socket) {
                diags.error(
                    "E-GRAPHICS-SOCKET-MISMATCH",
                    format!("{path}/@socket"),
                    format!("socket='{socket}' does not match the first <listen>'s socket '{s}'"),
                    "libvirt requires them to agree: write the same path in both, or remove socket= and keep <listen>",
                );
            }
        }
        if count > 1 {
            diags.warning(
                "W-GRAPHICS-MULTIPLE-LISTENS",
                first_path,
                format!(
                    "{count} <listen> elements: QEMU listens on one address per graphics device"
                ),
                "keep one <listen>; QEMU refuses to start with more",
            );
        }
    }
}

/// What a port below 5900 means for one device.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LowPort {
    /// A fixed VNC port: VNC display N is port 5900 + N, so libvirt refuses to start.
    Error,
    /// SPICE: works, but is unusual and below 1024 needs root.
    Warning,
    /// autoport='yes': libvirt ignores the value anyway.
    Ignored,
}

/// A port value: within libvirt's range, and where it matters, 5900 or above.
fn check_port(path: &str, name: &str, value: Option<i32>, low: LowPort, diags: &mut Diagnostics) {
    let Some(p) = value else { return };
    let at = format!("{path}/@{name}");
    if !(-1..=65535).contains(&p) {
        diags.error(
            "E-GRAPHICS-PORT-RANGE",
            at,
            format!("{name} {p} is out of range"),
            "use -1 (pick one automatically) or a TCP port from 5900 to 65535",
        );
        return;
    }
    if p == -1 || p >= VNC_BASE_PORT {
        return;
    }
    match low {
        LowPort::Error => diags.error(
            "E-GRAPHICS-PORT-RANGE",
            at,
            format!("VNC {name} {p} is below 5900; libvirt refuses to start the guest"),
            "VNC display N is port 5900+N: use a port from 5900 to 65535, or autoport='yes'",
        ),
        // Port 0 is how libvirt spells "no port".
        LowPort::Warning if p != 0 => diags.warning(
            "W-GRAPHICS-PORT-RANGE",
            at,
            format!("{name} {p} is below 5900, where consoles usually are"),
            "ports below 1024 need root, which QEMU does not run as; use 5900 and above, or autoport='yes'",
        ),
        _ => {}
    }
}

/// autoport='yes' makes libvirt drop fixed ports; port='-1' with autoport='no' contradicts.
fn check_autoport(
    path: &str,
    ports: &[(&str, Option<i32>)],
    autoport: Option<bool>,
    diags: &mut Diagnostics,
) {
    for (name, value) in ports {
        match (autoport, value) {
            (Some(true), Some(p)) if *p > 0 => diags.warning(
                "W-GRAPHICS-AUTOPORT-PORT",
                format!("{path}/@{name}"),
                format!("{name}='{p}' is ignored because autoport='yes'"),
                format!(
                    "remove {name}= to let libvirt pick, or write autoport='no' to keep port {p}"
                ),
            ),
            (Some(false), Some(-1)) => diags.warning(
                "W-GRAPHICS-AUTOPORT-PORT",
                format!("{path}/@{name}"),
                format!("{name}='-1' asks for an automatic port, but autoport='no' says otherwise"),
                "write autoport='yes' for an automatic port, or a fixed port from 5900",
            ),
            _ => {}
        }
    }
}

/// Rules across graphics devices: no two claim the same fixed TCP port.
/// Whether the guest has a SPICE display, which spicevmc channels and redirection travel over.
pub fn has_spice(devices: &[(&Device, String)]) -> bool {
    devices.iter().any(
        |(d, _)| matches!(d, Device::Graphics(g) if matches!(g.kind, GraphicsKind::Spice { .. })),
    )
}

pub fn validate_all(devices: &[(&Device, String)], _cx: &Context, diags: &mut Diagnostics) {
    let mut seen = crate::values::FirstSeen::default();
    let mut used_at: Vec<String> = Vec::new();
    for (d, path) in devices {
        let Device::Graphics(g) = d else { continue };
        let ports: Vec<(&str, i32)> = match &g.kind {
            GraphicsKind::Vnc {
                port: Some(p),
                autoport,
                socket: None,
                ..
            } if *autoport != Some(true) => vec![("port", *p)],
            GraphicsKind::Spice {
                port,
                tls_port,
                autoport,
                ..
            } if *autoport != Some(true) => [("port", *port), ("tlsPort", *tls_port)]
                .into_iter()
                .filter_map(|(n, p)| p.map(|p| (n, p)))
                .collect(),
            _ => Vec::new(),
        };
        for (name, p) in ports.into_iter().filter(|(_, p)| *p > 0) {
            let at = format!("{path}/@{name}");
            match seen.check(p.to_string(), used_at.len()) {
                Some(first) => diags.warning(
                    "W-GRAPHICS-PORT-DUPLICATE",
                    at,
                    format!(
                        "port {p} is already used by {}",
                        used_at.get(first).map_or("", String::as_str)
                    ),
                    "give each console its own port, or use autoport='yes'",
                ),
                None => used_at.push(at),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn graphics_of(xml: &str) -> Graphics {
        match first_device(xml) {
            Device::Graphics(g) => g,
            other => panic!("not graphics: {other:?}"),
        }
    }

    fn both_directions(xml: &str, kind: GraphicsKind) {
        let model = Graphics::new(kind);
        assert_eq!(graphics_of(xml), model, "{xml}");
        assert_eq!(xml_of(&model.write()), xml);
    }

    fn vnc(port: Option<i32>, autoport: Option<bool>, listen: Option<&str>) -> GraphicsKind {
        GraphicsKind::Vnc {
            port,
            autoport,
            listen: listen.map(Into::into),
            socket: None,
            passwd: None,
            keymap: None,
        }
    }

    #[test]
    fn spec_types_both_directions() {
        both_directions(
            "<graphics type='vnc' port='5904'/>\n",
            vnc(Some(5904), None, None),
        );
        both_directions(
            "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>\n",
            vnc(Some(-1), Some(true), Some("127.0.0.1")),
        );
        both_directions(
            "<graphics type='vnc' port='5903' autoport='no' keymap='de' passwd='s3cr3t'/>\n",
            GraphicsKind::Vnc {
                port: Some(5903),
                autoport: Some(false),
                listen: None,
                socket: None,
                passwd: Some("s3cr3t".into()),
                keymap: Some("de".into()),
            },
        );
        both_directions(
            "<graphics type='vnc' socket='/tmp/vnc.sock'/>\n",
            GraphicsKind::Vnc {
                port: None,
                autoport: None,
                listen: None,
                socket: Some("/tmp/vnc.sock".into()),
                passwd: None,
                keymap: None,
            },
        );
        both_directions(
            "<graphics type='sdl' display=':0.0' xauth='/root/.Xauthority' fullscreen='yes'/>\n",
            GraphicsKind::Sdl {
                display: Some(":0.0".into()),
                xauth: Some("/root/.Xauthority".into()),
                fullscreen: Some(true),
            },
        );
        both_directions(
            "<graphics type='sdl'/>\n",
            GraphicsKind::Sdl {
                display: None,
                xauth: None,
                fullscreen: None,
            },
        );
        both_directions(
            "<graphics type='spice' port='5903' tlsPort='5904' autoport='no' listen='127.0.0.1' passwd='thebeast'/>\n",
            GraphicsKind::Spice {
                port: Some(5903),
                tls_port: Some(5904),
                autoport: Some(false),
                listen: Some("127.0.0.1".into()),
                passwd: Some("thebeast".into()),
                keymap: None,
            },
        );
        assert_eq!(
            xml_of(&Graphics::spice_auto().write()),
            "<graphics type='spice' autoport='yes' listen='127.0.0.1'/>\n"
        );
    }

    #[test]
    fn json_round_trip() {
        for xml in [
            "<graphics type='spice' port='5903' tlsPort='5904' autoport='no'><listen type='address' address='0.0.0.0'/></graphics>",
            "<graphics type='sdl' display=':0' fullscreen='no'/>",
            "<graphics type='rdp' autoport='yes'/>",
        ] {
            let g = graphics_of(xml);
            let json = serde_json::to_string(&g).unwrap();
            let back: Graphics = serde_json::from_str(&json).unwrap();
        // Spans are not serialised: compare what each writes.
        assert_eq!(xml_of(&back.write()), xml_of(&g.write()), "{json}");
        }
    }

    #[test]
    fn listen_children_and_other_types_are_kept() {
        let xml = "<graphics type='spice' autoport='yes' defaultMode='secure'>\n  <listen type='address' address='0.0.0.0'/>\n  <channel name='main' mode='secure'/>\n  <image compression='auto_glz'/>\n</graphics>\n";
        assert_eq!(xml_of(&graphics_of(xml).write()), xml);
        let rdp = "<graphics type='rdp' autoport='yes' multiUser='yes'/>\n";
        let g = graphics_of(rdp);
        assert_eq!(g.kind.type_name(), "rdp");
        assert_eq!(xml_of(&g.write()), rdp);
    }

    #[test]
    fn set_listen_keeps_attribute_and_element_in_step() {
        let mut g = graphics_of("<graphics type='vnc' listen='1.2.3.4'><listen type='address' address='1.2.3.4'/></graphics>");
        g.set_listen(Some("0.0.0.0".into()));
        assert_eq!(
            xml_of(&g.write()),
            "<graphics type='vnc' listen='0.0.0.0'>\n  <listen type='address' address='0.0.0.0'/>\n</graphics>\n"
        );
    }

    #[test]
    fn password_is_upgraded_to_passwd() {
        let doc = "<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><devices><graphics type='vnc' port='5904' password='secret'/></devices></domain>";
        let report = crate::check(doc);
        let w = report
            .diagnostics
            .iter()
            .find(|d| d.code == "W-GRAPHICS-PASSWORD-OBSOLETE")
            .unwrap();
        assert_eq!(w.severity, crate::Severity::Warning);
        assert_eq!(w.path, "/domain/devices/graphics/@password");
        assert!(!w.message.contains("secret"));
        let g = graphics_of("<graphics type='vnc' port='5904' password='secret'/>");
        assert_eq!(
            g.kind,
            GraphicsKind::Vnc {
                port: Some(5904),
                autoport: None,
                listen: None,
                socket: None,
                passwd: Some("secret".into()),
                keymap: None,
            }
        );
        assert_eq!(
            xml_of(&g.write()),
            "<graphics type='vnc' port='5904' passwd='secret'/>\n"
        );
        let both = graphics_of("<graphics type='vnc' passwd='new' password='old'/>");
        assert_eq!(
            xml_of(&both.write()),
            "<graphics type='vnc' passwd='new'/>\n"
        );
    }

    fn codes(devices: &str) -> Vec<String> {
        codes_of(&domain_with_devices(devices))
    }

    fn has(devices: &str, code: &str) -> bool {
        codes(devices).iter().any(|c| c == code)
    }

    fn clean(devices: &str) -> bool {
        let c = codes(devices);
        !c.iter()
            .any(|c| c.contains("-GRAPHICS-") && !c.starts_with("I-"))
    }

    #[test]
    fn port_rules() {
        assert!(has(
            "<graphics type='vnc' port='100' autoport='no'/>",
            "E-GRAPHICS-PORT-RANGE"
        ));
        assert!(has(
            "<graphics type='vnc' port='100'/>",
            "E-GRAPHICS-PORT-RANGE"
        ));
        assert!(has(
            "<graphics type='vnc' port='70000'/>",
            "E-GRAPHICS-PORT-RANGE"
        ));
        assert!(has(
            "<graphics type='spice' tlsPort='-2'/>",
            "E-GRAPHICS-PORT-RANGE"
        ));
        assert!(has(
            "<graphics type='spice' port='590' autoport='no'/>",
            "W-GRAPHICS-PORT-RANGE"
        ));
        assert!(has("<graphics type='vnc' port='abc'/>", "E-VALUE-NUMBER"));
        assert!(clean(
            "<graphics type='vnc' port='5900'/><graphics type='spice' port='-1'/>"
        ));
        assert!(clean("<graphics type='vnc' port='65535' autoport='no'/>"));
    }

    #[test]
    fn autoport_rules() {
        assert!(has(
            "<graphics type='vnc' port='5904' autoport='yes'/>",
            "W-GRAPHICS-AUTOPORT-PORT"
        ));
        assert!(has(
            "<graphics type='spice' port='5904' autoport='yes'/>",
            "W-GRAPHICS-AUTOPORT-PORT"
        ));
        assert!(has(
            "<graphics type='vnc' port='-1' autoport='no'/>",
            "W-GRAPHICS-AUTOPORT-PORT"
        ));
        assert!(has(
            "<graphics type='vnc' autoport='no'/>",
            "W-GRAPHICS-NO-PORT"
        ));
        assert!(clean("<graphics type='vnc' port='-1' autoport='yes'/><graphics type='spice' autoport='yes'/>"));
    }

    #[test]
    fn listen_address_rules() {
        assert!(has(
            "<graphics type='vnc' listen='my_host!'/>",
            "E-GRAPHICS-LISTEN-ADDRESS"
        ));
        assert!(has(
            "<graphics type='vnc' listen='192.168.1.300'/>",
            "W-GRAPHICS-LISTEN-ADDRESS"
        ));
        assert!(has(
            "<graphics type='vnc' listen=''/>",
            "W-GRAPHICS-LISTEN-EMPTY"
        ));
        assert!(has(
            "<graphics type='vnc'><listen type='address' address='a b'/></graphics>",
            "E-GRAPHICS-LISTEN-ADDRESS"
        ));
        assert!(clean("<graphics type='vnc' listen='0.0.0.0'/><graphics type='spice' listen='::1'/><graphics type='vnc' listen='host.example.com'/>"));
    }

    #[test]
    fn listen_element_rules() {
        // The three libvirt corpus files it rejects, reduced.
        assert!(has("<graphics type='vnc' listen='192.168.123.123'><listen type='address' address='1.2.3.4'/></graphics>", "E-GRAPHICS-LISTEN-MISMATCH"));
        assert!(has("<graphics type='vnc' socket='/tmp/vnc.sock'><listen type='socket' socket='/tmp/mismatch.sock'/></graphics>", "E-GRAPHICS-SOCKET-MISMATCH"));
        // Flagged by the schema's required-attribute check, and not twice.
        let missing_network = codes("<graphics type='vnc'><listen type='network'/></graphics>");
        assert!(
            missing_network
                .iter()
                .filter(|c| c.starts_with("E-"))
                .count()
                == 1,
            "{missing_network:?}"
        );
        assert!(has(
            "<graphics type='vnc'><listen type='adress'/></graphics>",
            "E-GRAPHICS-LISTEN-TYPE"
        ));
        assert!(has(
            "<graphics type='vnc'><listen type='address' network='x'/></graphics>",
            "E-GRAPHICS-LISTEN-ATTR"
        ));
        assert!(has("<graphics type='vnc' listen='1.2.3.4'><listen type='network' network='default'/></graphics>", "W-GRAPHICS-LISTEN-IGNORED"));
        assert!(has(
            "<graphics type='vnc'><listen type='address'/><listen type='none'/></graphics>",
            "W-GRAPHICS-MULTIPLE-LISTENS"
        ));
        assert!(clean("<graphics type='vnc' listen='1.2.3.4'><listen type='address' address='1.2.3.4'/></graphics>"));
        assert!(clean("<graphics type='vnc' socket='/tmp/a.sock'><listen type='socket' socket='/tmp/a.sock'/></graphics>"));
        assert!(clean(
            "<graphics type='spice'><listen type='network' network='default'/></graphics>"
        ));
    }

    #[test]
    fn type_rules() {
        assert!(has("<graphics/>", "E-GRAPHICS-TYPE-MISSING"));
        assert!(has("<graphics type='vcn'/>", "E-GRAPHICS-TYPE"));
        assert!(has(
            "<graphics type='egl-headless'/>",
            "I-GRAPHICS-TYPE-KEPT"
        ));
        assert!(clean(
            "<graphics type='egl-headless'/><graphics type='sdl'/>"
        ));
    }

    #[test]
    fn duplicate_ports_across_devices() {
        assert!(has(
            "<graphics type='vnc' port='5904' autoport='no'/><graphics type='spice' port='5905' tlsPort='5904' autoport='no'/>",
            "W-GRAPHICS-PORT-DUPLICATE"
        ));
        assert!(clean("<graphics type='vnc' port='5904' autoport='no'/><graphics type='spice' port='5905' autoport='no'/>"));
    }
}
