//! Network: the guest's network cards (`<interface>`) and how each reaches a network on the
//! host.

use leptos::prelude::*;
use vmxml_core::devices::interface::{DirectMode, Interface, InterfaceSource};
use vmxml_core::devices::Device;
use vmxml_core::node::Extra;
use vmxml_core::values::mac_from;
use vmxml_core::{Domain, DomainType};

use super::Group;
use crate::choices;
use crate::fields::{device_at, device_at_mut};
use crate::form::{never_kept, Add, At, Choices, Control, DeviceKind, DeviceList, Field, FIELD};
use crate::state::random_bytes;

const KIND: &str = "interface";

const TYPES: Choices = choices![
    "network" => "network: libvirt virtual network",
    "bridge" => "bridge: host bridge to the LAN",
    "direct" => "direct: macvtap on a host NIC",
    "user" => "user: userspace SLIRP (NAT)",
    "ethernet" => "ethernet: tap device, script",
    "mcast" => "mcast: multicast tunnel",
    "server" => "server: TCP tunnel server",
    "client" => "client: TCP tunnel client",
];

const DIRECT_MODES: Choices = choices![
    "" => "(vepa, the default)",
    "bridge" => "bridge: guests on this NIC see each other",
    "vepa" => "vepa: all traffic through the switch",
    "private" => "private: guests isolated",
    "passthrough" => "passthrough: the whole NIC (SR-IOV VF)",
];

const MODELS: Choices = choices![
    "" => "(the hypervisor's default)",
    "virtio" => "virtio: paravirtualized",
    "e1000e" => "e1000e: Intel 82574",
    "e1000" => "e1000: Intel 82540EM",
    "rtl8139" => "rtl8139: Realtek 8139",
    "ne2k_pci" => "ne2k_pci: NE2000",
    "pcnet" => "pcnet: AMD PCnet",
    "netfront" => "netfront: Xen paravirtualized",
];

fn iface(d: &Domain, n: usize) -> Option<&Interface> {
    match device_at(d, KIND, n) {
        Some(Device::Interface(x)) => Some(x),
        _ => None,
    }
}

fn iface_mut(d: &mut Domain, n: usize) -> Option<&mut Interface> {
    match device_at_mut(d, KIND, n) {
        Some(Device::Interface(x)) => Some(x),
        _ => None,
    }
}

/// What "Add network interface" adds: a NIC on libvirt's `default` NAT network; libvirt
/// generates its MAC. virtio for KVM/QEMU; Xen picks its own model.
pub(super) fn new_interface(d: &Domain) -> Interface {
    let mut i = Interface::network("default");
    if matches!(d.domain_type, DomainType::Xen) {
        i.model = None;
    }
    i
}

/// Changes the interface type, carrying what fits the new type: the tunnel address and port
/// between mcast, server and client; MAC, model, target and script always (they are not part
/// of the source). A required value with nothing to carry starts as the spec's example. A type
/// vmxml keeps as written is never changed.
pub(super) fn set_interface_type(i: &mut Interface, t: &str) {
    if matches!(i.source, InterfaceSource::Other { .. }) {
        return;
    }
    let old = std::mem::replace(&mut i.source, InterfaceSource::User);
    let endpoint = match &old {
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
        } => Some((address.clone(), *port, extra.clone())),
        _ => None,
    };
    let (address, port, extra) = match endpoint {
        Some(e) => e,
        None => {
            let example = if t == "mcast" {
                "230.0.0.1"
            } else {
                "192.168.0.1"
            };
            (Some(example.to_string()), Some(5558), Extra::default())
        }
    };
    i.source = match (t, old) {
        ("network", s @ InterfaceSource::Network { .. }) => s,
        ("network", _) => InterfaceSource::Network {
            network: Some("default".into()),
            extra: Extra::default(),
        },
        ("bridge", s @ InterfaceSource::Bridge { .. }) => s,
        ("bridge", _) => InterfaceSource::Bridge {
            bridge: Some("br0".into()),
            extra: Extra::default(),
        },
        ("ethernet", _) => InterfaceSource::Ethernet,
        ("direct", s @ InterfaceSource::Direct { .. }) => s,
        ("direct", _) => InterfaceSource::Direct {
            dev: Some("eth0".into()),
            mode: Some(DirectMode::Bridge),
            extra: Extra::default(),
        },
        ("mcast", _) => InterfaceSource::Mcast {
            address,
            port,
            extra,
        },
        ("server", _) => InterfaceSource::Server {
            address,
            port,
            extra,
        },
        ("client", _) => InterfaceSource::Client {
            address,
            port,
            extra,
        },
        _ => InterfaceSource::User,
    };
}

/// "Interface 1: network default (virtio)".
fn title(i: &Interface, n: usize) -> String {
    let what = match &i.source {
        InterfaceSource::Network { network, .. } => {
            format!("network {}", network.as_deref().unwrap_or(""))
        }
        InterfaceSource::Bridge { bridge, .. } => {
            format!("bridge {}", bridge.as_deref().unwrap_or(""))
        }
        InterfaceSource::Direct { dev, .. } => {
            format!("direct {}", dev.as_deref().unwrap_or(""))
        }
        InterfaceSource::Mcast { address, port, .. }
        | InterfaceSource::Server { address, port, .. }
        | InterfaceSource::Client { address, port, .. } => format!(
            "{} {}:{}",
            i.source.type_name(),
            address.as_deref().unwrap_or("*"),
            port.map(|p| p.to_string()).unwrap_or_default()
        ),
        other => other.type_name().to_string(),
    };
    let what = what.trim_end();
    match i.model.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => format!("Interface {}: {what} ({m})", n + 1),
        None => format!("Interface {}: {what}", n + 1),
    }
}

fn type_is(d: &Domain, n: usize, types: &[&str]) -> bool {
    iface(d, n).is_some_and(|x| types.contains(&x.source.type_name()))
}

const ADDRESS: Field = Field {
    label: "Address",
    since: "≤ 0.4.5",
    at: At::Rel("/source/@address"),
    ..FIELD
};

pub(crate) static FIELDS: [Field; 14] = [
    Field {
        label: "Type",
        at: At::Rel("/@type"),
        control: Control::Select(TYPES),
        get: Some(|d, n| iface(d, n).map(|x| x.source.type_name().to_string())),
        set: Some(|d, n, v| {
            if let Some(x) = iface_mut(d, n) {
                set_interface_type(x, v.as_deref().unwrap_or("network"))
            }
        }),
        help: "How the NIC reaches a network on the host. A virtual network suits hosts with dynamic or wireless networking; a bridge suits static wired hosts; user needs no privileges.",
        since: "≤ 0.4.5",
        show: Some(|d, n| iface(d, n).is_some_and(|x| !matches!(x.source, InterfaceSource::Other { .. }))),
    },
    Field {
        label: "Network",
        at: At::Rel("/source/@network"),
        control: Control::Text("default"),
        help: "The name of a libvirt virtual network (virsh net-list). 'default' is set up out of the box and NATs to the host's default route; DHCP and DNS are provided.",
        show: Some(|d, n| type_is(d, n, &["network"])),
        since: "≤ 0.4.5",
        ..FIELD
    },
    Field {
        label: "Bridge",
        at: At::Rel("/source/@bridge"),
        control: Control::Text("br0"),
        help: "A bridge device on the host with one or more of its physical NICs attached: the guest is on the LAN like a physical machine.",
        show: Some(|d, n| type_is(d, n, &["bridge"])),
        since: "≤ 0.4.5",
        ..FIELD
    },
    Field {
        label: "Host NIC",
        at: At::Rel("/source/@dev"),
        control: Control::Text("eth0"),
        help: "The host's physical NIC the guest shares through macvtap (ip link lists them). No bridge to set up; the host itself cannot reach the guest this way.",
        show: Some(|d, n| type_is(d, n, &["direct"])),
        since: "0.7.7",
        ..FIELD
    },
    Field {
        label: "macvtap mode",
        at: At::Rel("/source/@mode"),
        control: Control::Select(DIRECT_MODES),
        help: "bridge lets guests on the same NIC talk to each other; vepa sends everything to the switch; private isolates guests; passthrough gives the guest the whole device.",
        show: Some(|d, n| type_is(d, n, &["direct"])),
        since: "0.7.7; passthrough 0.9.2",
        ..FIELD
    },
    Field {
        control: Control::Text("230.0.0.1"),
        help: "A multicast group address (224.0.0.0 to 239.255.255.255): every guest in the group is on one virtual LAN, even across hosts.",
        show: Some(|d, n| type_is(d, n, &["mcast"])),
        ..ADDRESS
    },
    Field {
        control: Control::Text("192.168.0.1"),
        help: "The address the tunnel's server listens on; one guest is the server, all others connect to it as clients. Empty: every address.",
        show: Some(|d, n| type_is(d, n, &["server"])),
        ..ADDRESS
    },
    Field {
        control: Control::Text("192.168.0.1"),
        help: "The IPv4 address of the guest that is the tunnel's server.",
        show: Some(|d, n| type_is(d, n, &["client"])),
        ..ADDRESS
    },
    Field {
        label: "Port",
        at: At::Rel("/source/@port"),
        control: Control::Number(Some(1), Some(65535)),
        help: "The UDP or TCP port of the tunnel, the same on every guest, such as 5558.",
        show: Some(|d, n| type_is(d, n, &["mcast", "server", "client"])),
        since: "≤ 0.4.5",
        ..FIELD
    },
    Field {
        label: "MAC address",
        at: At::Rel("/mac/@address"),
        control: Control::Generate("generated by libvirt when empty", "Generate", || mac_from(random_bytes())),
        help: "Six hex pairs separated by colons, such as 52:54:00:5d:c7:9e. Leave it empty and libvirt generates one.",
        since: "≤ 0.4.5",
        ..FIELD
    },
    Field {
        label: "Model",
        at: At::Rel("/model/@type"),
        control: Control::Select(MODELS),
        help: "The network card the guest sees, for hypervisors that emulate several: virtio is fastest (Windows needs the virtio-win drivers); e1000e works everywhere.",
        ..FIELD
    },
    Field {
        label: "Boot order",
        at: At::Rel("/boot/@order"),
        control: Control::Number(Some(1), Some(999)),
        help: "Boot from the network (PXE) through this NIC, at this place in the boot order. Per-device boot order replaces the boot devices of the OS page.",
        since: "0.8.8",
        ..FIELD
    },
    // Target and script: shown where the type uses them, and whenever they hold a value.
    Field {
        label: "Host device name",
        at: At::Rel("/target/@dev"),
        control: Control::Text("vnetN, chosen by libvirt"),
        help: "The tap device created on the host; libvirt names it vnetN when empty. Names starting with vnet, macvtap or macvlan are reserved.",
        show: Some(|d, n| {
            type_is(d, n, &["network", "bridge", "ethernet"])
                || iface(d, n).is_some_and(|x| x.target.is_some())
        }),
        since: "≤ 0.4.5",
        ..FIELD
    },
    Field {
        label: "Script",
        at: At::Rel("/script/@path"),
        control: Control::Text("/etc/qemu-ifup"),
        help: "A script run on the host to connect the tap device to the network: vif-bridge for Xen bridges; /etc/qemu-ifup by default for ethernet.",
        show: Some(|d, n| {
            type_is(d, n, &["bridge", "ethernet"])
                || iface(d, n).is_some_and(|x| x.script.is_some())
        }),
        since: "0.2.1",
        ..FIELD
    },
];

pub(crate) static INTERFACE: DeviceKind = DeviceKind {
    name: KIND,
    what: "interface",
    slot: 0,
    title: |d, n| iface(d, n).map(|x| title(x, n)).unwrap_or_default(),
    fields: &FIELDS,
    note: |d, n| {
        match &iface(d, n)?.source {
        InterfaceSource::Other { interface_type } => Some(format!("Type '{interface_type}' is kept as is: vmxml models network, bridge, direct, user, ethernet, mcast, server and client, so this interface's source is written back exactly as it was.")),
        _ => None,
    }
    },
    kept: never_kept,
};

static ADDS: [Add; 1] = [Add {
    label: "Add network interface",
    testid: "add-interface",
    add: |d| {
        let x = new_interface(d);
        d.devices_mut().add(Device::Interface(x));
    },
}];

#[component]
pub fn Network() -> impl IntoView {
    view! {
        <Group title="Network interfaces" intro="Each card is a network card in the guest and the way it reaches a network on the host.">
            <DeviceList kind=&INTERFACE adds=&ADDS />
        </Group>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(d: &Domain) -> Vec<String> {
        vmxml_core::validate(d)
            .into_iter()
            .filter(|x| x.is_error())
            .map(|x| format!("{} {} {}", x.code, x.path, x.message))
            .collect()
    }

    #[test]
    fn added_interfaces_are_valid() {
        let mut d = Domain::default();
        let x = new_interface(&d);
        d.devices_mut().add(Device::Interface(x));
        assert_eq!(crate::fields::device_count(&d, KIND), 2);
        assert_eq!(errors(&d), Vec::<String>::new());
    }

    #[test]
    fn every_type_is_valid_after_a_switch() {
        for (t, _) in TYPES.iter() {
            let mut d = Domain::default();
            if let Some(x) = iface_mut(&mut d, 0) {
                set_interface_type(x, t);
                x.mac = Some(mac_from([1, 2, 3]));
            }
            assert_eq!(iface(&d, 0).map(|x| x.source.type_name()), Some(t));
            assert_eq!(errors(&d), Vec::<String>::new(), "{t}");
        }
    }

    #[test]
    fn switches_carry_what_fits() {
        let mut i = Interface::network("lan");
        i.mac = Some("52:54:00:01:02:03".into());
        set_interface_type(&mut i, "server");
        set_interface_type(&mut i, "client");
        assert!(
            matches!(
                &i.source,
                InterfaceSource::Client { address: Some(a), port: Some(5558), .. } if a == "192.168.0.1"
            ),
            "{:?}",
            i.source
        );
        assert_eq!(i.mac.as_deref(), Some("52:54:00:01:02:03"));
        assert_eq!(i.model.as_deref(), Some("virtio"));
        set_interface_type(&mut i, "network");
        set_interface_type(&mut i, "network");
        assert!(matches!(
            &i.source,
            InterfaceSource::Network { network: Some(n), .. } if n == "default"
        ));
        let mut kept = Interface::new(InterfaceSource::Other {
            interface_type: "direct".into(),
        });
        set_interface_type(&mut kept, "user");
        assert_eq!(kept.source.type_name(), "direct");
    }
}
