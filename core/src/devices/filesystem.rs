//! `<filesystem>`: a host directory (or image, or RAM) shared with the guest, through
//! virtiofs or 9p.

use serde::{Deserialize, Serialize};

use crate::devices::{runs_on_qemu, unknown_value};
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::parse_u64;
use crate::xml::Element;

value_enum!(
    /// `accessmode=...`: whose permissions the guest's file operations run with.
    FsAccessMode {
        /// The host user QEMU runs as; the only mode virtiofs has.
        Passthrough = "passthrough",
        /// Guest owners and modes kept in extended attributes.
        Mapped = "mapped",
        /// Like passthrough, ignoring failures to change ownership.
        Squash = "squash",
    }
);

value_enum!(
    /// `<driver type=...>`: how the host serves the share.
    FsDriverType {
        /// virtiofsd: fast, needs shared guest memory.
        Virtiofs = "virtiofs",
        /// 9p from a directory.
        Path = "path",
        Handle = "handle",
        /// An image file through a loop device (LXC).
        Loop = "loop",
        /// An image file through qemu-nbd (LXC).
        Nbd = "nbd",
        Ploop = "ploop",
    }
);

/// Types libvirt's parser knows that the model keeps as written.
const KEPT_TYPES: &[&str] = &["volume"];

/// What is shared; the variant is the filesystem's `type`, `extra` keeps the rest of
/// `<source>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FilesystemSource {
    /// `type='mount'`: a host directory (`<source dir>`; virtiofs may give `socket`).
    Mount {
        #[serde(default)]
        dir: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='block'`: a host block device (`<source dev>`).
    Block {
        #[serde(default)]
        dev: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='file'`: an image file (`<source file>`).
    File {
        #[serde(default)]
        file: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='template'`: an OpenVZ template (`<source name>`).
    Template {
        #[serde(default)]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='ram'`: a RAM disk (`<source usage units>`, units kept).
    Ram {
        #[serde(default)]
        usage: Option<u64>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// `type='bind'`: a directory bind-mounted inside the container (`<source dir>`).
    Bind {
        #[serde(default)]
        dir: Option<String>,
        #[serde(default, skip_serializing_if = "Extra::is_empty")]
        extra: Extra,
    },
    /// Another type (volume, or one libvirt does not know): its `<source>` is kept as is.
    Other { fs_type: String },
}

impl FilesystemSource {
    pub fn type_name(&self) -> &str {
        match self {
            FilesystemSource::Mount { .. } => "mount",
            FilesystemSource::Block { .. } => "block",
            FilesystemSource::File { .. } => "file",
            FilesystemSource::Template { .. } => "template",
            FilesystemSource::Ram { .. } => "ram",
            FilesystemSource::Bind { .. } => "bind",
            FilesystemSource::Other { fs_type } => fs_type,
        }
    }

    /// A host directory shared as is.
    pub fn dir(dir: impl Into<String>) -> FilesystemSource {
        FilesystemSource::Mount {
            dir: Some(dir.into()),
            extra: Extra::default(),
        }
    }

    fn read(fs_type: &str, c: &mut Cursor, diags: &mut Diagnostics) -> FilesystemSource {
        if !matches!(
            fs_type,
            "mount" | "block" | "file" | "template" | "ram" | "bind"
        ) {
            return FilesystemSource::Other {
                fs_type: fs_type.to_string(),
            };
        }
        let mut s = c.child_with_content("source");
        let mut take = |name: &str| s.as_mut().and_then(|s| s.attr(name)).map(str::to_string);
        let mut source = match fs_type {
            "block" => FilesystemSource::Block {
                dev: take("dev"),
                extra: Extra::default(),
            },
            "file" => FilesystemSource::File {
                file: take("file"),
                extra: Extra::default(),
            },
            "template" => FilesystemSource::Template {
                name: take("name"),
                extra: Extra::default(),
            },
            "bind" => FilesystemSource::Bind {
                dir: take("dir"),
                extra: Extra::default(),
            },
            "ram" => FilesystemSource::Ram {
                usage: s
                    .as_mut()
                    .and_then(|s| s.attr_parsed("usage", diags, |v| parse_u64("usage", v))),
                extra: Extra::default(),
            },
            _ => FilesystemSource::Mount {
                dir: take("dir"),
                extra: Extra::default(),
            },
        };
        let kept = s.map(Cursor::finish).unwrap_or_default();
        match &mut source {
            FilesystemSource::Mount { extra, .. }
            | FilesystemSource::Block { extra, .. }
            | FilesystemSource::File { extra, .. }
            | FilesystemSource::Template { extra, .. }
            | FilesystemSource::Ram { extra, .. }
            | FilesystemSource::Bind { extra, .. } => *extra = kept,
            FilesystemSource::Other { .. } => {}
        }
        source
    }

    fn write(&self) -> Option<Element> {
        let (attr, value, extra) = match self {
            FilesystemSource::Mount { dir, extra } | FilesystemSource::Bind { dir, extra } => {
                ("dir", dir.clone(), extra)
            }
            FilesystemSource::Block { dev, extra } => ("dev", dev.clone(), extra),
            FilesystemSource::File { file, extra } => ("file", file.clone(), extra),
            FilesystemSource::Template { name, extra } => ("name", name.clone(), extra),
            FilesystemSource::Ram { usage, extra } => {
                ("usage", usage.map(|u| u.to_string()), extra)
            }
            FilesystemSource::Other { .. } => return None,
        };
        (value.is_some() || !extra.is_empty()).then(|| {
            ElementBuilder::new("source")
                .opt_attr(attr, value)
                .build(extra)
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FsDriver {
    #[serde(default)]
    pub driver_type: Option<FsDriverType>,
    /// `format`, `wrpolicy`, `queue`, `name` and the rest, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filesystem {
    pub source: FilesystemSource,
    /// The document gave no `type` (libvirt reads mount): written without one.
    #[serde(default)]
    pub type_implied: bool,
    /// `None`: passthrough.
    #[serde(default)]
    pub accessmode: Option<FsAccessMode>,
    #[serde(default)]
    pub driver: Option<FsDriver>,
    /// `<target dir>`: the mount tag the guest mounts (a path for containers).
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub target_extra: Extra,
    /// `<readonly/>`: the guest cannot write.
    #[serde(default)]
    pub readonly: bool,
    /// `<binary>`, `<idmap>`, `<address>` and the rest, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

/// Whether the guest's memory is shared, as vhost-user devices such as virtiofs need:
/// `<memoryBacking><access mode='shared'/>` or a NUMA cell with `memAccess='shared'`.
fn memory_is_shared(cx: &Context) -> bool {
    use crate::memory::MemoryAccessMode;
    let d = cx.domain;
    let backing = d.memory_backing.as_ref().is_some_and(|m| {
        m.access == Some(MemoryAccessMode::Shared)
            || m.extra.element("access").and_then(|a| a.attr("mode")) == Some("shared")
    });
    let numa = d
        .cpu
        .as_ref()
        .and_then(|cpu| cpu.extra.element("numa"))
        .is_some_and(|n| {
            n.elements()
                .any(|cell| cell.name == "cell" && cell.attr("memAccess") == Some("shared"))
        });
    backing || numa
}

impl Filesystem {
    /// A host directory shared through virtiofs under a mount tag.
    pub fn virtiofs(dir: impl Into<String>, tag: impl Into<String>) -> Filesystem {
        Filesystem {
            source: FilesystemSource::dir(dir),
            type_implied: false,
            accessmode: Some(FsAccessMode::Passthrough),
            driver: Some(FsDriver {
                driver_type: Some(FsDriverType::Virtiofs),
                extra: Extra::default(),
            }),
            target: Some(tag.into()),
            target_extra: Extra::default(),
            readonly: false,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Filesystem {
        let fs_type = c.attr("type");
        let accessmode = c.attr("accessmode").map(FsAccessMode::parse);
        let driver = c.child_with_content("driver").map(|mut d| FsDriver {
            driver_type: d.attr("type").map(FsDriverType::parse),
            extra: d.finish(),
        });
        let source = FilesystemSource::read(fs_type.unwrap_or("mount"), &mut c, diags);
        let (target, target_extra) = match c.child_with_content("target") {
            Some(mut t) => (t.attr("dir").map(str::to_string), t.finish()),
            None => (None, Extra::default()),
        };
        let readonly = c.child("readonly").is_some();
        Filesystem {
            source,
            type_implied: fs_type.is_none(),
            accessmode,
            driver,
            target,
            target_extra,
            readonly,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let target = (self.target.is_some() || !self.target_extra.is_empty()).then(|| {
            ElementBuilder::new("target")
                .opt_attr("dir", self.target.as_ref())
                .build(&self.target_extra)
        });
        ElementBuilder::new("filesystem")
            .opt_attr(
                "type",
                (!self.type_implied).then(|| self.source.type_name()),
            )
            .opt_attr("accessmode", self.accessmode.as_ref().map(|a| a.as_str()))
            .opt_child(self.driver.as_ref().map(|d| {
                ElementBuilder::new("driver")
                    .opt_attr("type", d.driver_type.as_ref().map(|t| t.as_str()))
                    .build(&d.extra)
            }))
            .opt_child(self.source.write())
            .opt_child(target)
            .opt_child(self.readonly.then(|| Element::new("readonly")))
            .build(&self.extra)
    }

    fn is_virtiofs(&self) -> bool {
        self.driver.as_ref().and_then(|d| d.driver_type.as_ref()) == Some(&FsDriverType::Virtiofs)
    }

    pub fn validate(&self, path: &str, cx: &Context, diags: &mut Diagnostics) {
        if let FilesystemSource::Other { fs_type } = &self.source {
            if KEPT_TYPES.contains(&fs_type.as_str()) {
                diags.info(
                    "I-FS-TYPE-KEPT",
                    format!("{path}/@type"),
                    format!("filesystem type '{fs_type}' is kept as written"),
                    "vmxml models mount, block, file, template, ram and bind",
                );
            } else {
                unknown_value(
                    diags,
                    "E-FS-TYPE",
                    format!("{path}/@type"),
                    "filesystem type",
                    fs_type,
                    &[
                        "mount", "block", "file", "template", "ram", "bind", "volume",
                    ],
                );
            }
        }
        let access_path = format!("{path}/@accessmode");
        if let Some(FsAccessMode::Other(a)) = &self.accessmode {
            unknown_value(
                diags,
                "E-FS-ACCESSMODE",
                access_path.clone(),
                "filesystem access mode",
                a,
                FsAccessMode::known(),
            );
        }
        if let Some(FsDriverType::Other(t)) =
            self.driver.as_ref().and_then(|d| d.driver_type.as_ref())
        {
            unknown_value(
                diags,
                "E-FS-DRIVER-TYPE",
                format!("{path}/driver/@type"),
                "filesystem driver type",
                t,
                FsDriverType::known(),
            );
        }
        if !self.is_virtiofs() || !runs_on_qemu(cx) {
            return;
        }
        if let Some(a) = self
            .accessmode
            .as_ref()
            .filter(|a| **a != FsAccessMode::Passthrough && !a.is_other())
        {
            diags.error(
                "E-FS-VIRTIOFS-ACCESSMODE",
                access_path,
                format!("virtiofs only has the passthrough access mode, and this filesystem asks for {a}"),
                "write accessmode='passthrough' (or leave it out), or use 9p: <driver type='path'/>",
            );
        }
        if !memory_is_shared(cx) {
            diags.error(
                "E-FS-VIRTIOFS-SHARED-MEMORY",
                format!("{path}/driver/@type"),
                "virtiofs needs the guest's memory shared with the host, and it is not",
                "add <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking> to the domain",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::Device;
    use crate::test_support::{codes_of, first_device, xml_of};

    fn fs_of(xml: &str) -> Filesystem {
        match first_device(xml) {
            Device::Filesystem(f) => f,
            other => panic!("not a filesystem: {other:?}"),
        }
    }

    #[test]
    fn both_directions() {
        let xml = "<filesystem type='mount' accessmode='passthrough'>\n  <driver type='virtiofs'/>\n  <source dir='/srv/share'/>\n  <target dir='share'/>\n</filesystem>\n";
        let model = Filesystem::virtiofs("/srv/share", "share");
        assert_eq!(fs_of(xml), model);
        assert_eq!(xml_of(&model.write()), xml);
        let ro = "<filesystem accessmode='mapped'>\n  <source dir='/a'/>\n  <target dir='b'/>\n  <readonly/>\n</filesystem>\n";
        let f = fs_of(ro);
        assert!(f.type_implied && f.readonly);
        assert_eq!(f.accessmode, Some(FsAccessMode::Mapped));
        assert_eq!(xml_of(&f.write()), ro);
        for (ty, attr, value) in [
            ("block", "dev", "/dev/sda1"),
            ("file", "file", "/a.img"),
            ("template", "name", "centos"),
            ("bind", "dir", "/x"),
        ] {
            let xml = format!("<filesystem type='{ty}'>\n  <source {attr}='{value}'/>\n  <target dir='/t'/>\n</filesystem>\n");
            let f = fs_of(&xml);
            assert_eq!(f.source.type_name(), ty);
            assert_eq!(xml_of(&f.write()), xml);
        }
        let ram = "<filesystem type='ram'>\n  <source usage='1024' units='MiB'/>\n  <target dir='/mnt'/>\n</filesystem>\n";
        let f = fs_of(ram);
        assert!(
            matches!(&f.source, FilesystemSource::Ram { usage: Some(1024), extra } if extra.attr("units") == Some("MiB"))
        );
        assert_eq!(xml_of(&f.write()), ram);
        let kept = "<filesystem type='volume'>\n  <driver type='path' wrpolicy='immediate'/>\n  <source pool='p' volume='v'/>\n  <target dir='t'/>\n  <alias name='fs0'/>\n</filesystem>\n";
        let f = fs_of(kept);
        assert!(matches!(f.source, FilesystemSource::Other { .. }));
        assert_eq!(xml_of(&f.write()), kept);
        let sock = "<filesystem type='mount'>\n  <driver type='virtiofs' queue='1024'/>\n  <source socket='/tmp/sock'/>\n  <target dir='tag'/>\n</filesystem>\n";
        assert_eq!(xml_of(&fs_of(sock).write()), sock);
    }

    fn codes(top: &str, devices: &str) -> Vec<String> {
        codes_of(&format!("<domain type='kvm'><name>a</name><memory>1</memory>{top}<os><type>hvm</type></os><devices>{devices}</devices></domain>"))
    }

    const SHARED: &str =
        "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>";
    const VIRTIOFS: &str = "<filesystem type='mount'><driver type='virtiofs'/><source dir='/a'/><target dir='t'/></filesystem>";

    #[test]
    fn rules() {
        assert!(codes("", VIRTIOFS).contains(&"E-FS-VIRTIOFS-SHARED-MEMORY".into()));
        assert!(!codes(SHARED, VIRTIOFS).iter().any(|c| c.contains("-FS-")));
        let numa = "<cpu><numa><cell id='0' cpus='0' memory='1' memAccess='shared'/></numa></cpu>";
        assert!(!codes(numa, VIRTIOFS).contains(&"E-FS-VIRTIOFS-SHARED-MEMORY".into()));
        let mapped = VIRTIOFS.replace("type='mount'", "type='mount' accessmode='mapped'");
        assert!(codes(SHARED, &mapped).contains(&"E-FS-VIRTIOFS-ACCESSMODE".into()));
        assert!(
            codes("", "<filesystem type='mnt'><target dir='t'/></filesystem>")
                .contains(&"E-FS-TYPE".into())
        );
        assert!(codes(
            "",
            "<filesystem accessmode='map'><source dir='/a'/><target dir='t'/></filesystem>"
        )
        .contains(&"E-FS-ACCESSMODE".into()));
        assert!(codes(
            "",
            "<filesystem><driver type='9p'/><source dir='/a'/><target dir='t'/></filesystem>"
        )
        .contains(&"E-FS-DRIVER-TYPE".into()));
        let ok = codes("", "<filesystem accessmode='squash'><driver type='path'/><source dir='/a'/><target dir='t'/></filesystem>");
        assert!(!ok.iter().any(|c| c.contains("-FS-")), "{ok:?}");
    }
}
