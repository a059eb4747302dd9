//! The live preview: the XML as core writes it, highlighted by building DOM nodes from
//! core's tokens (never from HTML), with line numbers, a mark on every line that has a
//! diagnostic, and a band over the element of the field that has focus.

use std::collections::HashMap;
use std::fmt::Write as _;

use leptos::prelude::*;
use vmxml_core::highlight::{self, TokenKind};
use vmxml_core::{Diagnostic, Severity};

use crate::diagnostics::go_to;
use crate::state::use_studio;

/// One line of highlighted text: a key that stays the same while the line does, so only
/// changed lines are rebuilt on a keystroke, and its tokens as byte ranges of the key,
/// which starts with the line's text (two allocations a line, not one per token).
#[derive(Clone, PartialEq)]
pub struct Line {
    key: String,
    tokens: Vec<(TokenKind, u32, u32)>,
}

impl Line {
    fn token_texts(&self) -> impl Iterator<Item = (TokenKind, &str)> {
        self.tokens.iter().map(|&(kind, start, end)| {
            let text = self.key.get(start as usize..end as usize).unwrap_or("");
            (kind, text)
        })
    }
}

/// Lines with more tokens than this are shown unhighlighted.
pub const MAX_TOKENS_PER_LINE: usize = 2000;

pub fn highlighted_lines(text: &str) -> Vec<Line> {
    // How often each line's text has come so far: repeated lines get distinct keys.
    let mut seen: HashMap<String, usize> = HashMap::new();
    highlight::lines(text)
        .into_iter()
        .map(|tokens| {
            let mut key =
                String::with_capacity(tokens.iter().map(|t| t.text.len()).sum::<usize>() + 8);
            let mut ranges = Vec::with_capacity(tokens.len().min(MAX_TOKENS_PER_LINE));
            for t in &tokens {
                let start = key.len() as u32;
                key.push_str(t.text);
                ranges.push((t.kind, start, key.len() as u32));
            }
            // A pathological line (100,000 nested tags on one line) would become as many
            // DOM nodes: past a limit it is shown as plain text.
            if ranges.len() > MAX_TOKENS_PER_LINE {
                ranges = vec![(TokenKind::Text, 0, key.len() as u32)];
            }
            let n = seen.entry(key.clone()).or_default();
            *n += 1;
            key.push('\u{1}');
            let _ = write!(key, "{}", *n);
            Line {
                key,
                tokens: ranges,
            }
        })
        .collect()
}

/// The lines of a text as a textarea shows them: a final newline starts one more, empty line,
/// so the highlighted pane beside the editor is as long as the editor and scrolls with it to
/// the end.
pub fn editor_lines(text: &str) -> Vec<Line> {
    let mut lines = highlighted_lines(text);
    if text.ends_with('\n') {
        lines.push(Line {
            // Every other key ends in the separator and a count, so none is this one.
            key: "\u{1}end".to_string(),
            tokens: Vec::new(),
        });
    }
    lines
}

fn token_class(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Punctuation => "tok tok--punct",
        TokenKind::Element => "tok tok--element",
        TokenKind::Attribute => "tok tok--attr",
        TokenKind::Value => "tok tok--value",
        TokenKind::Text => "tok tok--text",
        TokenKind::Comment => "tok tok--comment",
        TokenKind::Declaration => "tok tok--decl",
        TokenKind::Space => "tok",
    }
}

/// The worst severity on each line, for diagnostics sorted by line as core gives them.
pub fn line_marks(diagnostics: &[Diagnostic]) -> Vec<(u32, Severity, String)> {
    let mut marks: Vec<(u32, Severity, String)> = Vec::new();
    for d in diagnostics {
        let Some(line) = d.line else { continue };
        match marks.last_mut() {
            Some(m) if m.0 == line => {
                m.1 = m.1.min(d.severity);
                m.2.push('\n');
                m.2.push_str(&d.message);
            }
            _ => marks.push((line, d.severity, d.message.clone())),
        }
    }
    marks
}

/// A windowed view draws every line up to this many, and past it only the lines near what
/// is scrolled into view: a 1,300-line preview would otherwise be 20,000 boxes to lay out
/// and paint on every keystroke.
const WINDOW_FROM: usize = 400;
/// Lines are drawn in chunks of this many, so scrolling redraws only now and then.
const CHUNK: usize = 64;
/// The height of a line in pixels: `--code-line` in style/main.css.
pub const LINE_PX: usize = 20;

/// Where a view is scrolled, (scrollTop, clientHeight), until it first scrolls: a guess of
/// a tall screen.
pub fn unscrolled() -> RwSignal<(f64, f64)> {
    RwSignal::new((0.0, 1200.0))
}

/// The lines `[start, end)` to draw of `n`, for a view scrolled to `top` showing `height`
/// pixels: whole chunks, one more above and below.
pub fn window(n: usize, top: f64, height: f64) -> (usize, usize) {
    if n <= WINDOW_FROM {
        return (0, n);
    }
    let px = LINE_PX as f64;
    let first = (top.max(0.0) / px) as usize;
    let last = ((top.max(0.0) + height.max(0.0)) / px).ceil() as usize;
    let start = (first / CHUNK).saturating_sub(1) * CHUNK;
    let end = (last / CHUNK + 2) * CHUNK;
    (start.min(n), end.min(n))
}

/// Highlighted text with a gutter and marks. Used by the design preview and the import editor.
/// A long text draws only the lines near its view: `windowed` for a view that scrolls itself,
/// `scrolled` for one inside a parent that scrolls (the import editor's pane), which passes
/// its (scrollTop, clientHeight).
#[component]
pub fn CodeView(
    lines: Memo<Vec<Line>>,
    marks: Signal<Vec<(u32, Severity, String)>>,
    #[prop(optional)] band: Option<Signal<Option<(u32, u32)>>>,
    #[prop(optional)] on_mark: Option<Callback<u32>>,
    #[prop(optional)] windowed: bool,
    #[prop(optional)] scrolled: Option<RwSignal<(f64, f64)>>,
) -> impl IntoView {
    let scroll = scrolled.unwrap_or_else(unscrolled);
    let range = Memo::new(move |_| {
        let n = lines.with(|l| l.len());
        if !windowed && scrolled.is_none() {
            return (0, n);
        }
        let (top, height) = scroll.get();
        window(n, top, height)
    });
    let on_scroll = move |ev: leptos::ev::Event| {
        if windowed {
            let el = event_target::<web_sys::HtmlElement>(&ev);
            scroll.set((f64::from(el.scroll_top()), f64::from(el.client_height())));
        }
    };
    // The space of the lines not drawn, above and below, in whole pixels: formatting a float
    // would bring its code into the wasm.
    let pad = move |lines: usize| format!("{}px", lines.saturating_mul(LINE_PX));
    let above = move || pad(range.get().0);
    let below = move || pad(lines.with(|l| l.len()).saturating_sub(range.get().1));
    let gutter = move || {
        let (start, end) = range.get();
        let mut s = String::with_capacity((end - start) * 5);
        for i in start + 1..=end {
            s.push_str(&i.to_string());
            s.push('\n');
        }
        s
    };
    view! {
        <div class="code" on:scroll=on_scroll>
            <pre
                class="code__gutter"
                aria-hidden="true"
                style:padding-top=move || format!("calc(var(--space-2) + {})", above())
                style:padding-bottom=move || format!("calc(var(--space-2) + {})", below())
            >
                {gutter}
            </pre>
            <div class="code__body">
                <div class="code__overlay" aria-hidden="true">
                    {move || band.and_then(|b| b.get()).map(|(first, last)| view! {
                        <div
                            class="code__band"
                            style:top=format!("calc({} * var(--code-line))", first.saturating_sub(1))
                            style:height=format!("calc({} * var(--code-line))", last.saturating_sub(first) + 1)
                        ></div>
                    }.into_any())}
                    {move || marks.get().into_iter().map(|(line, severity, message)| {
                        let class = format!("code__mark code__mark--{}", severity.as_str());
                        view! {
                            <div
                                class=class
                                title=message
                                data-line=line
                                style:top=format!("calc({} * var(--code-line))", line.saturating_sub(1))
                                on:click=move |_| if let Some(cb) = on_mark { cb.run(line) }
                            ></div>
                        }.into_any()
                    }).collect_view()}
                </div>
                <pre
                    class="code__text"
                    data-testid="code-text"
                    style:padding-top=above
                    style:padding-bottom=below
                ><For
                    each=move || {
                        let (start, end) = range.get();
                        lines.with(|l| l.get(start..end).map(<[Line]>::to_vec).unwrap_or_default())
                    }
                    key=|line| line.key.clone()
                    children=|line| view! {
                        <div class="code__line">
                            {line.token_texts().map(|(kind, text)| view! {
                                <span class=token_class(kind)>{text.to_string()}</span>
                            }.into_any()).collect_view()}
                        </div>
                    }
                /></pre>
            </div>
        </div>
    }
}

/// The design's XML.
#[component]
pub fn Preview() -> impl IntoView {
    let studio = use_studio();
    let lines = Memo::new(move |_| studio.report.with(|r| highlighted_lines(&r.xml)));
    // A memo: a keystroke that leaves the marks as they were redraws none of them.
    let marks = Memo::new(move |_| studio.report.with(|r| line_marks(&r.diagnostics))).into();
    let band = Signal::derive(move || {
        let path = studio.focus.get()?;
        studio.report.with(|r| r.element_lines(&path))
    });
    let on_mark = Callback::new(move |line: u32| {
        let first = studio
            .report
            .with(|r| r.diagnostics.iter().find(|d| d.line == Some(line)).cloned());
        if let Some(d) = first {
            go_to(studio, &d);
        }
    });
    view! {
        <section class="preview" aria-label="Domain XML preview" data-testid="preview">
            <div class="preview__head">
                <h2 class="preview__title">"Domain XML"</h2>
                <span class="preview__file">{move || studio.domain.with(crate::download::file_name)}</span>
            </div>
            <CodeView lines marks band on_mark windowed=true />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn windows_cover_the_view_in_whole_chunks() {
        // Short texts are drawn whole, wherever they are scrolled.
        assert_eq!(window(400, 5000.0, 600.0), (0, 400));
        // The top of a long text: the first chunks, past the bottom of the view.
        assert_eq!(window(1317, 0.0, 600.0), (0, 128));
        // Scrolled to line 500 with 30 lines in view: a chunk before it and two after.
        assert_eq!(window(1317, 10_000.0, 600.0), (384, 640));
        // The end never passes the text, and nonsense sizes stay in range.
        assert_eq!(window(1317, 1e9, 600.0), (1317, 1317));
        assert_eq!(window(1317, -5.0, -1.0), (0, 128));
    }

    #[test]
    fn an_editor_has_a_last_empty_line_after_a_final_newline() {
        let lines = super::editor_lines("<a/>\n\n");
        assert_eq!(lines.len(), 3);
        let keys: std::collections::HashSet<_> = lines.iter().map(|l| l.key.clone()).collect();
        assert_eq!(keys.len(), 3, "keys are distinct");
        assert_eq!(super::editor_lines("<a/>").len(), 1);
    }
}
