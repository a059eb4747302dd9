//! Network: the guest's network cards (`<interface>`) and how each reaches a network on the
//! host.

use leptos::prelude::*;
use vmxml_core::devices::interface::{Interface, InterfaceSource};
use vmxml_core::devices::Device;
use vmxml_core::node::Extra;
use vmxml_core::values::mac_from;
use vmxml_core::{Domain, DomainType};

use super::Group;
use crate::fields::{
    device_at, device_at_mut, device_count, device_path, device_text, edit_device, read_device,
    CardHead, CardMessages, NumberField, SelectField, TextField,
};
use crate::state::{random_bytes, use_studio, Studio};

const KIND: &str = "interface";

const COVERED: &[&str] = &[
    "/@type",
    "/mac/@address",
    "/source/@network",
    "/source/@bridge",
    "/source/@address",
    "/source/@port",
    "/script/@path",
    "/target/@dev",
    "/model/@type",
];

const TYPES: [(&str, &str); 7] = [
    ("network", "network: libvirt virtual network"),
    ("bridge", "bridge: host bridge to the LAN"),
    ("user", "user: userspace SLIRP (NAT)"),
    ("ethernet", "ethernet: tap device, script"),
    ("mcast", "mcast: multicast tunnel"),
    ("server", "server: TCP tunnel server"),
    ("client", "client: TCP tunnel client"),
];

const MODELS: [(&str, &str); 8] = [
    ("", "(the hypervisor's default)"),
    ("virtio", "virtio: paravirtualized"),
    ("e1000e", "e1000e: Intel 82574"),
    ("e1000", "e1000: Intel 82540EM"),
    ("rtl8139", "rtl8139: Realtek 8139"),
    ("ne2k_pci", "ne2k_pci: NE2000"),
    ("pcnet", "pcnet: AMD PCnet"),
    ("netfront", "netfront: Xen paravirtualized"),
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

fn read<T: Default>(studio: Studio, n: usize, f: impl FnOnce(&Interface) -> T) -> T {
    read_device(studio, n, iface, f)
}

fn edit(studio: Studio, n: usize, f: impl FnOnce(&mut Interface)) {
    edit_device(studio, n, iface_mut, f)
}

fn text(
    studio: Studio,
    n: usize,
    get: fn(&Interface) -> Option<String>,
    set: fn(&mut Interface, Option<String>),
) -> (Signal<String>, Callback<String>) {
    device_text(studio, n, iface, iface_mut, get, set)
}

fn endpoint(i: &Interface) -> Option<(&Option<String>, &Option<i32>)> {
    match &i.source {
        InterfaceSource::Mcast { address, port, .. }
        | InterfaceSource::Server { address, port, .. }
        | InterfaceSource::Client { address, port, .. } => Some((address, port)),
        _ => None,
    }
}

fn endpoint_mut(i: &mut Interface) -> Option<(&mut Option<String>, &mut Option<i32>)> {
    match &mut i.source {
        InterfaceSource::Mcast { address, port, .. }
        | InterfaceSource::Server { address, port, .. }
        | InterfaceSource::Client { address, port, .. } => Some((address, port)),
        _ => None,
    }
}

/// The fields that depend on the type: the network or bridge name, or the tunnel endpoint.
#[component]
fn SourceFields(
    n: usize,
    kind: Memo<String>,
    at: Callback<&'static str, Signal<String>>,
) -> impl IntoView {
    let studio = use_studio();
    move || match kind.get().as_str() {
        "network" => {
            let (value, on) = text(
                studio,
                n,
                |x| match &x.source {
                    InterfaceSource::Network { network, .. } => network.clone(),
                    _ => None,
                },
                |x, v| {
                    if let InterfaceSource::Network { network, .. } = &mut x.source {
                        *network = v
                    }
                },
            );
            view! {
                <TextField label="Network" path=at.run("/source/@network") value on_input=on placeholder="default"
                    help="The name of a libvirt virtual network (virsh net-list). 'default' is set up out of the box and NATs to the host's default route; DHCP and DNS are provided." />
            }
            .into_any()
        }
        "bridge" => {
            let (value, on) = text(
                studio,
                n,
                |x| match &x.source {
                    InterfaceSource::Bridge { bridge, .. } => bridge.clone(),
                    _ => None,
                },
                |x, v| {
                    if let InterfaceSource::Bridge { bridge, .. } = &mut x.source {
                        *bridge = v
                    }
                },
            );
            view! {
                <TextField label="Bridge" path=at.run("/source/@bridge") value on_input=on placeholder="br0"
                    help="A bridge device on the host with one or more of its physical NICs attached: the guest is on the LAN like a physical machine." />
            }
            .into_any()
        }
        t @ ("mcast" | "server" | "client") => {
            let (address, set_address) = text(
                studio,
                n,
                |x| endpoint(x).and_then(|(a, _)| a.clone()),
                |x, v| {
                    if let Some((a, _)) = endpoint_mut(x) {
                        *a = v
                    }
                },
            );
            let help = match t {
                "mcast" => "A multicast group address (224.0.0.0 to 239.255.255.255): every guest in the group is on one virtual LAN, even across hosts.",
                "server" => "The address the tunnel's server listens on; one guest is the server, all others connect to it as clients. Empty: every address.",
                _ => "The IPv4 address of the guest that is the tunnel's server.",
            };
            let placeholder = if t == "mcast" {
                "230.0.0.1"
            } else {
                "192.168.0.1"
            };
            view! {
                <TextField label="Address" path=at.run("/source/@address") value=address on_input=set_address placeholder help />
                <NumberField
                    label="Port"
                    path=at.run("/source/@port")
                    value=Signal::derive(move || read(studio, n, |x| endpoint(x).and_then(|(_, p)| p.map(i64::from))))
                    on_input=Callback::new(move |v: Option<i64>| edit(studio, n, |x| {
                        if let Some((_, p)) = endpoint_mut(x) {
                            *p = v.map(|v| i32::try_from(v.clamp(i64::from(i32::MIN), i64::from(i32::MAX))).unwrap_or_default());
                        }
                    }))
                    help="The UDP or TCP port of the tunnel, the same on every guest, such as 5558."
                    min=1
                    max=65535
                />
            }
            .into_any()
        }
        _ => ().into_any(),
    }
}

#[component]
fn InterfaceCard(n: usize, count: Signal<usize>) -> impl IntoView {
    let studio = use_studio();
    let base = Signal::derive(move || device_path(KIND, n, count.get()));
    let at = Callback::new(move |suffix: &'static str| {
        Signal::derive(move || format!("{}{suffix}", base.get()))
    });
    let kind = Memo::new(move |_| read(studio, n, |x| x.source.type_name().to_string()));
    let heading = Signal::derive(move || read(studio, n, |x| title(x, n)));
    let (mac, set_mac) = text(studio, n, |x| x.mac.clone(), |x, v| x.mac = v);
    let generate =
        Callback::new(move |_| edit(studio, n, |x| x.mac = Some(mac_from(random_bytes()))));
    let (model, set_model) = text(studio, n, |x| x.model.clone(), |x, v| x.model = v);
    let (target, set_target) = text(studio, n, |x| x.target.clone(), |x, v| x.target = v);
    let (script, set_script) = text(studio, n, |x| x.script.clone(), |x, v| x.script = v);
    // Shown where the type uses them, and whenever they hold a value.
    let show_target = Memo::new(move |_| {
        matches!(kind.get().as_str(), "network" | "bridge" | "ethernet")
            || read(studio, n, |x| x.target.is_some())
    });
    let show_script = Memo::new(move |_| {
        matches!(kind.get().as_str(), "bridge" | "ethernet")
            || read(studio, n, |x| x.script.is_some())
    });
    let type_field = move || {
        let t = kind.get();
        if TYPES.iter().any(|(v, _)| *v == t) {
            view! {
                <SelectField
                    label="Type"
                    path=at.run("/@type")
                    options=TYPES.to_vec()
                    value=Signal::derive(move || kind.get())
                    on_change=Callback::new(move |v: String| edit(studio, n, |x| set_interface_type(x, &v)))
                    help="How the NIC reaches a network on the host. A virtual network suits hosts with dynamic or wireless networking; a bridge suits static wired hosts; user needs no privileges."
                />
            }
            .into_any()
        } else {
            view! {
                <p class="kept">{format!("Type '{t}' is kept as is: vmxml models network, bridge, user, ethernet, mcast, server and client, so this interface's source is written back exactly as it was.")}</p>
                <CardMessages path=at.run("/@type") covered=&[] />
            }
            .into_any()
        }
    };
    view! {
        <article class="card" data-testid="interface-card" data-path=move || base.get()>
            <CardHead name=KIND what="interface" n count title=heading />
            {type_field}
            <SourceFields n kind at />
            <TextField label="MAC address" path=at.run("/mac/@address") value=mac on_input=set_mac placeholder="generated by libvirt when empty"
                action=("Generate", generate)
                help="Six hex pairs separated by colons, such as 52:54:00:5d:c7:9e. Leave it empty and libvirt generates one." />
            <SelectField
                label="Model"
                path=at.run("/model/@type")
                options=MODELS.to_vec()
                value=model
                on_change=set_model
                help="The network card the guest sees, for hypervisors that emulate several; qemu -net nic,model=? lists QEMU's."
            />
            {move || show_target.get().then(|| view! {
                <TextField label="Host device name" path=at.run("/target/@dev") value=target on_input=set_target placeholder="vnetN, chosen by libvirt"
                    help="The tap device created on the host; libvirt names it vnetN when empty. Names starting with vnet, macvtap or macvlan are reserved." />
            })}
            {move || show_script.get().then(|| view! {
                <TextField label="Script" path=at.run("/script/@path") value=script on_input=set_script placeholder="/etc/qemu-ifup"
                    help="A script run on the host to connect the tap device to the network: vif-bridge for Xen bridges; /etc/qemu-ifup by default for ethernet." />
            })}
            <CardMessages path=base covered=COVERED />
        </article>
    }
}

#[component]
pub fn Network() -> impl IntoView {
    let studio = use_studio();
    let count = Memo::new(move |_| studio.domain.with(|d| device_count(d, KIND)));
    let indices = move || (0..count.get()).collect::<Vec<usize>>();
    let add = move |_| {
        studio.edit(|d| {
            let x = new_interface(d);
            d.devices_mut().add(Device::Interface(x));
        })
    };
    view! {
        <Group title="Network interfaces" intro="Each card is a network card in the guest and the way it reaches a network on the host.">
            <For each=indices key=|i| *i let:i>
                <InterfaceCard n=i count=count.into() />
            </For>
            <div class="actions">
                <button type="button" class="button button--secondary" data-testid="add-interface" on:click=add>"Add network interface"</button>
            </div>
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
        assert_eq!(device_count(&d, KIND), 2);
        assert_eq!(errors(&d), Vec::<String>::new());
    }

    #[test]
    fn every_type_is_valid_after_a_switch() {
        for (t, _) in TYPES {
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
