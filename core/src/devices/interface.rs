//! `<interface>`: network cards and how each reaches a network on the host.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::domain::DomainType;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::{choice_hint, parse_i32, parse_ipv4, parse_mac};
use crate::xml::{Element, Node};

/// Interface types libvirt knows that vmxml keeps as written.
const KEPT_TYPES: &[&str] = &[
    "hostdev",
    "vhostuser",
    "udp",
    "vdpa",
    "null",
    "vds",
    "internal",
];
const MODELLED_TYPES: &[&str] = &[
    "network", "bridge", "user", "ethernet", "mcast", "server", "client", "direct",
];
/// Name prefixes libvirt keeps for the tap devices it names itself; it drops such a target
/// from a definition and picks a fresh name.
const RESERVED_TARGET_PREFIXES: &[&str] = &["vnet", "macvtap", "macvlan"];
/// NIC models the wizard offers; any other name libvirt accepts is kept.
pub const COMMON_MODELS: &[&str] = &["virtio", "e1000e", "e1000", "rtl8139", "netfront"];

value_enum!(
    /// `<source mode=...>` of a direct (macvtap) interface.
    DirectMode {
        /// Traffic between guests goes out to the switch (needs a VEPA-capable switch).
        Vepa = "vepa",
        /// Guests on one host device talk to each other directly; not to the host.
        Bridge = "bridge",
        /// Guests are isolated from each other.
        Private = "private",
        /// The whole host device is given to the guest (SR-IOV VFs).
        Passthrough = "passthrough",
    }
);

/// How the interface reaches the host; the variant is the interface's `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InterfaceSource {
    /// `type='network'`: a libvirt virtual network (`<source network=...>`), such as the
    /// NAT'ed `default`.
    Network {
        #[serde(default)]
        network: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='bridge'`: a host bridge onto the LAN (`<source bridge=...>`).
    Bridge {
        #[serde(default)]
        bridge: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='user'`: QEMU's user-mode (SLIRP) NAT, for unprivileged guests.
    User,
    /// `type='ethernet'`: a tap device set up by a script or by hand.
    Ethernet,
    /// `type='mcast'`: a multicast group shared by guests.
    Mcast {
        #[serde(default)]
        address: Option<String>,
        #[serde(default)]
        port: Option<i32>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='server'`: the listening end of a TCP tunnel between guests.
    Server {
        #[serde(default)]
        address: Option<String>,
        #[serde(default)]
        port: Option<i32>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='client'`: the connecting end of a TCP tunnel.
    Client {
        #[serde(default)]
        address: Option<String>,
        #[serde(default)]
        port: Option<i32>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='direct'`: macvtap on a host NIC (`<source dev='eth0' mode='bridge'/>`), with no
    /// bridge to set up; the host itself cannot reach the guest this way.
    Direct {
        #[serde(default)]
        dev: Option<String>,
        /// `None`: no mode written; libvirt reads vepa.
        #[serde(default)]
        mode: Option<DirectMode>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// Another type (hostdev, vhostuser, udp, vdpa, null, ...): its `<source>` is kept with
    /// the interface.
    Other { interface_type: String },
}

impl InterfaceSource {
    pub fn type_name(&self) -> &str {
        match self {
            InterfaceSource::Network { .. } => "network",
            InterfaceSource::Bridge { .. } => "bridge",
            InterfaceSource::User => "user",
            InterfaceSource::Ethernet => "ethernet",
            InterfaceSource::Mcast { .. } => "mcast",
            InterfaceSource::Server { .. } => "server",
            InterfaceSource::Client { .. } => "client",
            InterfaceSource::Direct { .. } => "direct",
            InterfaceSource::Other { interface_type } => interface_type,
        }
    }

    /// The `<source>` element, when there is anything to write in it.
    fn element(&self) -> Option<Element> {
        let (attrs, extra): (Vec<(&str, Option<String>)>, &Extra) = match self {
            InterfaceSource::Network { network, extra } => {
                (vec![("network", network.clone())], extra)
            }
            InterfaceSource::Bridge { bridge, extra } => (vec![("bridge", bridge.clone())], extra),
            InterfaceSource::Direct { dev, mode, extra } => (
                vec![
                    ("dev", dev.clone()),
                    ("mode", mode.as_ref().map(|m| m.to_string())),
                ],
                extra,
            ),
            InterfaceSource::Mcast {
                address,
                port,
                extra,
            }
            | InterfaceSource::Server {
                address,
                port,
                extra,
            }
            | InterfaceSource::Client {
                address,
                port,
                extra,
            } => (
                vec![
                    ("address", address.clone()),
                    ("port", port.map(|p| p.to_string())),
                ],
                extra,
            ),
            InterfaceSource::User | InterfaceSource::Ethernet | InterfaceSource::Other { .. } => {
                return None
            }
        };
        if attrs.iter().all(|(_, v)| v.is_none()) && extra.is_empty() {
            return None;
        }
        let b = attrs
            .into_iter()
            .fold(ElementBuilder::new("source"), |b, (n, v)| b.opt_attr(n, v));
        Some(b.build(extra))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interface {
    pub source: InterfaceSource,
    /// `<mac address=...>`; `None` lets libvirt generate one.
    #[serde(default)]
    pub mac: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub mac_extra: Extra,
    /// `<script path=...>`: run on the host to connect the tap device.
    #[serde(default)]
    pub script: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub script_extra: Extra,
    /// `<target dev=...>`: the host-side device name (`vnetN` when absent).
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub target_extra: Extra,
    /// `<model type=...>`: the NIC the guest sees, such as virtio or e1000.
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub model_extra: Extra,
    /// `<boot order=...>`: network boot (PXE) from this NIC, at this place in the order.
    #[serde(default)]
    pub boot_order: Option<u32>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// Takes `<name attr=...>`, with the element's other parts kept.
fn read_part(c: &mut Cursor, name: &str, attr: &str) -> (Option<String>, Extra) {
    match c.child_with_content(name) {
        Some(mut p) => (p.attr(attr).map(str::to_string), p.finish()),
        None => (None, Extra::default()),
    }
}

fn write_part(name: &str, attr: &str, value: &Option<String>, extra: &Extra) -> Option<Element> {
    (value.is_some() || !extra.is_empty()).then(|| {
        ElementBuilder::new(name)
            .opt_attr(attr, value.as_ref())
            .build(extra)
    })
}

/// The children `write` puts first, in libvirt's order.
const WRITE_ORDER: &[&str] = &["mac", "source", "script", "target", "model", "boot"];

/// Anchors each kept child after the modelled sibling it followed that `write` puts last,
/// so `<mac/><model/><source/><address/>` comes out with `<address>` after `<model>`, as
/// libvirt writes it, rather than after `<source>`.
fn anchor_in_write_order(
    el: &Element,
    source: &InterfaceSource,
    boot_taken: bool,
    extra: &mut Extra,
) {
    let source_taken = !matches!(
        source,
        InterfaceSource::User | InterfaceSource::Ethernet | InterfaceSource::Other { .. }
    );
    let mut seen: Vec<&str> = Vec::new();
    let mut latest: Option<(usize, &str)> = None;
    let mut kept = extra.children.iter_mut();
    for node in &el.children {
        let taken = match node {
            Node::Element(e) => {
                let first = !seen.contains(&e.name.as_str());
                seen.push(&e.name);
                let modelled = match e.name.as_str() {
                    "source" => source_taken,
                    "boot" => boot_taken,
                    _ => true,
                };
                match WRITE_ORDER.iter().position(|n| *n == e.name) {
                    Some(rank) if first && modelled => {
                        if latest.is_none_or(|(r, _)| rank > r) {
                            latest = Some((rank, e.name.as_str()));
                        }
                        true
                    }
                    _ => false,
                }
            }
            Node::Comment(_) => false,
            Node::Text(_) => continue,
        };
        if !taken {
            if let Some(k) = kept.next() {
                k.after = latest.map(|(_, n)| n.to_string());
            }
        }
    }
}

type Endpoint = (Option<String>, Option<i32>, Extra);

fn read_endpoint(c: &mut Cursor, diags: &mut Diagnostics) -> Endpoint {
    match c.child_with_content("source") {
        Some(mut s) => {
            let address = s.attr("address").map(str::to_string);
            let port = s.attr_parsed("port", diags, |v| parse_i32("port", v));
            (address, port, s.finish())
        }
        None => (None, None, Extra::default()),
    }
}

/// A MAC to suggest instead of a bad one: the hypervisor's usual prefix, keeping the last
/// three octets when there are any.
fn suggested_mac(cx: &Context, octets: Option<[u8; 6]>) -> String {
    let [a, b, c] = octets.map_or([0x12, 0x34, 0x56], |[_, _, _, a, b, c]| [a, b, c]);
    let prefix = if matches!(cx.domain.domain_type, DomainType::Xen) {
        "00:16:3e"
    } else {
        "52:54:00"
    };
    format!("{prefix}:{a:02x}:{b:02x}:{c:02x}")
}

impl Interface {
    pub fn new(source: InterfaceSource) -> Interface {
        Interface {
            source,
            mac: None,
            mac_extra: Extra::default(),
            script: None,
            script_extra: Extra::default(),
            target: None,
            target_extra: Extra::default(),
            model: None,
            model_extra: Extra::default(),
            boot_order: None,
            extra: Extra::default(),
        }
    }

    /// A virtio NIC on a libvirt virtual network; libvirt generates the MAC.
    pub fn network(name: &str) -> Interface {
        Interface {
            model: Some("virtio".into()),
            ..Interface::new(InterfaceSource::Network {
                network: Some(name.into()),
                extra: Extra::default(),
            })
        }
    }

    /// A virtio NIC on a host bridge; libvirt generates the MAC.
    pub fn bridge(name: &str) -> Interface {
        Interface {
            model: Some("virtio".into()),
            ..Interface::new(InterfaceSource::Bridge {
                bridge: Some(name.into()),
                extra: Extra::default(),
            })
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Interface {
        let interface_type = match c.attr("type") {
            Some(t) => t.to_string(),
            None => {
                diags.warning(
                    "W-INTERFACE-TYPE-MISSING",
                    c.path().to_string(),
                    "the interface has no type; libvirt reads it as type='user', and vmxml writes that",
                    "write the type you mean: 'network' (a libvirt network), 'bridge' (a host bridge) or 'user'",
                );
                "user".to_string()
            }
        };
        let (mac, mac_extra) = read_part(&mut c, "mac", "address");
        let source = match interface_type.as_str() {
            "network" => {
                let (network, extra) = read_part(&mut c, "source", "network");
                InterfaceSource::Network { network, extra }
            }
            "bridge" => {
                let (bridge, extra) = read_part(&mut c, "source", "bridge");
                InterfaceSource::Bridge { bridge, extra }
            }
            "user" => InterfaceSource::User,
            "ethernet" => InterfaceSource::Ethernet,
            "direct" => match c.child_with_content("source") {
                Some(mut s) => InterfaceSource::Direct {
                    dev: s.attr("dev").map(str::to_string),
                    mode: s.attr("mode").map(DirectMode::parse),
                    extra: s.finish(),
                },
                None => InterfaceSource::Direct {
                    dev: None,
                    mode: None,
                    extra: Extra::default(),
                },
            },
            "mcast" | "server" | "client" => {
                let (address, port, extra) = read_endpoint(&mut c, diags);
                match interface_type.as_str() {
                    "mcast" => InterfaceSource::Mcast {
                        address,
                        port,
                        extra,
                    },
                    "server" => InterfaceSource::Server {
                        address,
                        port,
                        extra,
                    },
                    _ => InterfaceSource::Client {
                        address,
                        port,
                        extra,
                    },
                }
            }
            other => {
                if KEPT_TYPES.contains(&other) {
                    diags.info(
                        "I-INTERFACE-TYPE-KEPT",
                        c.attr_path("type"),
                        format!(
                            "interface type '{other}' is kept as written; vmxml models {}",
                            MODELLED_TYPES.join(", ")
                        ),
                        "the wizard shows this interface's source as kept as is",
                    );
                }
                InterfaceSource::Other {
                    interface_type: other.to_string(),
                }
            }
        };
        let (script, script_extra) = read_part(&mut c, "script", "path");
        let (target, target_extra) = read_part(&mut c, "target", "dev");
        let (model, model_extra) = read_part(&mut c, "model", "type");
        let boot_order = crate::devices::read_boot_order(&mut c);
        let element = c.element();
        let mut extra = c.finish();
        anchor_in_write_order(element, &source, boot_order.is_some(), &mut extra);
        Interface {
            source,
            mac,
            mac_extra,
            script,
            script_extra,
            target,
            target_extra,
            model,
            model_extra,
            boot_order,
            extra,
        }
    }

    /// libvirt's order: mac, source, ..., script, ..., target, ..., model.
    pub fn write(&self) -> Element {
        ElementBuilder::new("interface")
            .attr("type", self.source.type_name())
            .opt_child(write_part("mac", "address", &self.mac, &self.mac_extra))
            .opt_child(self.source.element())
            .opt_child(write_part(
                "script",
                "path",
                &self.script,
                &self.script_extra,
            ))
            .opt_child(write_part(
                "target",
                "dev",
                &self.target,
                &self.target_extra,
            ))
            .opt_child(write_part("model", "type", &self.model, &self.model_extra))
            .opt_child(crate::devices::boot_order_element(self.boot_order))
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, cx: &Context, diags: &mut Diagnostics) {
        if let InterfaceSource::Other { interface_type: t } = &self.source {
            if !KEPT_TYPES.contains(&t.as_str()) {
                let known: Vec<&str> = MODELLED_TYPES.iter().chain(KEPT_TYPES).copied().collect();
                diags.error(
                    "E-INTERFACE-TYPE",
                    format!("{path}/@type"),
                    format!("libvirt does not know interface type '{t}'"),
                    choice_hint(t, &known),
                );
            }
        }
        self.validate_mac(path, cx, diags);
        self.validate_source(path, diags);
        if let Some(dev) = &self.target {
            let unmanaged = self.target_extra.attr("managed") == Some("no");
            if let Some(prefix) = RESERVED_TARGET_PREFIXES
                .iter()
                .find(|p| dev.starts_with(*p))
                .filter(|_| !unmanaged)
            {
                diags.warning(
                    "W-INTERFACE-TARGET-RESERVED",
                    format!("{path}/target/@dev"),
                    format!("libvirt ignores target '{dev}': names starting with '{prefix}' are kept for the names it picks itself"),
                    "choose another name, such as 'guest0', or remove <target> to let libvirt name the device",
                );
            }
        }
        if let Some(m) = self.model.as_deref().filter(|m| !m.is_empty()) {
            if !m
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                diags.error(
                    "E-INTERFACE-MODEL-NAME",
                    format!("{path}/model/@type"),
                    format!("model '{m}' has characters libvirt does not allow in a NIC model"),
                    format!(
                        "use letters, digits, '_' and '-' only, such as {}",
                        COMMON_MODELS.join(", ")
                    ),
                );
            }
        }
    }

    fn validate_mac(&self, path: &str, cx: &Context, diags: &mut Diagnostics) {
        let Some(mac) = &self.mac else { return };
        let at = format!("{path}/mac/@address");
        match parse_mac(mac) {
            None => diags.error(
                "E-MAC-FORMAT",
                at,
                format!("'{mac}' is not a MAC address"),
                format!(
                    "write six hex pairs separated by colons, such as {}, or remove <mac> to let libvirt generate one",
                    suggested_mac(cx, None)
                ),
            ),
            // The lowest bit of the first octet marks a group (multicast) address.
            Some(octets @ [first, ..]) if first & 1 == 1 => diags.error(
                "E-MAC-MULTICAST",
                at,
                format!("'{mac}' is a multicast MAC address (its first octet is odd); a NIC needs a unicast one"),
                format!(
                    "use {} (the hypervisor's usual prefix), or remove <mac> to let libvirt generate one",
                    suggested_mac(cx, Some(octets))
                ),
            ),
            Some(_) => {}
        }
    }

    fn validate_source(&self, path: &str, diags: &mut Diagnostics) {
        let ty = self.source.type_name();
        let missing = |diags: &mut Diagnostics, attr: &str, example: &str| {
            diags.error(
                "E-INTERFACE-SOURCE-MISSING",
                format!("{path}/source/@{attr}"),
                format!("an interface of type '{ty}' needs <source {attr}=...>"),
                format!("add {example}"),
            );
        };
        match &self.source {
            InterfaceSource::Network { network, .. } => match network.as_deref() {
                None => missing(
                    diags,
                    "network",
                    "<source network='default'/> with the name of a libvirt network",
                ),
                Some("") => diags.warning(
                    "W-INTERFACE-SOURCE-EMPTY",
                    format!("{path}/source/@network"),
                    "network='' names no network; the guest will not start",
                    "write the name of a libvirt network, such as network='default'",
                ),
                Some(_) => {}
            },
            InterfaceSource::Bridge { bridge, .. } => match bridge.as_deref() {
                None => missing(
                    diags,
                    "bridge",
                    "<source bridge='br0'/> with the name of a bridge on the host",
                ),
                Some("") => diags.warning(
                    "W-INTERFACE-SOURCE-EMPTY",
                    format!("{path}/source/@bridge"),
                    "bridge='' names no bridge; the guest will not start",
                    "write the name of a bridge on the host, such as bridge='br0'",
                ),
                Some(_) => {}
            },
            InterfaceSource::Direct { dev, mode, .. } => {
                if dev.as_deref().is_none_or(str::is_empty) {
                    missing(
                        diags,
                        "dev",
                        "<source dev='eth0' mode='bridge'/> with the host NIC to share",
                    );
                }
                if let Some(DirectMode::Other(m)) = mode {
                    diags.error(
                        "E-INTERFACE-DIRECT-MODE",
                        format!("{path}/source/@mode"),
                        format!("'{m}' is not a macvtap mode"),
                        choice_hint(m, DirectMode::known()),
                    );
                }
            }
            InterfaceSource::Mcast {
                address,
                port,
                extra,
            }
            | InterfaceSource::Server {
                address,
                port,
                extra,
            }
            | InterfaceSource::Client {
                address,
                port,
                extra,
            } => {
                let mcast = ty == "mcast";
                let example = if mcast { "230.0.0.1" } else { "192.168.0.1" };
                match address {
                    // A server may listen on every address.
                    None if ty != "server" => missing(
                        diags,
                        "address",
                        &format!("<source address='{example}' port='5558'/>"),
                    ),
                    None => {}
                    Some(a) => {
                        check_endpoint_address(a, mcast, &format!("{path}/source/@address"), diags)
                    }
                }
                match port {
                    // A port that is not a number was reported when read.
                    None if extra.attr("port").is_none() => missing(
                        diags,
                        "port",
                        &format!("<source address='{example}' port='5558'/>"),
                    ),
                    None => {}
                    Some(p) if !(1..=65535).contains(p) => diags.error(
                        "E-PORT-RANGE",
                        format!("{path}/source/@port"),
                        format!("port {p} is not a TCP/UDP port"),
                        "use a port from 1 to 65535, such as 5558; every guest on the tunnel uses the same one",
                    ),
                    Some(_) => {}
                }
            }
            InterfaceSource::User | InterfaceSource::Ethernet | InterfaceSource::Other { .. } => {}
        }
    }
}

fn check_endpoint_address(a: &str, mcast: bool, at: &str, diags: &mut Diagnostics) {
    match parse_ipv4(a) {
        None => diags.error(
            "E-INTERFACE-ADDRESS",
            at.to_string(),
            format!("'{a}' is not an IPv4 address; libvirt's schema requires one here"),
            if mcast {
                "write a multicast address from 224.0.0.0 to 239.255.255.255, such as 230.0.0.1"
            } else {
                "write the IPv4 address of the tunnel's server, such as 192.168.0.1"
            },
        ),
        // 224.0.0.0/4: the first four bits are 1110.
        Some([first, ..]) if mcast && first & 0xf0 != 0xe0 => diags.error(
            "E-INTERFACE-MCAST-ADDRESS",
            at.to_string(),
            format!("'{a}' is not a multicast address; QEMU refuses to join it"),
            "use an address from 224.0.0.0 to 239.255.255.255; 239.x.x.x is for private use, and the spec's example is 230.0.0.1",
        ),
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::Device;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn iface_of(xml: &str) -> Interface {
        match first_device(xml) {
            Device::Interface(i) => i,
            other => panic!("not an interface: {other:?}"),
        }
    }

    fn both_directions(xml: &str, model: Interface) {
        assert_eq!(iface_of(xml), model, "{xml}");
        assert_eq!(xml_of(&model.write()), xml);
    }

    fn endpoint(address: Option<&str>, port: Option<i32>) -> (Option<String>, Option<i32>, Extra) {
        (address.map(Into::into), port, Extra::default())
    }

    #[test]
    fn direct_both_directions_and_rules() {
        both_directions(
            "<interface type='direct'>\n  <source dev='eth0' mode='bridge'/>\n  <model type='virtio'/>\n</interface>\n",
            Interface {
                model: Some("virtio".into()),
                ..Interface::new(InterfaceSource::Direct {
                    dev: Some("eth0".into()),
                    mode: Some(DirectMode::Bridge),
                    extra: Extra::default(),
                })
            },
        );
        let codes =
            |x: &str| crate::test_support::codes_of(&crate::test_support::domain_with_devices(x));
        assert!(
            codes("<interface type='direct'><source mode='bridge'/></interface>")
                .contains(&"E-INTERFACE-SOURCE-MISSING".into())
        );
        assert!(
            codes("<interface type='direct'><source dev='eth0' mode='bridged'/></interface>")
                .contains(&"E-INTERFACE-DIRECT-MODE".into())
        );
        let clean =
            codes("<interface type='direct'><source dev='eth0' mode='passthrough'/></interface>");
        assert!(
            !clean
                .iter()
                .any(|c| c.starts_with("E-") || c.starts_with("I-INTERFACE")),
            "{clean:?}"
        );
    }

    #[test]
    fn spec_types_both_directions() {
        both_directions(
            "<interface type='bridge'>\n  <mac address='00:16:3e:5d:c7:9e'/>\n  <source bridge='xenbr0'/>\n  <script path='vif-bridge'/>\n</interface>\n",
            Interface {
                mac: Some("00:16:3e:5d:c7:9e".into()),
                script: Some("vif-bridge".into()),
                model: None,
                ..Interface::bridge("xenbr0")
            },
        );
        both_directions(
            "<interface type='network'>\n  <mac address='52:54:00:44:55:66'/>\n  <source network='default'/>\n  <target dev='guest7'/>\n</interface>\n",
            Interface {
                mac: Some("52:54:00:44:55:66".into()),
                target: Some("guest7".into()),
                model: None,
                ..Interface::network("default")
            },
        );
        both_directions(
            "<interface type='user'/>\n",
            Interface::new(InterfaceSource::User),
        );
        both_directions(
            "<interface type='ethernet'>\n  <script path='/etc/qemu-ifup-mynet'/>\n  <target dev='tap7'/>\n</interface>\n",
            Interface {
                script: Some("/etc/qemu-ifup-mynet".into()),
                target: Some("tap7".into()),
                ..Interface::new(InterfaceSource::Ethernet)
            },
        );
        let (address, port, extra) = endpoint(Some("230.0.0.1"), Some(5558));
        both_directions(
            "<interface type='mcast'>\n  <source address='230.0.0.1' port='5558'/>\n</interface>\n",
            Interface::new(InterfaceSource::Mcast {
                address,
                port,
                extra,
            }),
        );
        let (address, port, extra) = endpoint(Some("192.168.0.1"), Some(5558));
        both_directions(
            "<interface type='server'>\n  <source address='192.168.0.1' port='5558'/>\n</interface>\n",
            Interface::new(InterfaceSource::Server {
                address,
                port,
                extra,
            }),
        );
        let (address, port, extra) = endpoint(Some("192.168.0.1"), Some(5558));
        both_directions(
            "<interface type='client'>\n  <source address='192.168.0.1' port='5558'/>\n</interface>\n",
            Interface::new(InterfaceSource::Client {
                address,
                port,
                extra,
            }),
        );
        assert_eq!(
            xml_of(&Interface::network("default").write()),
            "<interface type='network'>\n  <source network='default'/>\n  <model type='virtio'/>\n</interface>\n"
        );
    }

    #[test]
    fn spec_order_is_written_in_libvirt_order() {
        let i = iface_of("<interface type='network'><source network='default'/><target dev='guest7'/><mac address='52:54:00:44:55:66'/></interface>");
        assert_eq!(
            xml_of(&i.write()),
            "<interface type='network'>\n  <mac address='52:54:00:44:55:66'/>\n  <source network='default'/>\n  <target dev='guest7'/>\n</interface>\n"
        );
    }

    #[test]
    fn json_round_trip() {
        let xml = "<interface type='mcast'><mac address='52:54:00:01:02:03' type='static'/><source address='230.0.0.1' port='5558' extra='1'/><model type='virtio'/><boot order='1'/></interface>";
        let i = iface_of(xml);
        let json = serde_json::to_string(&i).unwrap();
        assert!(json.contains("\"type\":\"mcast\""), "{json}");
        let back: Interface = serde_json::from_str(&json).unwrap();
        // Spans are not serialised: compare what each writes.
        assert_eq!(xml_of(&back.write()), xml_of(&i.write()), "{json}");
    }

    #[test]
    fn kept_children_follow_libvirt_order() {
        let i = iface_of("<interface type='bridge'><mac address='52:54:00:b9:94:02'/><model type='virtio'/><source bridge='virbr0'/><address type='pci' slot='0x03'/></interface>");
        assert_eq!(
            xml_of(&i.write()),
            "<interface type='bridge'>\n  <mac address='52:54:00:b9:94:02'/>\n  <source bridge='virbr0'/>\n  <model type='virtio'/>\n  <address type='pci' slot='0x03'/>\n</interface>\n"
        );
        let user = iface_of("<interface type='user'><!-- why --><source dev='eth0'/><mac address='52:54:00:b9:94:02'/><alias name='net0'/></interface>");
        assert_eq!(
            xml_of(&user.write()),
            "<interface type='user'>\n  <!-- why -->\n  <source dev='eth0'/>\n  <mac address='52:54:00:b9:94:02'/>\n  <alias name='net0'/>\n</interface>\n"
        );
    }

    #[test]
    fn unmodelled_parts_stay_in_place() {
        let xml = "<interface type='bridge' trustGuestRxFilters='yes'>\n  <mac address='52:54:00:22:c9:42' type='static'/>\n  <source bridge='br0' portgroup='x'/>\n  <virtualport type='openvswitch'/>\n  <target dev='tap0' managed='no'/>\n  <model type='virtio'/>\n  <driver name='vhost' queues='4'/>\n  <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>\n</interface>\n";
        let i = iface_of(xml);
        assert_eq!(i.model.as_deref(), Some("virtio"));
        assert_eq!(i.mac_extra.attr("type"), Some("static"));
        assert_eq!(xml_of(&i.write()), xml);
        let direct = "<interface type='direct'>\n  <mac address='52:54:00:22:c9:42'/>\n  <source dev='eth0' mode='vepa'/>\n  <model type='virtio'/>\n</interface>\n";
        let d = iface_of(direct);
        assert_eq!(d.source.type_name(), "direct");
        assert_eq!(xml_of(&d.write()), direct);
    }

    fn codes(devices: &str) -> Vec<String> {
        codes_of(&domain_with_devices(devices))
    }

    fn has(devices: &str, code: &str) -> bool {
        codes(devices).iter().any(|c| c == code)
    }

    fn clean(devices: &str) -> bool {
        let c = codes(devices);
        !c.iter().any(|c| {
            (c.contains("-INTERFACE-") || c.contains("-MAC-") || c.contains("-PORT-"))
                && !c.starts_with("I-")
        })
    }

    #[test]
    fn mac_rules() {
        // The 2008 spec's own example is a multicast address.
        let spec = "<interface type='user'><mac address='11:22:33:44:55:66'/></interface>";
        assert!(has(spec, "E-MAC-MULTICAST"));
        let report = crate::check(&format!("<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><devices><disk type='file'><target dev='vda'/></disk><interface type='user'/>{spec}</devices></domain>"));
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code == "E-MAC-MULTICAST")
            .unwrap();
        assert_eq!(d.path, "/domain/devices/interface[2]/mac/@address");
        assert!(d.hint.contains("52:54:00:44:55:66"), "{}", d.hint);
        assert!(has(
            "<interface type='user'><mac address='52:54:00:aa:bb'/></interface>",
            "E-MAC-FORMAT"
        ));
        assert!(has(
            "<interface type='user'><mac address='52-54-00-aa-bb-cc'/></interface>",
            "E-MAC-FORMAT"
        ));
        assert!(has(
            "<interface type='user'><mac address=''/></interface>",
            "E-MAC-FORMAT"
        ));
        assert!(clean("<interface type='user'><mac address='52:54:00:AA:BB:CC'/></interface><interface type='user'><mac address='0:1:2:3:4:5'/></interface><interface type='user'><mac/></interface>"));
    }

    #[test]
    fn source_rules() {
        assert!(has(
            "<interface type='network'/>",
            "E-INTERFACE-SOURCE-MISSING"
        ));
        assert!(has(
            "<interface type='network'><source/></interface>",
            "E-INTERFACE-SOURCE-MISSING"
        ));
        assert!(has(
            "<interface type='bridge'><source network='default'/></interface>",
            "E-INTERFACE-SOURCE-MISSING"
        ));
        assert!(has(
            "<interface type='mcast'><source address='230.0.0.1'/></interface>",
            "E-INTERFACE-SOURCE-MISSING"
        ));
        assert!(has(
            "<interface type='client'><source port='5558'/></interface>",
            "E-INTERFACE-SOURCE-MISSING"
        ));
        assert!(has(
            "<interface type='server'/>",
            "E-INTERFACE-SOURCE-MISSING"
        ));
        assert!(has(
            "<interface type='bridge'><source bridge=''/></interface>",
            "W-INTERFACE-SOURCE-EMPTY"
        ));
        assert!(clean("<interface type='server'><source port='5558'/></interface><interface type='network'><source network='default'/></interface><interface type='bridge'><source bridge='br0'/></interface><interface type='user'/><interface type='ethernet'/>"));
    }

    #[test]
    fn address_and_port_rules() {
        assert!(has(
            "<interface type='mcast'><source address='192.168.0.1' port='5558'/></interface>",
            "E-INTERFACE-MCAST-ADDRESS"
        ));
        assert!(has(
            "<interface type='mcast'><source address='240.0.0.1' port='5558'/></interface>",
            "E-INTERFACE-MCAST-ADDRESS"
        ));
        assert!(has(
            "<interface type='client'><source address='server.lan' port='5558'/></interface>",
            "E-INTERFACE-ADDRESS"
        ));
        assert!(has(
            "<interface type='client'><source address='192.168.0.1' port='70000'/></interface>",
            "E-PORT-RANGE"
        ));
        assert!(has(
            "<interface type='server'><source port='0'/></interface>",
            "E-PORT-RANGE"
        ));
        assert!(has(
            "<interface type='server'><source port='x'/></interface>",
            "E-VALUE-NUMBER"
        ));
        assert!(!has(
            "<interface type='server'><source port='x'/></interface>",
            "E-INTERFACE-SOURCE-MISSING"
        ));
        assert!(clean("<interface type='mcast'><source address='239.255.255.255' port='65535'/></interface><interface type='mcast'><source address='224.0.0.1' port='1'/></interface>"));
    }

    #[test]
    fn type_target_and_model_rules() {
        assert!(has(
            "<interface type='brigde'><source bridge='br0'/></interface>",
            "E-INTERFACE-TYPE"
        ));
        assert!(has(
            "<interface type='vhostuser'/>",
            "I-INTERFACE-TYPE-KEPT"
        ));
        assert!(has(
            "<interface><source network='default'/></interface>",
            "W-INTERFACE-TYPE-MISSING"
        ));
        assert!(has("<interface type='network'><source network='default'/><target dev='vnet7'/></interface>", "W-INTERFACE-TARGET-RESERVED"));
        assert!(!has(
            "<interface type='ethernet'><target dev='vnet7' managed='no'/></interface>",
            "W-INTERFACE-TARGET-RESERVED"
        ));
        assert!(has(
            "<interface type='user'><model type='virtio-net,x'/></interface>",
            "E-INTERFACE-MODEL-NAME"
        ));
        assert!(clean("<interface type='user'><model type='e1000e'/><target dev='guest0'/></interface><interface type='user'><model type='virtio-non-transitional'/></interface>"));
    }
}
