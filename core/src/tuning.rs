//! Rules on elements vmxml keeps as written but libvirt still checks: `<cputune>` cache and
//! memory-bandwidth allocations. (Placeholder.)

use crate::diagnostic::Diagnostics;
use crate::validate::Context;

pub fn validate(_cx: &Context, _diags: &mut Diagnostics) {}
