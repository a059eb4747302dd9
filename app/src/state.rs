//! The app's state: the design (one `Domain`, the single source of truth), the page, and what
//! is derived from them. Effects only sync with the outside world (localStorage).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use vmxml_core::{DesignReport, Domain};

use crate::pages::Page;

/// Which half of the app is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum View {
    Design,
    Import,
}

/// A short message for the person: saved, copied, storage full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

/// What the components share. Everything here is a signal handle, so it is `Copy`.
#[derive(Clone, Copy)]
pub struct Studio {
    pub domain: RwSignal<Domain>,
    pub page: RwSignal<Page>,
    pub view: RwSignal<View>,
    /// XML and located diagnostics of the design: derived, never stored twice.
    pub report: Memo<DesignReport>,
    /// Path of the field with focus, to highlight its element in the preview.
    pub focus: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<Notice>>,
    /// The import editor's text, kept across view switches and reloads.
    pub import_text: RwSignal<String>,
}

impl Studio {
    pub fn edit(&self, f: impl FnOnce(&mut Domain)) {
        self.domain.update(f);
    }

    pub fn say(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice {
            text: text.into(),
            is_error: false,
        }));
    }

    pub fn warn(&self, text: impl Into<String>) {
        self.notice.set(Some(Notice {
            text: text.into(),
            is_error: true,
        }));
    }

    /// Diagnostics whose path is at or below `path`, for a field's marks.
    pub fn diagnostics_at(&self, path: &str) -> Vec<vmxml_core::Diagnostic> {
        self.report.with(|r| {
            r.diagnostics
                .iter()
                .filter(|d| path_covers(path, &d.path))
                .cloned()
                .collect()
        })
    }
}

/// Whether `field` is `path` or one of its ancestors (`/a/b` covers `/a/b/@c`, `/a/b[2]` does
/// not cover `/a/b`).
pub fn path_covers(field: &str, path: &str) -> bool {
    path == field
        || path
            .strip_prefix(field)
            .is_some_and(|rest| rest.starts_with('/'))
}

pub fn use_studio() -> Studio {
    expect_context::<Studio>()
}

const DRAFT_KEY: &str = "vmxml.draft.v1";
const DRAFT_BROKEN_KEY: &str = "vmxml.draft.unreadable";

/// The draft kept in localStorage.
#[derive(Serialize, Deserialize)]
struct Draft {
    domain: Domain,
    page: Page,
    view: View,
    #[serde(default)]
    import_text: String,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Creates the state from the saved draft (or a new design) and starts autosaving.
pub fn provide_studio() -> Studio {
    let mut notice = None;
    let draft = match storage().map(|s| s.get_item(DRAFT_KEY)) {
        Some(Ok(Some(json))) => match serde_json::from_str::<Draft>(&json) {
            Ok(d) => Some(d),
            Err(_) => {
                // Keep what could not be read rather than overwrite it.
                if let Some(s) = storage() {
                    let _ = s.set_item(DRAFT_BROKEN_KEY, &json);
                }
                notice = Some(Notice {
                    text: "The saved draft could not be read, so a new design was started. The old draft is kept in this browser's storage under vmxml.draft.unreadable.".into(),
                    is_error: true,
                });
                None
            }
        },
        Some(Err(_)) | None => {
            notice = Some(Notice {
                text: "This browser blocks local storage: your design will not be kept after a reload. Download it before you leave.".into(),
                is_error: true,
            });
            None
        }
        Some(Ok(None)) => None,
    };
    let (domain, page, view, import_text) = match draft {
        Some(d) => (d.domain, d.page, d.view, d.import_text),
        None => (Domain::default(), Page::Basics, View::Design, String::new()),
    };
    let domain = RwSignal::new(domain);
    let report = Memo::new(move |_| domain.with(vmxml_core::design_report));
    let studio = Studio {
        domain,
        page: RwSignal::new(page),
        view: RwSignal::new(view),
        report,
        focus: RwSignal::new(None),
        notice: RwSignal::new(notice),
        import_text: RwSignal::new(import_text),
    };
    provide_context(studio);
    Effect::new(move |_| {
        let draft = studio.domain.with(|domain| {
            serde_json::to_string(&DraftRef {
                domain,
                page: studio.page.get(),
                view: studio.view.get(),
                import_text: &studio.import_text.read(),
            })
        });
        let Ok(json) = draft else { return };
        match storage().map(|s| s.set_item(DRAFT_KEY, &json)) {
            Some(Ok(())) => {}
            Some(Err(_)) => studio.warn(
                "The design could not be saved in this browser (storage is full or blocked). Download it to keep it.",
            ),
            None => {}
        }
    });
    studio
}

#[derive(Serialize)]
struct DraftRef<'a> {
    domain: &'a Domain,
    page: Page,
    view: View,
    import_text: &'a str,
}

/// Forgets the draft and starts a new design.
pub fn new_design(studio: Studio) {
    studio.domain.set(Domain::default());
    studio.page.set(Page::Basics);
    studio.view.set(View::Design);
}

/// Random bytes from the browser's CSPRNG, for UUIDs and MACs.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = c.get_random_values_with_u8_array(&mut b);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::path_covers;

    #[test]
    fn covering_paths() {
        assert!(path_covers("/domain/name", "/domain/name"));
        assert!(path_covers(
            "/domain/devices/disk[2]",
            "/domain/devices/disk[2]/target/@dev"
        ));
        assert!(!path_covers(
            "/domain/devices/disk[2]",
            "/domain/devices/disk[20]/target"
        ));
        assert!(!path_covers("/domain/name", "/domain/names"));
    }
}
