//! `<interface>`. (Placeholder: kept verbatim until the typed model lands.)

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, Extra};
use crate::validate::Context;
use crate::xml::Element;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interface {
    pub element: Element,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Interface {
    pub fn read(c: Cursor, _diags: &mut Diagnostics) -> Interface {
        Interface {
            element: c.element().clone(),
            extra: Extra::default(),
        }
    }

    pub fn write(&self) -> Element {
        self.element.clone()
    }

    pub fn validate(&self, _path: &str, _cx: &Context, _diags: &mut Diagnostics) {}
}

impl Interface {
    pub fn network(name: &str) -> Interface {
        Interface {
            element: Element::new("interface")
                .with_attr("type", "network")
                .with_child(Element::new("source").with_attr("network", name)),
            extra: Extra::default(),
        }
    }
}
