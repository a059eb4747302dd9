//! `<clock>`: how the guest's clock starts. The 2008 spec's `sync=` is read and upgraded to
//! today's `offset=`.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::node::{step, Cursor, ElementBuilder, Extra};
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

value_enum!(
    /// `<timer name=...>`: which guest timer device.
    TimerName {
        Rtc = "rtc",
        Pit = "pit",
        Hpet = "hpet",
        Kvmclock = "kvmclock",
        Hypervclock = "hypervclock",
        Tsc = "tsc",
        Platform = "platform",
        Armvtimer = "armvtimer",
    }
);

impl TimerName {
    /// Whether libvirt lets the timer have a `tickpolicy`: kvmclock and hypervclock are
    /// paravirtual clocks with no ticks to lose.
    pub fn takes_tickpolicy(&self) -> bool {
        !matches!(self, TimerName::Kvmclock | TimerName::Hypervclock)
    }
}

value_enum!(
    /// `<timer tickpolicy=...>`: what happens to ticks the guest missed while not running.
    TickPolicy {
        /// Deliver them late, at the normal rate (the guest's time falls behind).
        Delay = "delay",
        /// Deliver them faster until caught up (what Windows wants for the RTC).
        Catchup = "catchup",
        /// Merge the missed ticks into one.
        Merge = "merge",
        /// Drop them; the guest reads the time from elsewhere.
        Discard = "discard",
    }
);

/// `<timer name='rtc' tickpolicy='catchup' present='yes'/>`; track, mode, frequency and
/// `<catchup>` are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    pub name: TimerName,
    #[serde(default)]
    pub tickpolicy: Option<TickPolicy>,
    /// `Some(false)` takes the timer away from the guest (`present='no'`).
    #[serde(default)]
    pub present: Option<bool>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Timer {
    pub fn new(name: TimerName) -> Self {
        Timer {
            name,
            tickpolicy: None,
            present: None,
            extra: Extra::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub offset: ClockOffset,
    /// The guest's timers, in document order.
    #[serde(default)]
    pub timers: Vec<Timer>,
    #[serde(default, skip_serializing_if = "Extra::is_empty")]
    pub extra: Extra,
}

impl Clock {
    pub fn utc() -> Self {
        Clock {
            offset: ClockOffset::Utc,
            timers: Vec::new(),
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
        let mut timers = Vec::new();
        for mut t in c.children("timer") {
            let name = match t.attr("name") {
                Some(n) => TimerName::parse(n),
                None => {
                    diags.error(
                        "E-TIMER-NAME-MISSING",
                        t.path(),
                        "<timer> has no name attribute",
                        "write <timer name='rtc'/> (or pit, hpet, kvmclock, hypervclock, tsc)",
                    );
                    TimerName::Other(String::new())
                }
            };
            let tickpolicy = t.attr("tickpolicy").map(TickPolicy::parse);
            let present = t.attr_yes_no("present", diags);
            timers.push(Timer {
                name,
                tickpolicy,
                present,
                extra: t.finish(),
            });
        }
        Clock {
            offset,
            timers,
            extra: c.finish(),
        }
    }

    pub fn write(&self) -> Element {
        // libvirt writes name, then tickpolicy (with track/frequency/mode kept), then present.
        ElementBuilder::new("clock")
            .attr("offset", self.offset.as_str())
            .children(self.timers.iter().map(|t| {
                ElementBuilder::new("timer")
                    .opt_attr("name", Some(t.name.as_str()).filter(|n| !n.is_empty()))
                    .opt_attr("tickpolicy", t.tickpolicy.as_ref().map(|p| p.as_str()))
                    .yes_no("present", t.present)
                    .build(&t.extra)
            }))
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
    if clock.offset == ClockOffset::Utc && cx.domain.looks_like_windows() {
        diags.warning(
            "W-WINDOWS-CLOCK-UTC",
            "/domain/clock/@offset",
            "this Windows guest's clock starts at UTC, but Windows keeps the hardware clock in local time",
            "write offset='localtime' (virt-install and virt-manager do for Windows), or set RealTimeIsUniversal in the guest's registry",
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
    let count = clock.timers.len();
    for (i, t) in clock.timers.iter().enumerate() {
        let at = |attr: &str| format!("/domain/clock/{}/@{attr}", step("timer", i + 1, count));
        if let TimerName::Other(n) = &t.name {
            if !n.is_empty() {
                diags.error(
                    "E-TIMER-NAME",
                    at("name"),
                    format!("'{n}' is not a timer libvirt knows"),
                    choice_hint(n, TimerName::known()),
                );
            }
        }
        if let Some(p) = &t.tickpolicy {
            if !t.name.takes_tickpolicy() {
                diags.error(
                    "E-TIMER-TICKPOLICY",
                    at("tickpolicy"),
                    format!("timer {} does not take a tickpolicy", t.name),
                    format!(
                        "remove tickpolicy='{p}': libvirt refuses it on kvmclock and hypervclock"
                    ),
                );
            } else if let TickPolicy::Other(v) = p {
                diags.error(
                    "E-TIMER-TICKPOLICY-VALUE",
                    at("tickpolicy"),
                    format!("'{v}' is not a tick policy"),
                    choice_hint(v, TickPolicy::known()),
                );
            }
        }
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
    fn timers_both_directions() {
        let xml = "<clock offset='utc'>\n  <timer name='rtc' tickpolicy='catchup' track='guest'/>\n  <timer name='pit' tickpolicy='delay'/>\n  <timer name='hpet' present='no'/>\n  <timer name='hypervclock' present='yes'/>\n</clock>\n";
        let clock = Clock {
            timers: vec![
                Timer {
                    tickpolicy: Some(TickPolicy::Catchup),
                    extra: Extra {
                        attrs: vec![("track".into(), "guest".into())],
                        children: Vec::new(),
                    },
                    ..Timer::new(TimerName::Rtc)
                },
                Timer {
                    tickpolicy: Some(TickPolicy::Delay),
                    ..Timer::new(TimerName::Pit)
                },
                Timer {
                    present: Some(false),
                    ..Timer::new(TimerName::Hpet)
                },
                Timer {
                    present: Some(true),
                    ..Timer::new(TimerName::Hypervclock)
                },
            ],
            ..Clock::utc()
        };
        assert_eq!(xml_of(&clock.write()), xml);
        let back = domain_from(&format!("<domain type='kvm'>{xml}</domain>")).clock;
        assert_eq!(back, Some(clock));
    }

    #[test]
    fn timer_rules() {
        let doc = |timer: &str| {
            format!("<domain type='kvm'><name>a</name><memory>1</memory><os><type>hvm</type></os><clock offset='utc'>{timer}</clock></domain>")
        };
        let c = codes_of(&doc("<timer name='kvmclock' tickpolicy='delay'/>"));
        assert!(c.contains(&"E-TIMER-TICKPOLICY".into()), "{c:?}");
        let c = codes_of(&doc(
            "<timer name='tsc' tickpolicy='catchup'/><timer name='rtc' tickpolicy='merge'/>",
        ));
        assert!(!c.iter().any(|x| x.starts_with("E-TIMER")), "{c:?}");
        let c = codes_of(&doc("<timer name='rtc' tickpolicy='later'/>"));
        assert!(c.contains(&"E-TIMER-TICKPOLICY-VALUE".into()), "{c:?}");
        let c = codes_of(&doc("<timer name='sundial'/>"));
        assert!(c.contains(&"E-TIMER-NAME".into()), "{c:?}");
    }

    #[test]
    fn windows_wants_local_time() {
        let doc = |features: &str, offset: &str| {
            format!("<domain type='kvm'><name>w</name><memory>1</memory><os><type>hvm</type></os>{features}<clock offset='{offset}'/></domain>")
        };
        let hyperv = "<features><hyperv mode='custom'><relaxed state='on'/></hyperv></features>";
        assert!(codes_of(&doc(hyperv, "utc")).contains(&"W-WINDOWS-CLOCK-UTC".into()));
        assert!(!codes_of(&doc(hyperv, "localtime")).contains(&"W-WINDOWS-CLOCK-UTC".into()));
        assert!(!codes_of(&doc("", "utc")).contains(&"W-WINDOWS-CLOCK-UTC".into()));
        let osinfo = "<metadata><libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'><libosinfo:os id='http://microsoft.com/win/11'/></libosinfo:libosinfo></metadata>";
        assert!(codes_of(&doc(osinfo, "utc")).contains(&"W-WINDOWS-CLOCK-UTC".into()));
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
