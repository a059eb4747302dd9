//! The `virt-install` command line that creates the same guest as a design, and the parts of
//! the design it cannot say (those need the XML itself: `virsh define`).

use crate::devices::chardev::{CharKind, CharSource};
use crate::devices::disk::DiskSource;
use crate::devices::graphics::GraphicsKind;
use crate::devices::hostdev::HostdevSource;
use crate::devices::interface::InterfaceSource;
use crate::devices::Device;
use crate::domain::{Domain, DomainType};
use crate::node::Extra;
use crate::os::{Firmware, OsKind};

/// A virt-install command: its arguments (without the program name) and what it leaves out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VirtInstall {
    pub args: Vec<String>,
    /// Parts of the design no option here expresses, one readable line each.
    pub not_expressed: Vec<String>,
}

/// Options that pick the host's hypervisor, architecture and machine, rather than describe
/// devices: the ones to drop for a host that lacks them (libvirt's test driver).
pub const HOST_OPTIONS: &[&str] = &["--virt-type", "--arch", "--machine"];
/// Flags (no value) that pick the guest kind on the host.
pub const HOST_FLAGS: &[&str] = &["--paravirt", "--container"];

impl VirtInstall {
    /// The command for reading: one option (with its value) per line, joined by `\`.
    pub fn shell_lines(&self) -> String {
        let mut out = String::from("virt-install");
        for a in &self.args {
            if a.starts_with("--") {
                out.push_str(" \\\n  ");
                out.push_str(a);
            } else {
                out.push(' ');
                out.push_str(&shell_quote(a));
            }
        }
        out
    }

    /// The command as one shell line, each argument quoted where the shell would split it.
    pub fn shell(&self) -> String {
        let mut out = String::from("virt-install");
        for a in &self.args {
            out.push(' ');
            if a.starts_with("--") && !a.contains(' ') {
                out.push_str(a);
            } else {
                out.push_str(&shell_quote(a));
            }
        }
        out
    }
}

/// Quotes a word for a POSIX shell when it holds anything but plain characters.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b',' | b'.' | b'_' | b'/' | b'=' | b':' | b'@' | b'%' | b'+' | b'-'
                )
        });
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `key=value` suboptions joined by commas, skipping unset ones.
struct Sub {
    parts: Vec<String>,
    xpaths: usize,
    /// A value holds a comma, which virt-install would read as the next suboption.
    comma: bool,
}

impl Sub {
    fn new() -> Sub {
        Sub {
            parts: Vec::new(),
            xpaths: 0,
            comma: false,
        }
    }

    /// Sets `XPATH=VALUE` through virt-install's generic `xpathN.set`, for what its own
    /// suboptions do not name.
    fn xpath(mut self, path_value: Option<String>) -> Sub {
        if let Some(v) = path_value {
            self.comma |= v.contains(',');
            self.parts.push(format!("xpath{}.set={v}", self.xpaths));
            self.xpaths += 1;
        }
        self
    }

    fn word(mut self, w: impl Into<String>) -> Sub {
        let w = w.into();
        self.comma |= w.contains(',');
        self.parts.push(w);
        self
    }

    fn opt(mut self, key: &str, value: Option<impl AsRef<str>>) -> Sub {
        if let Some(v) = value {
            self.comma |= v.as_ref().contains(',');
            self.parts.push(format!("{key}={}", v.as_ref()));
        }
        self
    }

    fn on_off(self, key: &str, value: Option<bool>) -> Sub {
        self.opt(key, value.map(|b| if b { "on" } else { "off" }))
    }

    fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    fn join(&self) -> String {
        self.parts.join(",")
    }
}

struct Builder {
    out: VirtInstall,
}

impl Builder {
    fn push(&mut self, option: &str, sub: Sub) {
        let value = sub.join();
        if sub.comma {
            self.out.not_expressed.push(format!(
                "{option}: a value holds a comma, which virt-install reads as the next suboption; edit that value in the command"
            ));
        }
        self.out.args.push(option.to_string());
        self.out.args.push(value);
    }

    fn flag(&mut self, flag: &str) {
        self.out.args.push(flag.to_string());
    }

    fn lost(&mut self, what: impl Into<String>) {
        self.out.not_expressed.push(what.into());
    }

    /// Notes what a modelled element keeps as written: no option carries it.
    fn kept(&mut self, what: &str, extra: &Extra) {
        let mut names: Vec<String> = extra
            .elements()
            .map(|e| format!("<{}>", e.name))
            .chain(extra.attrs.iter().map(|(n, _)| format!("{n}=")))
            .collect();
        names.dedup();
        if !names.is_empty() {
            self.lost(format!("{what}: {}", names.join(", ")));
        }
    }
}

fn yes(b: bool) -> Option<&'static str> {
    b.then_some("on")
}

/// The virt-install command that creates this design's guest.
pub fn command(d: &Domain) -> VirtInstall {
    let mut b = Builder {
        out: VirtInstall::default(),
    };
    general(&mut b, d);
    boot(&mut b, d);
    features_and_clock(&mut b, d);
    let mut graphics = false;
    if let Some(devices) = &d.devices {
        if devices.emulator.is_some() {
            b.lost("<emulator>: virt-install picks the emulator itself");
        }
        for dev in &devices.list {
            graphics |= matches!(dev, Device::Graphics(_));
            device(&mut b, d, dev);
        }
        b.kept("<devices>", &devices.extra);
    }
    if !graphics {
        b.push("--graphics", Sub::new().word("none"));
    }
    // Boot from the disks as designed; no installer run.
    b.flag("--import");
    b.flag("--noautoconsole");
    b.out
}

fn general(b: &mut Builder, d: &Domain) {
    let virt_type = match &d.domain_type {
        DomainType::Kvm => Some("kvm"),
        DomainType::Qemu => Some("qemu"),
        DomainType::Xen => Some("xen"),
        DomainType::Lxc => Some("lxc"),
        other => {
            b.lost(format!(
                "domain type '{other}': virt-install has no --virt-type for it"
            ));
            None
        }
    };
    if let Some(t) = virt_type {
        b.push("--virt-type", Sub::new().word(t));
    }
    if let Some(t) = d.os.as_ref().and_then(|o| o.os_type.as_ref()) {
        if let Some(a) = &t.arch {
            b.push("--arch", Sub::new().word(a.clone()));
        }
        if let Some(m) = &t.machine {
            b.push("--machine", Sub::new().word(m.clone()));
        }
        match t.kind {
            OsKind::Linux | OsKind::Xen => b.flag("--paravirt"),
            OsKind::Exe => b.flag("--container"),
            _ => {}
        }
    }
    b.push(
        "--name",
        Sub::new().word(d.name.clone().unwrap_or_else(|| "guest".into())),
    );
    let meta = Sub::new()
        .opt("uuid", d.uuid.as_ref())
        .opt("title", d.title.as_ref())
        .opt("description", d.description.as_ref());
    if !meta.is_empty() {
        b.push("--metadata", meta);
    }
    let mib = |m: &crate::memory::MemorySize| m.kib().map(|k| (k / 1024).to_string());
    if let Some(m) = &d.memory {
        let current = d.current_memory.as_ref().and_then(mib);
        match current {
            Some(c) => b.push(
                "--memory",
                Sub::new()
                    .opt("memory", mib(m))
                    .opt("currentMemory", Some(c)),
            ),
            None => b.push("--memory", Sub::new().opt("memory", mib(m))),
        }
    }
    if let Some(mb) = &d.memory_backing {
        use crate::memory::{MemoryAccessMode, MemorySourceType};
        let sub = Sub::new()
            .opt("hugepages", yes(mb.hugepages.is_some()))
            .opt(
                "source.type",
                mb.source.as_ref().map(MemorySourceType::as_str),
            )
            .opt(
                "access.mode",
                mb.access.as_ref().map(MemoryAccessMode::as_str),
            )
            .opt("locked", yes(mb.locked))
            .opt("nosharepages", yes(mb.nosharepages))
            .opt("discard", yes(mb.discard));
        if !sub.is_empty() {
            b.push("--memorybacking", sub);
        }
        if mb.hugepages.as_ref().is_some_and(|h| !h.pages.is_empty()) {
            b.lost("<memoryBacking><hugepages><page>: page sizes have no short option; set them in the XML");
        }
    }
    if let Some(v) = &d.vcpu {
        let topology = d.cpu.as_ref().and_then(|c| c.topology.as_ref());
        let n = |x: Option<u32>| x.map(|n| n.to_string());
        let sub = Sub::new()
            .word(v.count.to_string())
            .opt("vcpu.placement", v.placement.as_ref().map(|p| p.as_str()))
            .opt("vcpu.cpuset", v.cpuset.as_ref())
            .opt("vcpu.current", n(v.current))
            .opt("sockets", n(topology.and_then(|t| t.sockets)))
            .opt("dies", n(topology.and_then(|t| t.dies)))
            .opt("cores", n(topology.and_then(|t| t.cores)))
            .opt("threads", n(topology.and_then(|t| t.threads)));
        b.push("--vcpus", sub);
    }
    if let Some(cpu) = &d.cpu {
        use crate::cpu::CpuMode;
        let model = cpu.model.as_ref().map(|m| m.name.clone());
        let sub = match (&cpu.mode, model) {
            (Some(CpuMode::Custom) | None, Some(m)) => Sub::new().word(m),
            (Some(mode), _) => Sub::new().opt("mode", Some(mode.as_str())),
            (None, None) => Sub::new(),
        };
        let sub = sub
            .opt("check", cpu.check.as_ref().map(|c| c.as_str()))
            .on_off("migratable", cpu.migratable);
        if !sub.is_empty() {
            b.push("--cpu", sub);
        }
        if !cpu.features.is_empty() {
            b.lost("<cpu><feature>: CPU feature flags; add them to --cpu as +name or -name, or set them in the XML");
        }
        b.kept("<cpu>", &cpu.extra);
    }
    let l = &d.lifecycle;
    let events = Sub::new()
        .opt("on_poweroff", l.on_poweroff.as_ref().map(|a| a.as_str()))
        .opt("on_reboot", l.on_reboot.as_ref().map(|a| a.as_str()))
        .opt("on_crash", l.on_crash.as_ref().map(|a| a.as_str()));
    if !events.is_empty() {
        b.push("--events", events);
    }
    let osinfo = if d.looks_like_windows() {
        "win11"
    } else {
        "generic"
    };
    b.push("--osinfo", Sub::new().word(osinfo));
    let mut others: Vec<String> = d
        .extra
        .elements()
        .map(|e| format!("<{}>", e.name))
        .collect();
    others.dedup();
    if !others.is_empty() {
        b.lost(format!("kept as written: {}", others.join(", ")));
    }
}

fn boot(b: &mut Builder, d: &Domain) {
    let mut sub = Sub::new();
    if let Some(loader) = &d.bootloader {
        sub = sub
            .opt("bootloader", Some(loader))
            .opt("bootloader_args", d.bootloader_args.as_ref());
    }
    if let Some(os) = &d.os {
        if os.firmware == Some(Firmware::Efi) {
            sub = sub.opt("firmware", Some("efi"));
        }
        if let Some(f) = &os.firmware_features {
            for (i, feature) in f.features.iter().enumerate() {
                sub = sub
                    .opt(
                        &format!("firmware.feature{i}.name"),
                        Some(feature.name.as_str()),
                    )
                    .opt(
                        &format!("firmware.feature{i}.enabled"),
                        feature.enabled.map(|e| if e { "yes" } else { "no" }),
                    );
            }
        }
        if let Some(l) = &os.loader {
            sub = sub
                .opt("loader", (!l.path.is_empty()).then_some(l.path.as_str()))
                .opt(
                    "loader.readonly",
                    l.readonly.map(|r| if r { "yes" } else { "no" }),
                )
                .opt("loader.type", l.loader_type.as_ref().map(|t| t.as_str()))
                .opt(
                    "loader.secure",
                    l.secure.map(|r| if r { "yes" } else { "no" }),
                );
        }
        if let Some(n) = &os.nvram {
            sub = sub
                .opt("nvram", (!n.path.is_empty()).then_some(n.path.as_str()))
                .opt("nvram.template", n.template.as_ref());
        }
        for boot in &os.boot {
            sub = sub.word(boot.dev.as_str());
        }
        if let Some(m) = &os.bootmenu {
            sub = sub
                .opt(
                    "bootmenu.enable",
                    m.enable.map(|e| if e { "yes" } else { "no" }),
                )
                .opt("bootmenu.timeout", m.timeout.map(|t| t.to_string()));
        }
        sub = sub
            .opt("kernel", os.kernel.as_ref())
            .opt("initrd", os.initrd.as_ref())
            .opt("kernel_args", os.cmdline.as_ref())
            .opt("init", os.init.as_ref());
        b.kept("<os>", &os.extra);
    }
    if !sub.is_empty() {
        b.push("--boot", sub);
    }
}

fn features_and_clock(b: &mut Builder, d: &Domain) {
    if let Some(f) = &d.features {
        let flag = |x: bool| yes(x);
        let mut sub = Sub::new()
            .opt("acpi", flag(f.acpi.is_some()))
            .opt("apic", flag(f.apic.is_some()))
            .opt("pae", flag(f.pae.is_some()));
        if let Some(h) = &f.hyperv {
            // The enlightenments virt-install 4.1 names; the rest go through xpath.
            const NAMED: &[&str] = &["relaxed", "vapic", "spinlocks", "synic", "reset"];
            if h.mode.is_some() {
                sub = sub.xpath(h.mode.as_ref().map(|m| format!("./hyperv/@mode={m}")));
            }
            for feature in &h.features {
                let name = feature.name.as_str();
                let state = feature.state.map(|s| if s { "on" } else { "off" });
                if NAMED.contains(&name) {
                    sub = sub.opt(&format!("hyperv.{name}.state"), state);
                } else {
                    sub = sub.xpath(state.map(|st| format!("./hyperv/{name}/@state={st}")));
                }
                if let Some(r) = feature.retries {
                    sub = sub.opt(&format!("hyperv.{name}.retries"), Some(r.to_string()));
                }
                if let Some(v) = &feature.value {
                    sub = sub.xpath(Some(format!("./hyperv/{name}/@value={v}")));
                }
            }
        }
        let state = |s: &Option<crate::features::FeatureState>| {
            s.as_ref()
                .and_then(|s| s.state)
                .map(|on| if on { "on" } else { "off" })
        };
        sub = sub
            .opt("smm.state", state(&f.smm))
            .opt("vmport.state", state(&f.vmport))
            .opt(
                "kvm.hidden.state",
                f.kvm.as_ref().and_then(|k| state(&k.hidden)),
            );
        if !sub.is_empty() {
            b.push("--features", sub);
        }
        b.kept("<features>", &f.extra);
    }
    if let Some(c) = &d.clock {
        let mut sub = Sub::new().opt("offset", Some(c.offset.as_str()));
        for (i, t) in c.timers.iter().enumerate() {
            sub = sub
                .opt(&format!("timer{i}.name"), Some(t.name.as_str()))
                .opt(
                    &format!("timer{i}.tickpolicy"),
                    t.tickpolicy.as_ref().map(|p| p.as_str()),
                )
                .opt(
                    &format!("timer{i}.present"),
                    t.present.map(|p| if p { "yes" } else { "no" }),
                );
        }
        b.push("--clock", sub);
        b.kept("<clock>", &c.extra);
    }
}

fn device(b: &mut Builder, d: &Domain, dev: &Device) {
    let _ = d;
    match dev {
        Device::Disk(x) => {
            let path = match &x.source {
                DiskSource::File { file, .. } => file.clone(),
                DiskSource::Block { dev, .. } => dev.clone(),
                DiskSource::Other { disk_type } => {
                    b.lost(format!(
                        "a {disk_type} disk: its source has no --disk form here; set it in the XML"
                    ));
                    return;
                }
            };
            let driver = x.driver.as_ref();
            let sub = Sub::new()
                .opt("path", path)
                .opt("device", x.device.as_ref().map(|v| v.as_str()))
                .opt(
                    "bus",
                    x.target
                        .as_ref()
                        .and_then(|t| t.bus.as_ref())
                        .map(|v| v.as_str()),
                )
                .opt("target.dev", x.target.as_ref().map(|t| t.dev.as_str()))
                .opt("driver.name", driver.and_then(|v| v.name.as_ref()))
                .opt("format", driver.and_then(|v| v.driver_type.as_ref()))
                .opt(
                    "cache",
                    driver.and_then(|v| v.cache.as_ref()).map(|v| v.as_str()),
                )
                .opt("io", driver.and_then(|v| v.io.as_ref()).map(|v| v.as_str()))
                .opt(
                    "discard",
                    driver.and_then(|v| v.discard.as_ref()).map(|v| v.as_str()),
                )
                .opt("readonly", yes(x.readonly))
                .opt("shareable", yes(x.shareable))
                .opt("boot.order", x.boot_order.map(|o| o.to_string()));
            b.push("--disk", sub);
            b.kept("a <disk>", &x.extra);
        }
        Device::Interface(i) => {
            let sub = match &i.source {
                InterfaceSource::Network { network, .. } => {
                    Sub::new().opt("network", network.as_ref())
                }
                InterfaceSource::Bridge { bridge, .. } => Sub::new().opt("bridge", bridge.as_ref()),
                InterfaceSource::User => Sub::new().word("user"),
                InterfaceSource::Direct { dev, mode, .. } => Sub::new()
                    .opt("type", Some("direct"))
                    .opt("source", dev.as_ref())
                    .opt("source.mode", mode.as_ref().map(|m| m.as_str())),
                InterfaceSource::Ethernet => Sub::new().opt("type", Some("ethernet")),
                other => {
                    b.lost(format!(
                        "a {} interface: no --network form; set it in the XML",
                        other.type_name()
                    ));
                    return;
                }
            };
            let sub = sub
                .opt("model", i.model.as_ref())
                .opt("mac", i.mac.as_ref())
                .opt("target.dev", i.target.as_ref())
                .xpath(i.script.as_ref().map(|p| format!("./script/@path={p}")))
                .opt("boot.order", i.boot_order.map(|o| o.to_string()));
            b.push("--network", sub);
            b.kept("an <interface>", &i.extra);
        }
        Device::Input(x) => {
            let sub = Sub::new()
                .word(x.input_type.as_str())
                .opt("bus", x.bus.as_ref().map(|v| v.as_str()));
            b.push("--input", sub);
        }
        Device::Graphics(g) => {
            let sub = match &g.kind {
                GraphicsKind::Vnc {
                    port,
                    listen,
                    passwd,
                    keymap,
                    socket,
                    ..
                } => Sub::new()
                    .word("vnc")
                    .opt("port", port.map(|p| p.to_string()))
                    .opt("listen", listen.as_ref())
                    .opt("socket", socket.as_ref())
                    .opt("password", passwd.as_ref())
                    .opt("keymap", keymap.as_ref()),
                GraphicsKind::Spice {
                    port,
                    tls_port,
                    listen,
                    passwd,
                    keymap,
                    ..
                } => Sub::new()
                    .word("spice")
                    .opt("port", port.map(|p| p.to_string()))
                    .opt("tlsport", tls_port.map(|p| p.to_string()))
                    .opt("listen", listen.as_ref())
                    .opt("password", passwd.as_ref())
                    .opt("keymap", keymap.as_ref()),
                GraphicsKind::Sdl { .. } => Sub::new().word("sdl"),
                GraphicsKind::Other { graphics_type } => Sub::new().word(graphics_type.clone()),
            };
            b.push("--graphics", sub);
            b.kept("<graphics>", &g.extra);
        }
        Device::Char(c) => {
            let option = match c.kind {
                CharKind::Serial => "--serial",
                CharKind::Parallel => "--parallel",
                CharKind::Console => "--console",
                CharKind::Channel => "--channel",
                CharKind::Other(_) => return,
            };
            let mut sub = Sub::new().word(c.source.type_name());
            sub = match &c.source {
                CharSource::File { path, .. } | CharSource::Dev { path, .. } => {
                    sub.opt("path", path.as_ref())
                }
                CharSource::Unix { mode, path, .. } => sub
                    .opt("mode", mode.as_ref().map(|m| m.as_str()))
                    .opt("path", path.as_ref()),
                CharSource::Tcp {
                    mode,
                    host,
                    service,
                    protocol,
                    ..
                } => sub
                    .opt("mode", mode.as_ref().map(|m| m.as_str()))
                    .opt("host", host.as_ref())
                    .opt("service", service.as_ref())
                    .opt("protocol.type", protocol.as_ref().map(|p| p.as_str())),
                CharSource::Udp { .. } => {
                    b.lost(
                        "a udp char device: its two ends have no short form; set them in the XML",
                    );
                    sub
                }
                _ => sub,
            };
            let sub = sub
                .opt("target.type", c.target_type.as_ref())
                .opt("target.name", c.target_name.as_ref())
                .opt("target.port", c.target_port.map(|p| p.to_string()));
            b.push(option, sub);
        }
        Device::Hostdev(h) => match &h.source {
            HostdevSource::Usb {
                vendor: Some(v),
                product: Some(p),
                ..
            } => b.push("--hostdev", Sub::new().word(format!("{v}:{p}"))),
            HostdevSource::Usb {
                address: Some(a), ..
            } => b.push(
                "--hostdev",
                Sub::new().word(format!(
                    "{}.{}",
                    a.bus.as_deref().unwrap_or("0"),
                    a.device.as_deref().unwrap_or("0")
                )),
            ),
            HostdevSource::Pci {
                address: Some(a), ..
            } => match a.numbers() {
                Some([dom, bus, slot, f]) => b.push(
                    "--hostdev",
                    Sub::new().word(format!("{dom:04x}:{bus:02x}:{slot:02x}.{f:x}")),
                ),
                None => b.lost("a PCI host device with an unreadable address"),
            },
            _ => b.lost("a host device of a kind --hostdev does not name here"),
        },
        Device::Controller(c) => {
            let sub = Sub::new()
                .opt("type", c.controller_type.as_ref().map(|t| t.as_str()))
                .opt("index", c.index.map(|i| i.to_string()))
                .opt("model", c.model.as_ref().map(|m| m.as_str()))
                .xpath(c.ports.map(|p| format!("./@ports={p}")));
            b.push("--controller", sub);
        }
        Device::Video(v) => {
            let sub = match &v.model {
                Some(m) => Sub::new()
                    .opt("model.type", Some(m.model_type.as_str()))
                    .opt("model.vram", m.vram.map(|x| x.to_string()))
                    .opt("model.heads", m.heads.map(|x| x.to_string()))
                    .xpath(
                        m.primary
                            .map(|p| format!("./model/@primary={}", if p { "yes" } else { "no" })),
                    ),
                None => Sub::new().word("default"),
            };
            b.push("--video", sub);
        }
        Device::Sound(s) => b.push("--sound", Sub::new().word(s.model.as_str())),
        Device::Audio(a) => b.push(
            "--audio",
            Sub::new()
                .opt("id", a.id.map(|i| i.to_string()))
                .opt("type", Some(a.audio_type.as_str())),
        ),
        Device::Tpm(t) => {
            let backend = t.backend.as_ref();
            let sub = Sub::new()
                .opt("backend.type", backend.map(|x| x.backend_type.as_str()))
                .opt(
                    "backend.version",
                    backend.and_then(|x| x.version.as_ref()).map(|v| v.as_str()),
                )
                .opt("model", t.model.as_ref().map(|m| m.as_str()));
            b.push("--tpm", sub);
        }
        Device::Rng(r) => {
            let backend = r.backend.as_ref();
            let sub = Sub::new()
                .opt("model", Some(r.model.as_str()))
                .opt("backend.model", backend.map(|x| x.model.as_str()))
                .opt("backend", backend.and_then(|x| x.device.as_ref()));
            b.push("--rng", sub);
        }
        Device::Memballoon(m) => b.push(
            "--memballoon",
            Sub::new()
                .opt("model", Some(m.model.as_str()))
                .on_off("autodeflate", m.autodeflate)
                .on_off("freePageReporting", m.free_page_reporting),
        ),
        Device::Watchdog(w) => b.push(
            "--watchdog",
            Sub::new()
                .opt("model", Some(w.model.as_str()))
                .opt("action", w.action.as_ref().map(|a| a.as_str())),
        ),
        Device::Panic(p) => b.push(
            "--panic",
            Sub::new().opt(
                "model",
                Some(p.model.as_ref().map_or("default", |m| m.as_str())),
            ),
        ),
        Device::Filesystem(f) => {
            use crate::devices::filesystem::FilesystemSource;
            let source = match &f.source {
                FilesystemSource::Mount { dir, .. } => dir.clone(),
                _ => {
                    b.lost("a filesystem that is not a host directory: set it in the XML");
                    return;
                }
            };
            let sub = Sub::new()
                .opt("source", source)
                .opt("target", f.target.as_ref())
                .opt("accessmode", f.accessmode.as_ref().map(|a| a.as_str()))
                .opt(
                    "driver.type",
                    f.driver
                        .as_ref()
                        .and_then(|x| x.driver_type.as_ref())
                        .map(|t| t.as_str()),
                )
                .opt("readonly", yes(f.readonly));
            b.push("--filesystem", sub);
        }
        Device::Redirdev(r) => b.push(
            "--redirdev",
            Sub::new()
                .opt("bus", r.bus.as_ref().map(|x| x.as_str()))
                .opt("type", Some(r.redir_type.as_str())),
        ),
        Device::Unmodelled { element } => {
            b.lost(format!(
                "<{}>: kept as written, no option here",
                element.name
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::{PresetOptions, PRESETS};

    fn args_of(xml: &str) -> Vec<String> {
        command(&crate::read(xml).unwrap()).args
    }

    #[test]
    fn one_option_a_line() {
        let c = command(&Domain::default());
        let lines = c.shell_lines();
        assert!(
            lines.starts_with("virt-install \\\n  --virt-type kvm \\\n  --arch x86_64"),
            "{lines}"
        );
        assert!(lines
            .lines()
            .all(|l| l == "virt-install \\" || l.starts_with("  --")));
        // The same words as the one-line form.
        assert_eq!(lines.replace(" \\\n ", ""), c.shell());
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("path=/a/b.qcow2"), "path=/a/b.qcow2");
        assert_eq!(shell_quote("my vm"), "'my vm'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }

    #[test]
    fn the_default_design() {
        let c = command(&Domain::default());
        let line = c.shell();
        for part in [
            "virt-install --virt-type kvm --arch x86_64 --machine q35 --name guest",
            "--memory memory=2048",
            "--vcpus 2",
            "--disk path=/var/lib/libvirt/images/guest.qcow2,device=disk,bus=virtio,target.dev=vda,driver.name=qemu,format=qcow2",
            "--network network=default,model=virtio",
            "--graphics none",
            "--import",
        ] {
            assert!(line.contains(part), "{part} not in {line}");
        }
        assert!(c.not_expressed.is_empty(), "{:?}", c.not_expressed);
    }

    #[test]
    fn windows_preset() {
        let d = crate::presets::find("windows-11")
            .and_then(|p| p.build(&PresetOptions::default()))
            .unwrap();
        let line = command(&d).shell();
        for part in [
            "--boot firmware=efi,firmware.feature0.name=enrolled-keys,firmware.feature0.enabled=yes",
            "loader.secure=yes,cdrom,hd",
            "hyperv.spinlocks.state=on,hyperv.spinlocks.retries=8191",
            "smm.state=on",
            "--clock offset=localtime,timer0.name=rtc,timer0.tickpolicy=catchup",
            "--tpm backend.type=emulator,backend.version=2.0,model=tpm-crb",
            "--vcpus 4,vcpu.placement=static,sockets=1,dies=1,cores=2,threads=2",
            "--osinfo win11",
            "--channel spicevmc,target.type=virtio,target.name=com.redhat.spice.0",
        ] {
            assert!(line.contains(part), "{part} not in {line}");
        }
    }

    #[test]
    fn what_it_cannot_say_is_listed() {
        let c = command(&crate::read("<domain type='kvm'><name>a</name><memory>1</memory><devices><smartcard mode='host'/><disk type='network'><source protocol='nbd' name='x'/><target dev='vda'/></disk></devices><seclabel type='none'/></domain>").unwrap());
        let all = c.not_expressed.join("\n");
        assert!(all.contains("<smartcard>"), "{all}");
        assert!(all.contains("network disk"), "{all}");
        assert!(all.contains("<seclabel>"), "{all}");
        let comma = command(&crate::read("<domain type='kvm'><name>a</name><memory>1</memory><devices><disk type='file'><source file='/img/a,b.qcow2'/><target dev='vda'/></disk></devices></domain>").unwrap());
        assert!(
            comma
                .not_expressed
                .iter()
                .any(|l| l.starts_with("--disk: a value holds a comma")),
            "{:?}",
            comma.not_expressed
        );
        assert!(command(&Domain::default()).not_expressed.is_empty());
    }

    #[test]
    fn every_preset_makes_a_command() {
        for p in PRESETS {
            let d = p.build(&PresetOptions::default()).unwrap();
            let c = command(&d);
            assert!(c.args.contains(&"--name".to_string()), "{}", p.id);
            assert!(c.args.contains(&"--import".to_string()));
        }
        // An argument with a space is one shell word.
        let args = args_of("<domain type='kvm'><name>my vm</name><memory>1</memory></domain>");
        assert!(args.contains(&"my vm".to_string()));
    }
}
