//! The app's state: the design (one `Domain`, the single source of truth), the page, and what
//! is derived from them. Effects only sync with the outside world (localStorage).

use leptos::prelude::*;
use vmxml_core::{DesignReport, Domain};

use crate::pages::Page;

/// Which half of the app is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// The report's diagnostics, as a memo: lists of them are redrawn only when they change.
    pub diagnostics: Memo<Vec<vmxml_core::Diagnostic>>,
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

// The draft is the XML core writes, so it outlives changes to the model and reads back through
// the same lossless reader as any document. Page, view and import text sit beside it.
const DRAFT_XML_KEY: &str = "vmxml.draft.xml";
const DRAFT_PAGE_KEY: &str = "vmxml.draft.page";
const DRAFT_VIEW_KEY: &str = "vmxml.draft.view";
const DRAFT_IMPORT_KEY: &str = "vmxml.draft.import";
const DRAFT_BROKEN_KEY: &str = "vmxml.draft.unreadable";
// Drafts of the first release (JSON); never deleted, only pointed at.
const DRAFT_V1_KEY: &str = "vmxml.draft.v1";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved draft, or why there is none worth restoring.
struct Restored {
    domain: Option<Domain>,
    page: Page,
    view: View,
    import_text: String,
    notice: Option<Notice>,
}

fn restore() -> Restored {
    let mut restored = Restored {
        domain: None,
        page: Page::Basics,
        view: View::Design,
        import_text: String::new(),
        notice: None,
    };
    let Some(store) = storage().filter(|s| s.get_item(DRAFT_XML_KEY).is_ok()) else {
        restored.notice = Some(Notice {
            text: "This browser blocks local storage: your design will not be kept after a reload. Download it before you leave.".into(),
            is_error: true,
        });
        return restored;
    };
    let get = |key: &str| store.get_item(key).ok().flatten();
    restored.page = get(DRAFT_PAGE_KEY)
        .and_then(|slug| Page::ALL.into_iter().find(|p| p.slug() == slug))
        .unwrap_or(Page::Basics);
    restored.view = match get(DRAFT_VIEW_KEY).as_deref() {
        Some("import") => View::Import,
        _ => View::Design,
    };
    restored.import_text = get(DRAFT_IMPORT_KEY).unwrap_or_default();
    match get(DRAFT_XML_KEY) {
        Some(xml) => match vmxml_core::read(&xml) {
            Some(domain) => restored.domain = Some(domain),
            None => {
                // Keep what could not be read rather than overwrite it.
                let _ = store.set_item(DRAFT_BROKEN_KEY, &xml);
                restored.notice = Some(Notice {
                    text: "The saved draft could not be read, so a new design was started. The old draft is kept in this browser's storage under vmxml.draft.unreadable.".into(),
                    is_error: true,
                });
            }
        },
        None if get(DRAFT_V1_KEY).is_some() => {
            restored.notice = Some(Notice {
                text: "A draft saved by an older vmxml was found; it is kept in this browser's storage under vmxml.draft.v1 and a new design was started.".into(),
                is_error: false,
            });
        }
        None => {}
    }
    restored
}

/// Creates the state from the saved draft (or a new design) and starts autosaving.
pub fn provide_studio() -> Studio {
    let restored = restore();
    let domain = RwSignal::new(restored.domain.unwrap_or_default());
    let report = Memo::new(move |_| domain.with(vmxml_core::design_report));
    let diagnostics = Memo::new(move |_| report.with(|r| r.diagnostics.clone()));
    let studio = Studio {
        domain,
        page: RwSignal::new(restored.page),
        view: RwSignal::new(restored.view),
        report,
        diagnostics,
        focus: RwSignal::new(None),
        notice: RwSignal::new(restored.notice),
        import_text: RwSignal::new(restored.import_text),
    };
    provide_context(studio);
    // One effect per piece, so a keystroke in the import editor does not rewrite the design.
    save_on_change(studio, DRAFT_XML_KEY, |s| s.report.with(|r| r.xml.clone()));
    save_on_change(studio, DRAFT_PAGE_KEY, |s| s.page.get().slug().to_string());
    save_on_change(studio, DRAFT_VIEW_KEY, |s| {
        match s.view.get() {
            View::Design => "design",
            View::Import => "import",
        }
        .to_string()
    });
    save_on_change(studio, DRAFT_IMPORT_KEY, |s| s.import_text.get());
    studio
}

// A plain function for the value keeps this to one effect in the wasm, not four.
fn save_on_change(studio: Studio, key: &'static str, value: fn(Studio) -> String) {
    Effect::new(move |_| {
        let value = value(studio);
        if let Some(Err(_)) = storage().map(|s| s.set_item(key, &value)) {
            studio.warn(
                "The design could not be saved in this browser (storage is full or blocked). Download it to keep it.",
            );
        }
    });
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
