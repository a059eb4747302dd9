//! Value types shared by the element families: enumerations with an escape hatch, numbers,
//! UUIDs, MAC addresses, and the "did you mean" used in hints.

/// Declares an enumerated attribute value: a Rust enum with `as_str`/`parse`, plus `Other`
/// for values libvirt accepts that vmxml does not model yet. Serialised as its XML string.
#[macro_export]
macro_rules! value_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value vmxml does not model; kept as written.
            Other(String),
        }

        impl $name {
            /// Every modelled value, in the order a form should offer them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &str {
                // Spellings come from `known()`, the one table of them, read through a function
                // LLVM cannot see into: indexing the table here folds to one constant per
                // variant, a second table of the same pointers spelt out in code.
                #[allow(non_camel_case_types, dead_code)]
                enum Index { $($variant),+ }
                let i = match self {
                    $($name::$variant => Index::$variant as usize,)+
                    $name::Other(s) => return s.as_str(),
                };
                $crate::values::name_at(Self::known(), i)
            }

            pub fn parse(s: &str) -> Self {
                // A table lookup shared by every enumeration, rather than a string match each;
                // the variant follows from its index, with no table of values.
                #[allow(non_camel_case_types, dead_code)]
                enum Index { $($variant),+ }
                match $crate::values::position_of(Self::known(), s) {
                    $(Some(i) if i == Index::$variant as usize => $name::$variant,)+
                    _ => $name::Other(s.to_string()),
                }
            }

            pub fn is_other(&self) -> bool {
                matches!(self, $name::Other(_))
            }

            /// The modelled spellings, for hints.
            pub fn known() -> &'static [&'static str] {
                &[$($text),+]
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_string()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The `i`th of `names`, for [`value_enum!`]'s `as_str`; never inlined, so the table stays one
/// table in the wasm.
#[inline(never)]
pub fn name_at(names: &'static [&'static str], i: usize) -> &'static str {
    names.get(i).copied().unwrap_or_default()
}

/// Where `s` is in `names`.
pub fn position_of(names: &[&str], s: &str) -> Option<usize> {
    names.iter().position(|n| *n == s)
}

pub type ParseError = (&'static str, String, String);

/// Parses an unsigned integer as libvirt's `virStrToLong_ui` with base 10.
pub fn parse_u64(what: &str, s: &str) -> Result<u64, ParseError> {
    s.trim().parse::<u64>().map_err(|_| {
        (
            "E-VALUE-NUMBER",
            format!("{what} '{s}' is not a whole number"),
            format!("write {what} as digits, for example 1024"),
        )
    })
}

pub fn parse_u32(what: &str, s: &str) -> Result<u32, ParseError> {
    s.trim().parse::<u32>().map_err(|_| {
        (
            "E-VALUE-NUMBER",
            format!("{what} '{s}' is not a whole number in range"),
            format!("write {what} as digits between 0 and {}", u32::MAX),
        )
    })
}

pub fn parse_i32(what: &str, s: &str) -> Result<i32, ParseError> {
    s.trim().parse::<i32>().map_err(|_| {
        (
            "E-VALUE-NUMBER",
            format!("{what} '{s}' is not a whole number"),
            format!("write {what} as digits, for example 5900"),
        )
    })
}

/// A number in decimal, hexadecimal (`0x`) or octal (leading `0`), as libvirt reads USB ids.
pub fn parse_c_number(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

/// libvirt accepts 32 hex digits with optional dashes anywhere between pairs (and spaces
/// around); RFC 4122 form is 8-4-4-4-12.
pub fn uuid_is_valid(s: &str) -> bool {
    let t = s.trim();
    let mut digits = 0;
    let mut prev_dash = true;
    for c in t.chars() {
        if c.is_ascii_hexdigit() {
            digits += 1;
            prev_dash = false;
        } else if c == '-' && !prev_dash && digits % 2 == 0 {
            prev_dash = true;
        } else {
            return false;
        }
    }
    digits == 32 && !t.ends_with('-')
}

pub fn uuid_is_rfc4122(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Turns 32 hex digits (with or without dashes) into the 8-4-4-4-12 form.
pub fn uuid_canonical(s: &str) -> Option<String> {
    if !uuid_is_valid(s) {
        return None;
    }
    let hex: String = s
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .collect::<String>()
        .to_ascii_lowercase();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// A random version-4 UUID from the caller's entropy (the app passes crypto random bytes).
pub fn uuid_v4_from(bytes: [u8; 16]) -> String {
    let mut b = bytes;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Parses `aa:bb:cc:dd:ee:ff` (libvirt also accepts one-digit groups).
pub fn parse_mac(s: &str) -> Option<[u8; 6]> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        return None;
    }
    let mut out = [0u8; 6];
    for (o, p) in out.iter_mut().zip(parts) {
        if p.is_empty() || p.len() > 2 || !p.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        *o = u8::from_str_radix(p, 16).ok()?;
    }
    Some(out)
}

/// A locally administered unicast MAC in the 52:54:00 prefix that QEMU/KVM uses.
pub fn mac_from(bytes: [u8; 3]) -> String {
    format!(
        "52:54:00:{:02x}:{:02x}:{:02x}",
        bytes[0], bytes[1], bytes[2]
    )
}

pub fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = [0u8; 4];
    for (o, p) in out.iter_mut().zip(parts) {
        if p.is_empty() || p.len() > 3 || !p.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    Some(out)
}

/// Whether `s` is an IPv6 address in text form (RFC 4291 section 2.2, as libvirt's schema takes
/// it): eight groups of 1-4 hex digits, one `::` standing for a run of zero groups, and an IPv4
/// address as the last two groups. Hand-written: std's parser costs more wasm.
pub fn is_ipv6(s: &str) -> bool {
    let (head, tail, compressed) = match s.split_once("::") {
        Some((h, t)) if !t.contains("::") => (h, t, true),
        Some(_) => return false,
        None => (s, "", false),
    };
    let groups = |part: &str, last: bool| -> Option<usize> {
        if part.is_empty() {
            return Some(0);
        }
        let items: Vec<&str> = part.split(':').collect();
        let mut n = 0;
        for (i, g) in items.iter().enumerate() {
            if last && i + 1 == items.len() && g.contains('.') {
                parse_ipv4(g)?;
                n += 2;
            } else if (1..=4).contains(&g.len()) && g.chars().all(|c| c.is_ascii_hexdigit()) {
                n += 1;
            } else {
                return None;
            }
        }
        Some(n)
    };
    let (Some(a), Some(b)) = (groups(head, !compressed), groups(tail, true)) else {
        return false;
    };
    if compressed {
        a + b <= 7
    } else {
        a == 8
    }
}

/// Edit distance, for suggestions.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Long values are not typos; and edit distance on them would cost time for nothing.
    if word.len() > 64 {
        return None;
    }
    let lw = word.to_ascii_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        // libvirt's names are ASCII: no Unicode case tables needed.
        let lc = c.to_ascii_lowercase();
        let d = if lc == lw { 0 } else { levenshtein(&lw, &lc) };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let limit = (word.chars().count() / 3).max(1) + usize::from(word.len() > 6);
    best.filter(|(d, _)| *d <= limit).map(|(_, c)| c)
}

/// "did you mean X?" or the list of choices, for hints.
/// Reports an enumerated value libvirt does not know (it refuses the document): `what` names
/// the attribute as a person reads it, such as "CPU mode".
pub fn refuse_unknown(
    diags: &mut crate::diagnostic::Diagnostics,
    code: &str,
    path: impl Into<String>,
    what: &str,
    value: &str,
    known: &[&str],
) {
    diags.error(
        code,
        path,
        format!("'{value}' is not a {what} libvirt knows"),
        choice_hint(value, known),
    );
}

pub fn choice_hint(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(s) => format!("did you mean '{s}'?"),
        None => format!("use one of: {}", candidates.join(", ")),
    }
}

/// The first holder of each key: a target name, a boot order, an address. Every such
/// rule in core uses this one map type (string keys), so the wasm carries one hash map
/// rather than one per key type.
#[derive(Debug, Default)]
pub struct FirstSeen(std::collections::HashMap<String, usize>);

impl FirstSeen {
    /// The index that first used `key`; `None` (and `index` remembered) if none did.
    pub fn check(&mut self, key: String, index: usize) -> Option<usize> {
        match self.0.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(index);
                None
            }
        }
    }

    /// The index that first used `key`, without remembering anything.
    pub fn get(&self, key: &str) -> Option<usize> {
        self.0.get(key).copied()
    }

    /// Remembers `index` for `key` unless an earlier one holds it.
    pub fn remember(&mut self, key: String, index: usize) {
        self.0.entry(key).or_insert(index);
    }
}

/// Sorts `items` stably by `key`, through [`stable_order`]: each `sort_by_key` would
/// otherwise add its own copy of the sorting code to the wasm.
pub fn sort_stably_by<T>(items: &mut Vec<T>, key: impl Fn(&T) -> u128) {
    let keys: Vec<u128> = items.iter().map(key).collect();
    let order = stable_order(keys.len(), &|a, b| keys.get(a).cmp(&keys.get(b)));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take)),
    );
}

/// Positions `0..n` ordered by `cmp`, equal ones in position order. Every sort in core goes
/// through this one routine, so the wasm holds one sort, not one per element type.
pub fn stable_order(n: usize, cmp: &dyn Fn(usize, usize) -> std::cmp::Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| cmp(a, b).then(a.cmp(&b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerations_round_trip_through_their_table_of_names() {
        use crate::devices::disk::DiskBus;
        use crate::domain::DomainType;
        for v in DiskBus::ALL {
            assert_eq!(DiskBus::parse(v.as_str()), *v);
        }
        for v in DomainType::ALL {
            assert_eq!(DomainType::parse(v.as_str()), *v);
        }
        assert_eq!(DiskBus::ALL.len(), DiskBus::known().len());
        assert_eq!(DiskBus::parse("virtio"), DiskBus::Virtio);
        assert_eq!(DiskBus::Virtio.as_str(), "virtio");
        assert_eq!(DiskBus::parse("nvme-ish").as_str(), "nvme-ish");
        assert!(DiskBus::parse("").is_other());
    }

    #[test]
    fn first_seen_keeps_the_first_holder() {
        let mut seen = FirstSeen::default();
        assert_eq!(seen.check("vda".into(), 0), None);
        assert_eq!(seen.check("vdb".into(), 1), None);
        assert_eq!(seen.check("vda".into(), 2), Some(0));
        assert_eq!(seen.check("vda".into(), 3), Some(0));
        seen.remember("vdb".into(), 4);
        assert_eq!(seen.get("vdb"), Some(1));
        assert_eq!(seen.get("vdc"), None);
    }

    #[test]
    fn uuids() {
        assert!(uuid_is_valid("3e3fce45-4f53-4fa7-bb32-11f34168b82b"));
        assert!(uuid_is_valid("4dea22b31d52d8f32516782e98ab3fa0"));
        assert!(!uuid_is_valid("4dea22b31d52d8f32516782e98ab3fa"));
        assert!(!uuid_is_valid("zz"));
        assert!(uuid_is_rfc4122("3e3fce45-4f53-4fa7-bb32-11f34168b82b"));
        assert!(!uuid_is_rfc4122("4dea22b31d52d8f32516782e98ab3fa0"));
        assert_eq!(
            uuid_canonical("4dea22b31d52d8f32516782e98ab3fa0").as_deref(),
            Some("4dea22b3-1d52-d8f3-2516-782e98ab3fa0")
        );
        let u = uuid_v4_from([0xff; 16]);
        assert!(uuid_is_rfc4122(&u));
        assert_eq!(&u[14..15], "4");
    }

    #[test]
    fn macs_and_numbers() {
        assert_eq!(
            parse_mac("00:16:3e:5d:c7:9e"),
            Some([0, 0x16, 0x3e, 0x5d, 0xc7, 0x9e])
        );
        assert_eq!(parse_mac("00:16:3e:5d:c7"), None);
        assert_eq!(parse_c_number("0x1234"), Some(0x1234));
        assert_eq!(parse_c_number("010"), Some(8));
        assert_eq!(parse_c_number("10"), Some(10));
        assert_eq!(parse_ipv4("230.0.0.1"), Some([230, 0, 0, 1]));
        assert_eq!(parse_ipv4("230.0.0"), None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("memroy", ["memory", "name", "vcpu"]),
            Some("memory")
        );
        assert_eq!(did_you_mean("zzzzzz", ["memory", "name"]), None);
        assert_eq!(
            did_you_mean("floopy", ["floppy", "disk", "cdrom"]),
            Some("floppy")
        );
    }

    #[test]
    fn stable_sort_keeps_ties_in_order() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        super::sort_stably_by(&mut v, |x| x.0);
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        let mut empty: Vec<u8> = Vec::new();
        super::sort_stably_by(&mut empty, |x| u128::from(*x));
        assert!(empty.is_empty());
    }

    #[test]
    fn ipv6_addresses() {
        for ok in [
            "::",
            "::1",
            "fe80::1",
            "2001:db8::8a2e:370:7334",
            "2001:0db8:0000:0000:0000:ff00:0042:8329",
            "::ffff:192.168.0.1",
            "64:ff9b::10.0.0.1",
            "1::",
        ] {
            assert!(super::is_ipv6(ok), "{ok}");
            assert_eq!(ok.parse::<std::net::Ipv6Addr>().is_ok(), super::is_ipv6(ok));
        }
        for bad in [
            "",
            ":",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "12345::1",
            "g::1",
            "1:2:3:4:5:6:7::8:9",
            "::1.2.3",
            "1.2.3.4::",
            ":1::",
            "1:",
        ] {
            assert!(!super::is_ipv6(bad), "{bad}");
            assert_eq!(
                bad.parse::<std::net::Ipv6Addr>().is_ok(),
                super::is_ipv6(bad),
                "{bad}"
            );
        }
    }
}
