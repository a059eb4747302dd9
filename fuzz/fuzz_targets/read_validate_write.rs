//! Any bytes: reading and validating never panic; whatever is read writes to XML that reads
//! back, and writing is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = vmxml_core::check_bytes(data);
    if let Some(domain) = report.domain {
        let _ = vmxml_core::validate(&domain);
        let written = vmxml_core::write(&domain);
        let again = vmxml_core::check(&written);
        let domain2 = again.domain.expect("vmxml reads what it writes");
        assert_eq!(vmxml_core::write(&domain2), written, "writing is a fixed point");
    }
});
