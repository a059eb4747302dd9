//! What the typed model reads, by element path from `<domain>` (no indexes): the elements
//! it models and, for each, the attributes it models. Whatever else the schema allows is
//! kept verbatim and reported as `I-KEPT`.
//!
//! Keep in step with the readers: domain.rs, os.rs, memory.rs, lifecycle.rs, features.rs,
//! clock.rs, devices/mod.rs and devices/disk.rs. Interface, input, graphics, the character
//! devices and hostdev list what the 2008 format names, as their readers model that.

/// (element path, modelled attributes), sorted by path for binary search.
pub static MODELLED: &[(&str, &[&str])] = &[
    ("domain", &["id", "type"]),
    ("domain/bootloader", &[]),
    ("domain/bootloader_args", &[]),
    ("domain/clock", &["offset", "sync"]),
    ("domain/currentMemory", &["unit"]),
    ("domain/description", &[]),
    ("domain/devices", &[]),
    ("domain/devices/console", &["tty", "type"]),
    ("domain/devices/console/protocol", &["type"]),
    ("domain/devices/console/source", SOURCE_CHAR),
    ("domain/devices/console/target", &["port"]),
    ("domain/devices/console/wiremode", &["type"]),
    ("domain/devices/disk", &["device", "type"]),
    ("domain/devices/disk/driver", &["name", "type"]),
    ("domain/devices/disk/readonly", &[]),
    ("domain/devices/disk/shareable", &[]),
    ("domain/devices/disk/source", &["dev", "file"]),
    ("domain/devices/disk/target", &["bus", "dev"]),
    ("domain/devices/emulator", &[]),
    ("domain/devices/graphics", GRAPHICS),
    ("domain/devices/hostdev", &["mode", "type"]),
    ("domain/devices/hostdev/source", &[]),
    ("domain/devices/hostdev/source/address", &["bus", "device"]),
    ("domain/devices/hostdev/source/product", &["id"]),
    ("domain/devices/hostdev/source/vendor", &["id"]),
    ("domain/devices/input", &["bus", "type"]),
    ("domain/devices/interface", &["type"]),
    ("domain/devices/interface/mac", &["address"]),
    ("domain/devices/interface/model", &["type"]),
    ("domain/devices/interface/script", &["path"]),
    (
        "domain/devices/interface/source",
        &["address", "bridge", "network", "port"],
    ),
    ("domain/devices/interface/target", &["dev"]),
    ("domain/devices/parallel", &["type"]),
    ("domain/devices/parallel/protocol", &["type"]),
    ("domain/devices/parallel/source", SOURCE_CHAR),
    ("domain/devices/parallel/target", &["port"]),
    ("domain/devices/parallel/wiremode", &["type"]),
    ("domain/devices/serial", &["type"]),
    ("domain/devices/serial/protocol", &["type"]),
    ("domain/devices/serial/source", SOURCE_CHAR),
    ("domain/devices/serial/target", &["port"]),
    ("domain/devices/serial/wiremode", &["type"]),
    ("domain/features", &[]),
    ("domain/features/acpi", &[]),
    ("domain/features/apic", &[]),
    ("domain/features/pae", &[]),
    ("domain/memory", &["unit"]),
    ("domain/name", &[]),
    ("domain/on_crash", &[]),
    ("domain/on_poweroff", &[]),
    ("domain/on_reboot", &[]),
    ("domain/os", &[]),
    ("domain/os/boot", &["dev"]),
    ("domain/os/cmdline", &[]),
    ("domain/os/initrd", &[]),
    ("domain/os/kernel", &[]),
    ("domain/os/loader", &[]),
    ("domain/os/type", &["arch", "machine"]),
    ("domain/title", &[]),
    ("domain/uuid", &[]),
    ("domain/vcpu", &[]),
];

/// `<source>` of a character device in the 2008 format (pty, file, dev, tcp, udp, unix).
const SOURCE_CHAR: &[&str] = &["host", "mode", "path", "service"];

/// `<graphics>` in the 2008 format; `password` is its spelling of `passwd`.
const GRAPHICS: &[&str] = &[
    "autoport", "keymap", "listen", "passwd", "password", "port", "type",
];

/// The modelled attributes of the element at `path`, or `None` when it is not modelled.
pub fn modelled(path: &str) -> Option<&'static [&'static str]> {
    MODELLED
        .binary_search_by(|(p, _)| (*p).cmp(path))
        .ok()
        .and_then(|i| MODELLED.get(i))
        .map(|(_, attrs)| *attrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(MODELLED.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(modelled("domain/os/boot"), Some(&["dev"][..]));
        assert_eq!(modelled("domain/cputune"), None);
    }
}
