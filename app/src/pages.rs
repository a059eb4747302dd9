//! The wizard's pages, in order, and which page owns a diagnostic's path.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    Basics,
    OsBoot,
    CpuMemory,
    Storage,
    Network,
    Display,
    Consoles,
    HostDevices,
    Features,
    Review,
}

impl Page {
    pub const ALL: [Page; 10] = [
        Page::Basics,
        Page::OsBoot,
        Page::CpuMemory,
        Page::Storage,
        Page::Network,
        Page::Display,
        Page::Consoles,
        Page::HostDevices,
        Page::Features,
        Page::Review,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Page::Basics => "Basics",
            Page::OsBoot => "OS and boot",
            Page::CpuMemory => "CPU and memory",
            Page::Storage => "Storage",
            Page::Network => "Network",
            Page::Display => "Display and input",
            Page::Consoles => "Consoles and serial ports",
            Page::HostDevices => "Host devices",
            Page::Features => "Features, clock, lifecycle",
            Page::Review => "Review",
        }
    }

    /// Stable name for test hooks and the saved draft.
    pub fn slug(self) -> &'static str {
        match self {
            Page::Basics => "basics",
            Page::OsBoot => "os",
            Page::CpuMemory => "cpu-memory",
            Page::Storage => "storage",
            Page::Network => "network",
            Page::Display => "display",
            Page::Consoles => "consoles",
            Page::HostDevices => "hostdevs",
            Page::Features => "features",
            Page::Review => "review",
        }
    }

    pub fn next(self) -> Option<Page> {
        let i = Page::ALL.iter().position(|p| *p == self)?;
        Page::ALL.get(i + 1).copied()
    }

    pub fn previous(self) -> Option<Page> {
        let i = Page::ALL.iter().position(|p| *p == self)?;
        i.checked_sub(1).and_then(|i| Page::ALL.get(i)).copied()
    }

    /// The page whose fields edit what a diagnostic path names.
    pub fn for_path(path: &str) -> Page {
        let rest = path.strip_prefix("/domain").unwrap_or(path);
        let first = rest
            .trim_start_matches('/')
            .split(['/', '['])
            .next()
            .unwrap_or("");
        match first {
            "" | "@type" | "@id" | "name" | "uuid" | "title" | "description" | "metadata" => {
                Page::Basics
            }
            "os" | "bootloader" | "bootloader_args" => Page::OsBoot,
            "memory" | "currentMemory" | "vcpu" | "cpu" | "cputune" | "maxMemory"
            | "memoryBacking" => Page::CpuMemory,
            "features" | "clock" | "on_poweroff" | "on_reboot" | "on_crash" | "pm" => {
                Page::Features
            }
            "devices" => {
                let device = rest
                    .trim_start_matches('/')
                    .split('/')
                    .nth(1)
                    .and_then(|s| s.split('[').next())
                    .unwrap_or("");
                match device {
                    "disk" | "controller" | "filesystem" => Page::Storage,
                    "interface" => Page::Network,
                    "graphics" | "input" | "video" | "sound" | "audio" => Page::Display,
                    "serial" | "parallel" | "console" | "channel" => Page::Consoles,
                    "emulator" => Page::OsBoot,
                    "" => Page::Review,
                    // USB passthrough and every device the wizard keeps as written
                    // (memballoon, rng, watchdog, ...) are listed on the host devices page.
                    _ => Page::HostDevices,
                }
            }
            _ => Page::Review,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_pages() {
        assert_eq!(Page::for_path("/domain/name"), Page::Basics);
        assert_eq!(Page::for_path("/domain/@type"), Page::Basics);
        assert_eq!(Page::for_path("/domain/os/boot[2]/@dev"), Page::OsBoot);
        assert_eq!(
            Page::for_path("/domain/devices/disk[2]/target/@dev"),
            Page::Storage
        );
        assert_eq!(
            Page::for_path("/domain/devices/interface/mac/@address"),
            Page::Network
        );
        assert_eq!(
            Page::for_path("/domain/devices/serial[3]/source"),
            Page::Consoles
        );
        assert_eq!(Page::for_path("/domain/on_crash"), Page::Features);
        assert_eq!(Page::for_path("/domain/seclabel"), Page::Review);
        assert_eq!(
            Page::for_path("/domain/devices/memballoon/@model"),
            Page::HostDevices
        );
        assert_eq!(
            Page::for_path("/domain/devices/hostdev[2]/source"),
            Page::HostDevices
        );
        assert_eq!(Page::Basics.next(), Some(Page::OsBoot));
        assert_eq!(Page::Review.next(), None);
        assert_eq!(Page::Basics.previous(), None);
    }
}
