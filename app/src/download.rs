//! Download as `<name>.xml` (a Blob, no server) and copy to the clipboard.

use leptos::prelude::*;
use vmxml_core::Domain;
use wasm_bindgen::JsCast;

use crate::state::Studio;

/// `<name>.xml`, with characters that file systems refuse replaced. Letters beyond ASCII are
/// kept as they are (a plain test, not Unicode's tables, which would cost kilobytes of wasm).
pub fn file_name(domain: &Domain) -> String {
    let name = domain.name.as_deref().unwrap_or("").trim();
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_' | '.')
                || (!c.is_ascii() && !c.is_whitespace())
            {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        "domain.xml".into()
    } else {
        format!("{safe}.xml")
    }
}

pub fn download(studio: Studio) {
    let xml = studio.report.with_untracked(|r| r.xml.clone());
    let name = studio.domain.with_untracked(file_name);
    match save_blob(&xml, &name) {
        Ok(()) => studio.say(format!("Downloaded {name}. Next: virsh define {name}")),
        Err(()) => studio.warn("The browser refused the download."),
    }
}

fn save_blob(text: &str, name: &str) -> Result<(), ()> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/xml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|_| ())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| ())?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or(())?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

pub fn copy(studio: Studio) {
    let xml = studio.report.with_untracked(|r| r.xml.clone());
    copy_text(studio, xml, "the XML");
}

/// Puts text on the clipboard and says so; `what` names it in the message.
pub fn copy_text(studio: Studio, text: String, what: &'static str) {
    let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
        studio.warn("This browser has no clipboard access.");
        return;
    };
    let promise = clipboard.write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => studio.say(format!("Copied {what} to the clipboard.")),
            Err(_) => studio
                .warn("The browser refused clipboard access: select the text and copy it instead."),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::file_name;
    use vmxml_core::Domain;

    #[test]
    fn file_names() {
        let mut d = Domain {
            name: Some("web 01/<x>".into()),
            ..Default::default()
        };
        assert_eq!(file_name(&d), "web_01__x_.xml");
        d.name = Some("Über\u{a0}vm".into());
        assert_eq!(file_name(&d), "Über_vm.xml");
        d.name = None;
        assert_eq!(file_name(&d), "domain.xml");
        d.name = Some("..".into());
        assert_eq!(file_name(&d), "domain.xml");
    }
}
