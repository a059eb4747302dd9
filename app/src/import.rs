//! Paste or open XML: an editor, the text highlighted beside it with a mark on every line
//! that has a diagnostic, the diagnostics as you type, and a button that makes the document
//! the current design. Reading, checking and locating are vmxml-core's; this page only shows
//! them. Pasted text is only ever put into the page as text (the textarea's value and text
//! nodes), never as HTML.

use leptos::html;
use leptos::prelude::*;
use vmxml_core::{Diagnostic, Report, Severity};
use wasm_bindgen::JsCast;

use crate::diagnostics::DiagnosticList;
use crate::pages::Page;
use crate::preview::{editor_lines, line_marks, unscrolled, CodeView, LINE_PX};
use crate::state::{use_studio, View};

/// Files larger than this are refused rather than frozen on: domain documents are a few KB.
const MAX_FILE_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

/// The offset, in UTF-16 code units as a textarea counts them, of a 1-based line and column
/// as core counts them (lines split at `\n`, columns in characters, after a byte-order mark).
/// Positions past the end of a line or of the text stop there.
pub fn caret_offset(text: &str, line: u32, column: u32) -> u32 {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (1usize, rest),
        None => (0, text),
    };
    let mut units = bom;
    let mut rest = body;
    for _ in 1..line.max(1) {
        match rest.find('\n') {
            Some(i) => {
                units += rest[..=i].encode_utf16().count();
                rest = &rest[i + 1..];
            }
            None => {
                units += rest.encode_utf16().count();
                rest = "";
                break;
            }
        }
    }
    let this_line = rest.split('\n').next().unwrap_or("");
    units += this_line
        .chars()
        .take(column.max(1) as usize - 1)
        .map(char::len_utf16)
        .sum::<usize>();
    u32::try_from(units).unwrap_or(u32::MAX)
}

/// Why a file's bytes cannot go into the editor, or its text. Text must be UTF-8 (libvirt
/// reads nothing else) and have no NUL bytes; line ends become `\n`, as a textarea has them.
pub fn file_text(name: &str, bytes: &[u8]) -> Result<String, String> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(format!(
            "{name} is UTF-16 text: libvirt reads domain XML as UTF-8. Convert it (iconv -f UTF-16 -t UTF-8) and open it again."
        ));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(format!(
            "{name} is not a text file (a NUL byte at offset {at}): open a libvirt domain XML document."
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Err(format!(
                "{name} is not UTF-8 text (byte {} is not valid UTF-8): libvirt reads domain XML as UTF-8. Convert it and open it again.",
                e.valid_up_to()
            ))
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    })
}

fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

fn count_kept(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.code == "I-KEPT").count()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[component]
pub fn Import() -> impl IntoView {
    let studio = use_studio();
    let text = studio.import_text;
    let editor: NodeRef<html::Textarea> = NodeRef::new();
    let code: NodeRef<html::Div> = NodeRef::new();
    let file_problem: RwSignal<Option<String>> = RwSignal::new(None);
    let dragging = RwSignal::new(false);

    // Checked on every change: core is linear, so this stays quick for documents of a few
    // thousand lines. `Report` has no equality; every new text is a new report.
    let report: Memo<Report> =
        Memo::new_with_compare(move |_| text.with(|t| vmxml_core::check(t)), |_, _| true);
    let lines = Memo::new(move |_| text.with(|t| editor_lines(t)));
    // Memos: a keystroke that leaves the diagnostics as they were redraws none of their views.
    let diagnostics = Memo::new(move |_| report.with(|r| r.diagnostics.clone())).into();
    let marks = Memo::new(move |_| report.with(|r| line_marks(&r.diagnostics))).into();
    let well_formed = Memo::new(move |_| report.with(|r| r.domain.is_some()));
    let counts = Memo::new(move |_| {
        report.with(|r| {
            (
                r.count(Severity::Error),
                r.count(Severity::Warning),
                count_kept(&r.diagnostics),
            )
        })
    });

    // Replaces the editor's text (a file, the current design); typing goes the other way.
    let set_text = move |new: String| {
        if let Some(ta) = editor.get_untracked() {
            ta.set_value(&new);
            ta.set_scroll_top(0);
        }
        text.set(new);
    };

    let jump = move |line: u32, column: u32| {
        let Some(ta) = editor.get_untracked() else {
            return;
        };
        let at = text.with_untracked(|t| caret_offset(t, line, column));
        let _ = ta.focus();
        let _ = ta.set_selection_range(at, at);
        let top = (f64::from(line.saturating_sub(1)) * LINE_PX as f64
            - f64::from(ta.client_height()) / 2.0)
            .max(0.0);
        ta.set_scroll_top(top as i32);
        let left = (f64::from(column.saturating_sub(1)) * 7.8 - f64::from(ta.client_width()) / 2.0)
            .max(0.0);
        ta.set_scroll_left(left as i32);
        let opts = web_sys::ScrollIntoViewOptions::new();
        opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
        ta.scroll_into_view_with_scroll_into_view_options(&opts);
    };
    let on_pick = Callback::new(move |d: Diagnostic| {
        jump(d.line.unwrap_or(1), d.column.unwrap_or(1));
    });
    let on_mark = Callback::new(move |line: u32| {
        let column = report.with_untracked(|r| {
            r.diagnostics
                .iter()
                .find(|d| d.line == Some(line))
                .and_then(|d| d.column)
        });
        jump(line, column.unwrap_or(1));
    });

    // The highlighted view follows the editor's scrolling, and the other way round.
    let on_editor_scroll = move |_| {
        if let (Some(ta), Some(c)) = (editor.get_untracked(), code.get_untracked()) {
            if (c.scroll_top() - ta.scroll_top()).abs() > 1 {
                c.set_scroll_top(ta.scroll_top());
            }
        }
    };
    // Where the highlighted pane is scrolled, so it draws only the lines in view.
    let code_view = unscrolled();
    let on_code_scroll = move |_| {
        if let (Some(ta), Some(c)) = (editor.get_untracked(), code.get_untracked()) {
            code_view.set((f64::from(c.scroll_top()), f64::from(c.client_height())));
            if (c.scroll_top() - ta.scroll_top()).abs() > 1 {
                ta.set_scroll_top(c.scroll_top());
            }
        }
    };

    let open_file = move |file: web_sys::File| {
        let name = file.name();
        if file.size() > MAX_FILE_BYTES {
            // Whole megabytes: formatting floats would pull a float printer into the wasm.
            let mb = (file.size() / 1024.0 / 1024.0).ceil() as u64;
            file_problem.set(Some(format!(
                "{name} is about {mb} MB: too large for a domain document (the limit here is 16 MB)."
            )));
            return;
        }
        let promise = file.array_buffer();
        wasm_bindgen_futures::spawn_local(async move {
            let result = match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(buffer) => file_text(&name, &js_sys::Uint8Array::new(&buffer).to_vec()),
                Err(_) => Err(format!(
                    "{name} could not be read: the browser refused it (was it moved or deleted?)."
                )),
            };
            match result {
                Ok(t) => {
                    let lines = t.lines().count();
                    // The page may have been left while the file was read.
                    let _ = file_problem.try_set(None);
                    if editor.try_get_untracked().is_some() {
                        set_text(t);
                    } else {
                        let _ = text.try_set(t);
                    }
                    studio.say(format!(
                        "Opened {name} ({}).",
                        plural(lines, "line", "lines")
                    ));
                }
                Err(message) => {
                    let _ = file_problem.try_set(Some(message));
                }
            }
        });
    };
    let on_file = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            open_file(file);
        }
        // So that choosing the same file again reads it again.
        input.set_value("");
    };
    // Files dropped anywhere on the page section open; anything else (text dragged inside
    // the editor) is left to the browser, which inserts it as a person expects.
    let carries_files = |ev: &web_sys::DragEvent| {
        ev.data_transfer().is_some_and(|d| {
            d.types()
                .iter()
                .any(|t| t.as_string().as_deref() == Some("Files"))
        })
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        dragging.set(false);
        if !carries_files(&ev) {
            return;
        }
        ev.prevent_default();
        let files = ev.data_transfer().and_then(|d| d.files());
        if let Some(file) = files.as_ref().and_then(|f| f.get(0)) {
            if files.as_ref().is_some_and(|f| f.length() > 1) {
                studio.say("Only the first of the dropped files was opened.");
            }
            open_file(file);
        }
    };
    let on_dragover = move |ev: web_sys::DragEvent| {
        if carries_files(&ev) {
            ev.prevent_default();
            dragging.set(true);
        }
    };

    let load = move |_| {
        // Read again rather than clone the model out of the report.
        let Some(domain) = text.with_untracked(|t| vmxml_core::read(t)) else {
            return;
        };
        let (errors, _, kept) = counts.get_untracked();
        // Compared as written XML: the design is what it writes.
        let current = studio.report.with_untracked(|r| r.xml.clone());
        let in_progress = current != vmxml_core::write(&vmxml_core::Domain::default())
            && current != vmxml_core::write(&domain);
        if in_progress
            && !confirm("Replace the design in progress with this document? The current design will be discarded.")
        {
            return;
        }
        studio.domain.set(domain);
        studio.focus.set(None);
        studio.page.set(Page::Review);
        studio.view.set(View::Design);
        let mut msg = String::from("Loaded the document into the wizard");
        if kept > 0 {
            msg.push_str(&format!(
                "; {} kept as written",
                plural(kept, "part", "parts")
            ));
        }
        if errors > 0 {
            msg.push_str(&format!("; {} to fix", plural(errors, "error", "errors")));
        }
        msg.push('.');
        studio.say(msg);
    };
    let load_current = move |_| {
        let xml = studio.report.with_untracked(|r| r.xml.clone());
        let differs = text.with_untracked(|t| !t.trim().is_empty() && *t != xml);
        if differs && !confirm("Replace the text in the editor with the current design's XML?") {
            return;
        }
        file_problem.set(None);
        set_text(xml);
    };
    let clear = move |_| {
        if text.with_untracked(|t| t.trim().is_empty())
            || confirm("Clear the editor? Its text will be discarded.")
        {
            file_problem.set(None);
            set_text(String::new());
        }
    };

    let status = move || {
        let (errors, warnings, kept) = counts.get();
        if text.with(|t| t.trim().is_empty()) {
            return "Paste a domain document, open a file, or load the current design.".to_string();
        }
        if !well_formed.get() {
            return "This is not a well-formed <domain> document yet: fix the error to load it."
                .to_string();
        }
        let mut parts = Vec::new();
        if errors > 0 || warnings > 0 {
            parts.push(format!(
                "{} and {} come along: the wizard lists them where they belong.",
                plural(errors, "error", "errors"),
                plural(warnings, "warning", "warnings")
            ));
        }
        if kept > 0 {
            parts.push(format!(
                "{} the wizard does not model will be kept as written.",
                plural(kept, "part", "parts")
            ));
        }
        if parts.is_empty() {
            "Ready to load: no errors or warnings, nothing kept as written.".to_string()
        } else {
            parts.join(" ")
        }
    };

    view! {
        <section
            class="import"
            aria-label="Paste or open XML"
            data-testid="import"
            on:dragover=on_dragover
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <div class="import__bar">
                <h2 class="import__title">"Paste or open a domain XML document"</h2>
                <div class="import__actions">
                    <label class="button button--secondary import__file">
                        "Open file…"
                        <input
                            type="file"
                            class="import__file-input"
                            accept=".xml,application/xml,text/xml"
                            data-testid="import-file"
                            on:change=on_file
                        />
                    </label>
                    <button type="button" class="button button--secondary" data-testid="import-current" on:click=load_current>"Load the current design"</button>
                    <button type="button" class="button button--secondary" data-testid="import-clear" on:click=clear>"Clear"</button>
                </div>
            </div>
            {move || file_problem.get().map(|message| view! {
                <p class="diag diag--error import__problem" role="alert" data-testid="import-file-error">
                    <span class="diag__severity">"error"</span>
                    <span class="diag__message">{message}</span>
                </p>
            }.into_any())}
            <div
                class="import__panes"
                class:import__panes--drop=move || dragging.get()
            >
                <textarea
                    class="import__editor"
                    node_ref=editor
                    data-testid="import-editor"
                    aria-label="Domain XML to import"
                    placeholder="Paste a libvirt domain XML document here, or drop a .xml file on this area."
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap="off"
                    prop:value=text.get_untracked()
                    on:input=move |ev| text.set(event_target_value(&ev))
                    on:scroll=on_editor_scroll
                ></textarea>
                <div class="import__code" node_ref=code data-testid="import-code" on:scroll=on_code_scroll>
                    <CodeView lines marks on_mark scrolled=code_view />
                </div>
            </div>
            <div class="import__load">
                <p class="import__status" data-testid="import-status">{status}</p>
                <button
                    type="button"
                    class="button"
                    data-testid="import-load"
                    disabled=move || !well_formed.get()
                    on:click=load
                >
                    "Load into the wizard"
                </button>
            </div>
            <DiagnosticList diagnostics on_pick testid="import-diagnostics" />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::{caret_offset, file_text};

    #[test]
    fn caret_offsets_count_utf16_units() {
        let t = "ab\ncé\n𝄞x\n";
        assert_eq!(caret_offset(t, 1, 1), 0);
        assert_eq!(caret_offset(t, 2, 1), 3);
        assert_eq!(caret_offset(t, 2, 3), 5);
        // U+1D11E is two UTF-16 units.
        assert_eq!(caret_offset(t, 3, 2), 8);
        // Past the end of a line or the text stops there.
        assert_eq!(caret_offset(t, 1, 99), 2);
        assert_eq!(caret_offset(t, 99, 1), 10);
        // Core counts after a byte-order mark; the textarea counts it.
        assert_eq!(caret_offset("\u{feff}<a>\n<b>", 2, 2), 6);
    }

    #[test]
    fn file_texts() {
        assert_eq!(
            file_text("a", b"<a>\r\n</a>\r").as_deref(),
            Ok("<a>\n</a>\n")
        );
        assert_eq!(
            file_text("a", "\u{feff}<a/>".as_bytes()).as_deref(),
            Ok("<a/>")
        );
        assert!(file_text("a", b"\x7fELF\x02\x01\x00").is_err());
        assert!(file_text("a", &[0xff, 0xfe, b'<', 0]).is_err());
        assert!(file_text("a", &[b'<', 0xc3, b'>']).is_err());
    }
}
