//! One value of a design, named by its path as diagnostics spell it
//! (`/domain/devices/disk[2]/source/@file`): read from the XML vmxml writes, and set by
//! changing that XML and reading it back through the lossless reader.
//!
//! This lets a form edit any attribute or element the writer emits with one pair of
//! functions instead of code of its own per setting, and the reader stays the only place
//! that turns text into the model.

use crate::devices::{Device, Devices};
use crate::diagnostic::Diagnostics;
use crate::domain::Domain;
use crate::xml::{Element, Node};

/// A path step: `name` or `name[i]` (1-based, as [`crate::node::step`] spells it).
fn step_parts(step: &str) -> Option<(&str, Option<usize>)> {
    match step.split_once('[') {
        Some((name, rest)) => {
            let digits = rest.strip_suffix(']')?;
            // Only the way `step` writes a number names a child ("disk[01]" does not).
            if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some((name, Some(digits.parse().ok()?)))
        }
        None => Some((step, None)),
    }
}

/// Where among `el`'s children a step points, as diagnostics paths mean it: `name` is the
/// only child of that name, `name[i]` the i-th of several. `Err(true)` when no child has
/// that name, so one may be created; `Err(false)` when the step names nothing.
fn child_position(el: &Element, step: &str) -> Result<usize, bool> {
    let (name, index) = step_parts(step).ok_or(false)?;
    let mut count = 0;
    let mut found = None;
    for (i, node) in el.children.iter().enumerate() {
        if matches!(node, Node::Element(c) if c.name == name) {
            count += 1;
            if count == index.unwrap_or(1) {
                found = Some(i);
            }
        }
    }
    match (index, found) {
        (None, Some(i)) if count == 1 => Ok(i),
        (Some(_), Some(i)) if count > 1 => Ok(i),
        (None | Some(1), None) if count == 0 => Err(true),
        _ => Err(false),
    }
}

/// The child of `el` that a path step names (see [`child_position`]).
pub(crate) fn child_at_step<'a>(el: &'a Element, step: &str) -> Option<&'a Element> {
    match el.children.get(child_position(el, step).ok()?) {
        Some(Node::Element(c)) => Some(c),
        _ => None,
    }
}

fn child_mut(el: &mut Element, i: usize) -> Option<&mut Element> {
    match el.children.get_mut(i) {
        Some(Node::Element(c)) => Some(c),
        _ => None,
    }
}

/// A relative path's element steps and its attribute: `/source/@file` → (["source"], "file").
fn split_path(rel: &str) -> (Vec<&str>, Option<&str>) {
    let mut steps: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
    let attr = match steps.last() {
        Some(last) if last.starts_with('@') => steps.pop().map(|a| &a[1..]),
        _ => None,
    };
    (steps, attr)
}

/// Whether a path names an attribute (`.../@dev`) rather than an element.
pub fn names_attribute(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|s| s.starts_with('@'))
}

impl Element {
    /// The value a path below this element names: an attribute's value, or an element's
    /// text (`Some("")` for an empty element such as `<readonly/>`). `None` when absent.
    pub fn value_at(&self, rel: &str) -> Option<String> {
        let (steps, attr) = split_path(rel);
        let mut el = self;
        for step in steps {
            el = child_at_step(el, step)?;
        }
        match attr {
            Some(a) => el.attr(a).map(str::to_string),
            None => Some(el.text()),
        }
    }

    /// Sets the value a path below this element names, creating the elements on the way;
    /// `None` removes it, and with it every element on the way that is left empty (never
    /// this element itself). A path that names none of several same-named children changes
    /// nothing.
    pub fn set_value_at(&mut self, rel: &str, value: Option<&str>) {
        let (steps, attr) = split_path(rel);
        set_below(self, &steps, attr, value);
    }

    /// Removes the element or attribute a path names, whatever it holds, and every element
    /// on the way that is left empty: a flag such as `<readonly/>` switched off.
    pub fn remove_at(&mut self, rel: &str) {
        let (steps, attr) = split_path(rel);
        if attr.is_some() {
            set_below(self, &steps, attr, None);
        } else if let Some((last, parents)) = steps.split_last() {
            remove_below(self, parents, last);
        }
    }
}

/// Removes the child `last` at the end of `steps`; returns whether `el` was left empty.
fn remove_below(el: &mut Element, steps: &[&str], last: &str) -> bool {
    let (i, rest) = match steps.split_first() {
        None => match child_position(el, last) {
            Ok(i) => {
                el.children.remove(i);
                return is_empty(el);
            }
            Err(_) => return false,
        },
        Some((step, rest)) => match child_position(el, step) {
            Ok(i) => (i, rest),
            Err(_) => return false,
        },
    };
    if child_mut(el, i).is_some_and(|c| remove_below(c, rest, last)) {
        el.children.remove(i);
        return is_empty(el);
    }
    false
}

/// Returns whether `el` was left empty by a removal, for its parent to prune.
fn set_below(el: &mut Element, steps: &[&str], attr: Option<&str>, value: Option<&str>) -> bool {
    let Some((step, rest)) = steps.split_first() else {
        match (attr, value) {
            (Some(a), Some(v)) => el.set_attr(a, v),
            (Some(a), None) => el.attrs.retain(|x| x.name != a),
            (None, v) => {
                el.children.retain(|n| !matches!(n, Node::Text(_)));
                if let Some(v) = v.filter(|v| !v.is_empty()) {
                    el.children.push(Node::Text(v.to_string()));
                }
            }
        }
        return is_empty(el);
    };
    let i = match child_position(el, step) {
        Ok(i) => i,
        Err(true) if value.is_some() => {
            let name = step_parts(step).map_or(*step, |(n, _)| n);
            el.children.push(Node::Element(Element::new(name)));
            el.children.len() - 1
        }
        Err(_) => return false,
    };
    let Some(child) = child_mut(el, i) else {
        return false;
    };
    if set_below(child, rest, attr, value) && value.is_none() {
        el.children.remove(i);
        return is_empty(el);
    }
    false
}

fn is_empty(el: &Element) -> bool {
    el.attrs.is_empty() && el.children.is_empty()
}

impl Device {
    /// Changes the device's XML with `change` and reads it back.
    fn edit_written(&mut self, change: &dyn Fn(&mut Element)) {
        let mut el = self.write();
        change(&mut el);
        *self = Device::read_element(&el, "", &mut Diagnostics::default());
    }
}

impl Domain {
    /// The value at a path from `/domain`, as vmxml writes it.
    pub fn value_at(&self, path: &str) -> Option<String> {
        match device_step(self, path) {
            Some((i, rel)) => self.devices.as_ref()?.list.get(i)?.write().value_at(rel),
            None => self.write().value_at(path.strip_prefix("/domain")?),
        }
    }

    /// Sets the value at a path from `/domain`; see [`Element::set_value_at`].
    pub fn set_value_at(&mut self, path: &str, value: Option<&str>) {
        self.edit_at(path, &|el, rel| el.set_value_at(rel, value));
    }

    /// Removes what a path from `/domain` names; see [`Element::remove_at`].
    pub fn remove_at(&mut self, path: &str) {
        self.edit_at(path, &|el, rel| el.remove_at(rel));
    }

    /// A device's value changes only that device; anything else reads the domain back
    /// without its devices, so a keystroke costs the same with three devices or three
    /// hundred.
    fn edit_at(&mut self, path: &str, change: &dyn Fn(&mut Element, &str)) {
        if let Some((i, rel)) = device_step(self, path) {
            if let Some(dev) = self.devices.as_mut().and_then(|d| d.list.get_mut(i)) {
                dev.edit_written(&|el| change(el, rel));
            }
            return;
        }
        let Some(rel) = path.strip_prefix("/domain") else {
            return;
        };
        // The devices are left out, but an empty <devices/> keeps the place of anything
        // kept as written around it.
        let devices = self.devices.take();
        self.devices = devices.as_ref().map(|_| Devices::default());
        let mut el = self.write();
        change(&mut el, rel);
        let mut read = Domain::read(&el, &mut Diagnostics::default());
        read.devices = devices;
        *self = read;
    }
}

/// For a path into a device (`/domain/devices/disk[2]/...`): the device's position in the
/// list and the rest of the path.
fn device_step<'p>(d: &Domain, path: &'p str) -> Option<(usize, &'p str)> {
    let rest = path.strip_prefix("/domain/devices/")?;
    let (step, rel) = match rest.find('/') {
        Some(k) => (&rest[..k], &rest[k..]),
        None => (rest, ""),
    };
    let (name, index) = step_parts(step)?;
    if name == "emulator" {
        return None;
    }
    let list = &d.devices.as_ref()?.list;
    let mut of_name = list
        .iter()
        .enumerate()
        .filter(|(_, x)| x.element_name() == name);
    let i = match index {
        None => of_name.next()?.0,
        Some(k) => of_name.nth(k - 1)?.0,
    };
    Some((i, rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(text: &str) -> Element {
        crate::xml::parse(text).unwrap().root
    }

    #[test]
    fn values_by_path() {
        let e = el("<disk type='file'><source file='/a.img'/><readonly/><target dev='vda'/><serial>X1</serial></disk>");
        assert_eq!(e.value_at("/@type").as_deref(), Some("file"));
        assert_eq!(e.value_at("/source/@file").as_deref(), Some("/a.img"));
        assert_eq!(e.value_at("/readonly").as_deref(), Some(""));
        assert_eq!(e.value_at("/serial").as_deref(), Some("X1"));
        assert_eq!(e.value_at("/shareable"), None);
        assert_eq!(e.value_at("/source/@dev"), None);
        assert_eq!(e.value_at("/source[2]/@file"), None);
    }

    #[test]
    fn setting_creates_and_removing_prunes() {
        let mut e = el("<interface type='network'><source network='default'/></interface>");
        e.set_value_at("/model/@type", Some("virtio"));
        assert_eq!(e.value_at("/model/@type").as_deref(), Some("virtio"));
        e.set_value_at("/model/@type", None);
        assert!(e.child("model").is_none());
        e.set_value_at("/source/address/@bus", Some("0x01"));
        e.set_value_at("/source/address/@bus", None);
        assert_eq!(e.child("source").map(|s| s.elements().count()), Some(0));
        assert_eq!(e.value_at("/source/@network").as_deref(), Some("default"));
        e.set_value_at("/readonly", Some(""));
        assert_eq!(e.value_at("/readonly").as_deref(), Some(""));
        e.remove_at("/readonly");
        assert!(e.child("readonly").is_none());
        e.set_value_at("/driver/@name", Some("qemu"));
        e.set_value_at("/driver/x/@y", Some("1"));
        e.remove_at("/driver/x");
        assert_eq!(e.value_at("/driver/@name").as_deref(), Some("qemu"));
        e.remove_at("/driver/@name");
        assert!(e.child("driver").is_none());
        // The element itself is never removed.
        e.set_value_at("/@type", None);
        e.set_value_at("/source/@network", None);
        assert_eq!(e.name, "interface");
        assert!(e.children.is_empty());
    }

    #[test]
    fn text_is_replaced_and_children_kept() {
        let mut e = el("<os><type arch='x86_64'>hvm</type><loader readonly='yes'>/a</loader></os>");
        e.set_value_at("/type", Some("xen"));
        assert_eq!(e.value_at("/type").as_deref(), Some("xen"));
        assert_eq!(e.value_at("/type/@arch").as_deref(), Some("x86_64"));
        // Clearing text keeps an element that holds more.
        e.set_value_at("/loader", None);
        assert_eq!(e.value_at("/loader/@readonly").as_deref(), Some("yes"));
        assert_eq!(e.value_at("/loader").as_deref(), Some(""));
        e.remove_at("/loader");
        assert!(e.child("loader").is_none());
    }

    #[test]
    fn ambiguous_steps_change_nothing() {
        let mut e = el("<os><boot dev='hd'/><boot dev='cdrom'/></os>");
        let before = e.clone();
        e.set_value_at("/boot/@dev", Some("fd"));
        e.set_value_at("/boot[3]/@dev", Some("fd"));
        e.set_value_at("/boot[0]/@dev", Some("fd"));
        e.set_value_at("/boot[x/@dev", Some("fd"));
        assert_eq!(e, before);
        e.set_value_at("/boot[2]/@dev", Some("network"));
        assert_eq!(e.value_at("/boot[2]/@dev").as_deref(), Some("network"));
    }

    #[test]
    fn a_domain_value_reads_back_through_the_model() {
        let mut d = Domain::default();
        let devices = d.devices.clone();
        d.set_value_at("/domain/title", Some("Web"));
        assert_eq!(d.title.as_deref(), Some("Web"));
        assert_eq!(d.devices, devices);
        d.set_value_at("/domain/features/acpi", Some(""));
        assert_eq!(d.value_at("/domain/features/acpi").as_deref(), Some(""));
        d.set_value_at("/domain/devices/disk/target/@dev", Some("vdq"));
        assert_eq!(
            d.value_at("/domain/devices/disk/target/@dev").as_deref(),
            Some("vdq")
        );
        d.remove_at("/domain/devices/interface/model");
        assert_eq!(d.value_at("/domain/devices/interface/model/@type"), None);
        d.remove_at("/domain/features/acpi");
        assert_eq!(d.value_at("/domain/features/acpi"), None);
        // Paths outside the document change nothing.
        let before = d.clone();
        d.set_value_at("/other/x", Some("1"));
        d.set_value_at("/domain/devices/disk[7]/@type", Some("1"));
        assert_eq!(d, before);
    }

    #[test]
    fn kept_parts_stay_in_place() {
        let text = "<domain type='kvm'><name>a</name><devices><disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk></devices><qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'/></domain>";
        let mut d = crate::read(text).unwrap();
        d.set_value_at("/domain/name", Some("b"));
        let written = crate::write(&d);
        let devices = written.find("<devices>").unwrap();
        let kept = written.find("<qemu:commandline").unwrap();
        assert!(devices < kept, "{written}");
        assert!(written.contains("<name>b</name>"));
        assert!(written.contains("dev='vda'"));
    }
}
