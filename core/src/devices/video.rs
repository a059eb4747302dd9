//! `<video>`: the guest's graphics card.

use serde::{Deserialize, Serialize};

use crate::devices::{unknown_value, Device};
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::{parse_u32, parse_u64};
use crate::xml::Element;

value_enum!(
    /// `<model type=...>`: the card the guest sees.
    VideoModelType {
        /// virtio-gpu: the modern paravirtual card.
        Virtio = "virtio",
        /// QXL, for SPICE.
        Qxl = "qxl",
        /// Standard VGA.
        Vga = "vga",
        Cirrus = "cirrus",
        Bochs = "bochs",
        /// A plain framebuffer in guest RAM, for firmware consoles.
        Ramfb = "ramfb",
        /// No video device at all.
        None = "none",
        Vmvga = "vmvga",
        Xen = "xen",
        Vbox = "vbox",
        /// The UEFI framebuffer (bhyve).
        Gop = "gop",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoModel {
    /// `Other("")` when the `<model>` gave no type (libvirt requires one).
    pub model_type: VideoModelType,
    /// Video memory in KiB.
    #[serde(default)]
    pub vram: Option<u64>,
    /// Number of screens.
    #[serde(default)]
    pub heads: Option<u32>,
    /// `primary='yes'`: this card is the guest's first.
    #[serde(default)]
    pub primary: Option<bool>,
    /// `ram`, `vgamem`, `<acceleration>`, `<resolution>` and the rest, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Video {
    /// `None`: no `<model>`; libvirt picks the card from the guest.
    #[serde(default)]
    pub model: Option<VideoModel>,
    /// `<driver>`, `<address>` and the rest, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl VideoModel {
    pub fn new(model_type: VideoModelType) -> VideoModel {
        VideoModel {
            model_type,
            vram: None,
            heads: None,
            primary: None,
            extra: Extra::default(),
        }
    }
}

impl Video {
    pub fn new(model: Option<VideoModel>) -> Video {
        Video {
            model,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Video {
        let model = c.child_with_content("model").map(|mut m| {
            let model_type = VideoModelType::parse(m.attr("type").unwrap_or(""));
            let vram = m.attr_parsed("vram", diags, |v| parse_u64("vram", v));
            let heads = m.attr_parsed("heads", diags, |v| parse_u32("heads", v));
            let primary = m.attr_yes_no("primary", diags);
            VideoModel {
                model_type,
                vram,
                heads,
                primary,
                extra: m.finish(),
            }
        });
        Video {
            model,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        ElementBuilder::new("video")
            .opt_child(self.model.as_ref().map(|m| {
                let ty = Some(m.model_type.as_str()).filter(|t| !t.is_empty());
                ElementBuilder::new("model")
                    .opt_attr("type", ty)
                    .opt_attr("vram", m.vram.map(|v| v.to_string()))
                    .opt_attr("heads", m.heads.map(|h| h.to_string()))
                    .yes_no("primary", m.primary)
                    .build(&m.extra)
            }))
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        if let Some(VideoModel {
            model_type: VideoModelType::Other(t),
            ..
        }) = &self.model
        {
            unknown_value(
                diags,
                "E-VIDEO-MODEL",
                format!("{path}/model/@type"),
                "video model",
                t,
                VideoModelType::known(),
            );
        }
    }

    fn is_primary(&self) -> bool {
        self.model.as_ref().and_then(|m| m.primary) == Some(true)
    }
}

/// libvirt takes one primary video card.
pub fn validate_all(devices: &[(&Device, String)], _cx: &Context, diags: &mut Diagnostics) {
    let primaries = devices.iter().filter_map(|(d, path)| match d {
        Device::Video(v) if v.is_primary() => Some(path),
        _ => None,
    });
    for path in primaries.skip(1) {
        diags.error(
            "E-VIDEO-PRIMARY-DUPLICATE",
            format!("{path}/model/@primary"),
            "only one video card can be primary",
            "remove primary='yes' from all but one <video>",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    fn video_of(xml: &str) -> Video {
        match first_device(xml) {
            Device::Video(v) => v,
            other => panic!("not a video card: {other:?}"),
        }
    }

    #[test]
    fn both_directions() {
        let xml = "<video>\n  <model type='qxl' vram='65536' heads='1' primary='yes'/>\n</video>\n";
        let model = Video::new(Some(VideoModel {
            vram: Some(65536),
            heads: Some(1),
            primary: Some(true),
            ..VideoModel::new(VideoModelType::Qxl)
        }));
        assert_eq!(video_of(xml), model);
        assert_eq!(xml_of(&model.write()), xml);
        for (ty, t) in [
            ("virtio", VideoModelType::Virtio),
            ("none", VideoModelType::None),
        ] {
            let xml = format!("<video>\n  <model type='{ty}'/>\n</video>\n");
            let model = Video::new(Some(VideoModel::new(t)));
            assert_eq!(video_of(&xml), model);
            assert_eq!(xml_of(&model.write()), xml);
        }
        let kept = "<video>\n  <driver name='qemu'/>\n  <model type='virtio' heads='1' ram='1024'>\n    <acceleration accel3d='yes'/>\n  </model>\n  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n</video>\n";
        assert_eq!(xml_of(&video_of(kept).write()), kept);
        assert_eq!(xml_of(&video_of("<video/>").write()), "<video/>\n");
    }

    #[test]
    fn rules() {
        let codes = |d: &str| codes_of(&domain_with_devices(d));
        assert!(
            codes("<video><model type='virtio-gpu'/></video>").contains(&"E-VIDEO-MODEL".into())
        );
        assert!(codes("<video><model type='qxl' primary='yes'/></video><video><model type='vga' primary='yes'/></video>")
            .contains(&"E-VIDEO-PRIMARY-DUPLICATE".into()));
        let ok = codes(
            "<video><model type='qxl' primary='yes'/></video><video><model type='virtio'/></video>",
        );
        assert!(!ok.iter().any(|c| c.contains("VIDEO")), "{ok:?}");
    }
}
