//! The validator: rules that libvirt's schema cannot express, run over the model. Each
//! element family owns its rules; this module only calls them in document order.

use crate::diagnostic::Diagnostics;
use crate::domain::Domain;

/// What a rule may look at besides its own element.
pub struct Context<'a> {
    pub domain: &'a Domain,
}

pub fn validate_model(domain: &Domain, diags: &mut Diagnostics) {
    let cx = Context { domain };
    crate::domain::validate(&cx, diags);
    crate::memory::validate(&cx, diags);
    crate::os::validate(&cx, diags);
    crate::features::validate(&cx, diags);
    crate::cpu::validate(&cx, diags);
    crate::lifecycle::validate(&cx, diags);
    crate::clock::validate(&cx, diags);
    crate::devices::validate(&cx, diags);
    crate::tuning::validate(&cx, diags);
}
