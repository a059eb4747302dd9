//! `<sound>`: the emulated sound card; `<audio>`: the host backend its sound goes to.

use serde::{Deserialize, Serialize};

use crate::devices::unknown_value;
use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::parse_u32;
use crate::xml::Element;

value_enum!(
    /// `<sound model=...>`: the card the guest sees.
    SoundModel {
        /// Intel HD Audio on the q35 chipset.
        Ich9 = "ich9",
        /// Intel HD Audio: the usual choice for pc guests.
        Ich6 = "ich6",
        Ich7 = "ich7",
        Ac97 = "ac97",
        Es1370 = "es1370",
        Sb16 = "sb16",
        /// The PC speaker.
        Pcspk = "pcspk",
        /// A USB audio device.
        Usb = "usb",
    }
);

value_enum!(
    /// `<audio type=...>`: where the host plays and records.
    AudioType {
        /// Sound is discarded.
        None = "none",
        /// Through the SPICE connection to the viewer.
        Spice = "spice",
        Pulseaudio = "pulseaudio",
        Alsa = "alsa",
        Oss = "oss",
        Jack = "jack",
        Sdl = "sdl",
        Coreaudio = "coreaudio",
        Dbus = "dbus",
        /// Recorded to a WAV file.
        File = "file",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sound {
    /// `Other("")` when the document gave no model (libvirt requires one).
    pub model: SoundModel,
    /// `<codec>`, `<audio id>`, `<address>` and the rest, as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Sound {
    pub fn new(model: SoundModel) -> Sound {
        Sound {
            model,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, _diags: &mut Diagnostics) -> Sound {
        Sound {
            model: SoundModel::parse(c.attr("model").unwrap_or("")),
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        ElementBuilder::new("sound")
            .opt_attr("model", Some(self.model.as_str()).filter(|m| !m.is_empty()))
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        if let SoundModel::Other(m) = &self.model {
            unknown_value(
                diags,
                "E-SOUND-MODEL",
                format!("{path}/@model"),
                "sound model",
                m,
                SoundModel::known(),
            );
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audio {
    /// What `<sound><audio id>` refers to; libvirt numbers from 1.
    #[serde(default)]
    pub id: Option<u32>,
    /// `Other("")` when the document gave no type (libvirt requires one).
    pub audio_type: AudioType,
    /// Backend settings (`<input>`, `<output>`, server, path), as written.
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Audio {
    pub fn new(id: Option<u32>, audio_type: AudioType) -> Audio {
        Audio {
            id,
            audio_type,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Audio {
        let id = c.attr_parsed("id", diags, |v| parse_u32("audio id", v));
        Audio {
            id,
            audio_type: AudioType::parse(c.attr("type").unwrap_or("")),
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        let ty = Some(self.audio_type.as_str()).filter(|t| !t.is_empty());
        ElementBuilder::new("audio")
            .opt_attr("id", self.id.map(|i| i.to_string()))
            .opt_attr("type", ty)
            .build(&self.extra)
    }

    pub fn validate(&self, path: &str, _cx: &Context, diags: &mut Diagnostics) {
        if let AudioType::Other(t) = &self.audio_type {
            unknown_value(
                diags,
                "E-AUDIO-TYPE",
                format!("{path}/@type"),
                "audio type",
                t,
                AudioType::known(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::Device;
    use crate::test_support::{codes_of, domain_with_devices, first_device, xml_of};

    #[test]
    fn both_directions() {
        for (xml, model) in [
            ("<sound model='ich9'/>\n", Sound::new(SoundModel::Ich9)),
            ("<sound model='ac97'/>\n", Sound::new(SoundModel::Ac97)),
        ] {
            assert_eq!(first_device(xml), Device::Sound(model.clone()));
            assert_eq!(xml_of(&model.write()), xml);
        }
        let kept = "<sound model='ich6'>\n  <codec type='micro'/>\n  <audio id='1'/>\n</sound>\n";
        let Device::Sound(s) = first_device(kept) else {
            panic!("not a sound card")
        };
        assert_eq!(xml_of(&s.write()), kept);

        for (xml, model) in [
            (
                "<audio id='1' type='spice'/>\n",
                Audio::new(Some(1), AudioType::Spice),
            ),
            ("<audio type='none'/>\n", Audio::new(None, AudioType::None)),
        ] {
            assert_eq!(first_device(xml), Device::Audio(model.clone()));
            assert_eq!(xml_of(&model.write()), xml);
        }
        let kept =
            "<audio id='2' type='pulseaudio' serverName='h'>\n  <input name='in'/>\n</audio>\n";
        let Device::Audio(a) = first_device(kept) else {
            panic!("not audio")
        };
        assert_eq!(xml_of(&a.write()), kept);
    }

    #[test]
    fn rules() {
        let codes = |d: &str| codes_of(&domain_with_devices(d));
        assert!(codes("<sound model='ich10'/>").contains(&"E-SOUND-MODEL".into()));
        assert!(codes("<sound/>").contains(&"E-SOUND-MODEL".into()));
        assert!(codes("<audio id='1' type='pulse'/>").contains(&"E-AUDIO-TYPE".into()));
        assert!(codes("<audio id='x' type='none'/>").contains(&"E-VALUE-NUMBER".into()));
        let ok = codes("<sound model='ich9'><audio id='1'/></sound><audio id='1' type='none'/>");
        assert!(
            !ok.iter()
                .any(|c| c.contains("SOUND") || c.contains("AUDIO")),
            "{ok:?}"
        );
    }
}
