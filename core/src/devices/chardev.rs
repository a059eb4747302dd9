//! `<serial>`, `<parallel>`, `<console>`. (Placeholder: kept verbatim until the typed model lands.)

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::xml::Element;

value_enum!(
    CharKind {
        Serial = "serial",
        Parallel = "parallel",
        Console = "console",
    }
);

impl CharKind {
    pub fn element_name(&self) -> &str {
        self.as_str()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharDevice {
    pub kind: CharKind,
    pub element: Element,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl CharDevice {
    pub fn read(kind: CharKind, c: Cursor, _diags: &mut Diagnostics) -> CharDevice {
        CharDevice {
            kind,
            element: c.element().clone(),
            extra: Extra::default(),
        }
    }

    pub fn write(&self) -> Element {
        self.element.clone()
    }

    pub fn validate(&self, _path: &str, _cx: &Context, _diags: &mut Diagnostics) {}
}

/// Char device sources inside other devices (channel, redirdev, rng, smartcard).
pub fn validate_embedded_source(_element: &Element, _path: &str, _diags: &mut Diagnostics) {}
