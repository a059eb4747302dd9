//! `<clock>`: how the guest's clock starts. The 2008 spec's `sync=` is read and upgraded to
//! today's `offset=`.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{Cursor, ElementBuilder, Extra};
use crate::validate::Context;
use crate::value_enum;
use crate::values::choice_hint;
use crate::xml::Element;

value_enum!(
    ClockOffset {
        /// The guest clock starts at the host's UTC time (what most OSes expect).
        Utc = "utc",
        /// The guest clock starts at the host's local time (what Windows expects).
        Localtime = "localtime",
        /// The guest clock starts in a named timezone (`timezone=`).
        Timezone = "timezone",
        /// The guest may change its clock; the change is kept (`adjustment=`, `basis=`).
        Variable = "variable",
        /// The guest clock starts at a fixed time (`start=`).
        Absolute = "absolute",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub offset: ClockOffset,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Clock {
    pub fn utc() -> Self {
        Clock {
            offset: ClockOffset::Utc,
            extra: Extra::default(),
        }
    }

    pub fn read(mut c: Cursor, diags: &mut Diagnostics) -> Clock {
        let offset = c.attr("offset").map(ClockOffset::parse);
        let sync = c.attr("sync").map(ClockOffset::parse);
        let offset = match (offset, sync) {
            (Some(o), None) => o,
            (None, Some(s)) => {
                diags.warning(
                    "W-CLOCK-SYNC-OBSOLETE",
                    c.attr_path("sync"),
                    format!("<clock sync='{s}'> is the 2008 spelling; upgraded to <clock offset='{s}'>"),
                    "today's libvirt ignores sync= and would start the clock in UTC: vmxml writes offset= instead",
                );
                s
            }
            (Some(o), Some(s)) => {
                diags.warning(
                    "W-CLOCK-SYNC-OBSOLETE",
                    c.attr_path("sync"),
                    format!(
                        "<clock> has both offset='{o}' and the 2008 sync='{s}'; sync= was dropped"
                    ),
                    "remove sync=: today's libvirt reads only offset=",
                );
                o
            }
            (None, None) => {
                diags.error(
                    "E-CLOCK-OFFSET-MISSING",
                    c.path(),
                    "<clock> has no offset attribute",
                    "write <clock offset='utc'/> (or localtime for Windows guests)",
                );
                ClockOffset::Utc
            }
        };
        Clock {
            offset,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        ElementBuilder::new("clock")
            .attr("offset", self.offset.as_str())
            .build(&self.extra)
    }
}

pub fn validate(cx: &Context, diags: &mut Diagnostics) {
    let Some(clock) = &cx.domain.clock else {
        return;
    };
    if let ClockOffset::Other(v) = &clock.offset {
        diags.error(
            "E-CLOCK-OFFSET",
            "/domain/clock/@offset",
            format!("'{v}' is not a clock offset"),
            choice_hint(v, ClockOffset::known()),
        );
    }
    if clock.offset == ClockOffset::Timezone && clock.extra.attr("timezone").is_none() {
        diags.error(
            "E-CLOCK-TIMEZONE-MISSING",
            "/domain/clock/@timezone",
            "offset='timezone' needs a timezone attribute",
            "add timezone='Europe/Paris' (an IANA zone name)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{codes_of, domain_from, xml_of};

    #[test]
    fn both_directions() {
        let c = domain_from("<domain type='kvm'><clock offset='localtime'><timer name='rtc' tickpolicy='catchup'/></clock></domain>").clock.unwrap();
        assert_eq!(c.offset, ClockOffset::Localtime);
        assert_eq!(
            xml_of(&c.write()),
            "<clock offset='localtime'>\n  <timer name='rtc' tickpolicy='catchup'/>\n</clock>\n"
        );
    }

    #[test]
    fn sync_is_upgraded_with_a_warning() {
        let d = domain_from("<domain type='kvm'><clock sync='localtime'/></domain>");
        assert_eq!(
            xml_of(&d.clock.unwrap().write()),
            "<clock offset='localtime'/>\n"
        );
        assert!(codes_of(
            "<domain type='kvm'><name>a</name><memory>1</memory><clock sync='localtime'/></domain>"
        )
        .contains(&"W-CLOCK-SYNC-OBSOLETE".into()));
    }
}
