//! A small XML element tree that remembers where everything came from, its reader (on
//! quick-xml) and its writer (the two-space layout of `virsh dumpxml`).
//!
//! Names are kept as written, prefix included (`qemu:commandline`): libvirt documents bind
//! a handful of fixed prefixes, and keeping the spelling is what makes a round trip lossless.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde::{Deserialize, Serialize};

/// Byte range in the source text. Both ends are zero for nodes built in memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attr {
    pub name: String,
    pub value: String,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Node {
    Element(Element),
    Text(String),
    Comment(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
    /// Span of the start tag.
    #[serde(skip)]
    pub span: Span,
    /// Offset just past the end tag (or past `/>`).
    #[serde(skip)]
    pub end: usize,
}

impl Element {
    pub fn new(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            ..Default::default()
        }
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    pub fn attr_node(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub fn set_attr(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let (name, value) = (name.into(), value.into());
        match self.attrs.iter_mut().find(|a| a.name == name) {
            Some(a) => a.value = value,
            None => self.attrs.push(Attr {
                name,
                value,
                span: Span::default(),
            }),
        }
    }

    pub fn with_attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set_attr(name, value);
        self
    }

    pub fn with_child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The text content, with the text of all direct text children joined.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                out.push_str(t);
            }
        }
        out
    }

    /// Local part of the name (`commandline` for `qemu:commandline`).
    pub fn local_name(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    pub fn prefix(&self) -> Option<&str> {
        self.name.split_once(':').map(|(p, _)| p)
    }
}

/// Where reading stopped, and why. Only documents that are not well-formed (or are hostile)
/// fail to read: everything else is the model's business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub code: &'static str,
    pub message: String,
    pub hint: String,
    pub offset: usize,
}

/// Limits that keep hostile input bounded in time and memory.
pub const MAX_DEPTH: usize = 256;
/// virsh refuses files above 10 MiB (VSH_MAX_XML_FILE); so does vmxml.
pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;

/// A parsed document: the root element plus the text it came from (for line:column).
#[derive(Debug, Clone)]
pub struct Document {
    pub root: Element,
    pub lines: LineIndex,
}

/// Reads a document from bytes, checking UTF-8 first so that bad encodings get a position.
pub fn parse_bytes(bytes: &[u8]) -> Result<Document, (XmlError, LineIndex)> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => {
            let valid = e.valid_up_to();
            // Index only the valid prefix: the error sits right after it.
            let text = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
            let lines = LineIndex::new(text);
            Err((
                XmlError {
                    code: "E-XML-ENCODING",
                    message: format!(
                        "the input is not valid UTF-8 (byte 0x{:02x} at offset {valid})",
                        bytes.get(valid).copied().unwrap_or(0)
                    ),
                    hint: "libvirt reads domain XML as UTF-8: re-save the file as UTF-8 text"
                        .into(),
                    offset: valid,
                },
                lines,
            ))
        }
    }
}

pub fn parse(text: &str) -> Result<Document, (XmlError, LineIndex)> {
    // A byte-order mark is invisible in editors: positions count from after it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = LineIndex::new(text);
    match parse_root(text) {
        Ok(root) => Ok(Document { root, lines }),
        Err(e) => Err((e, lines)),
    }
}

fn err(
    code: &'static str,
    message: impl Into<String>,
    hint: impl Into<String>,
    offset: usize,
) -> XmlError {
    XmlError {
        code,
        message: message.into(),
        hint: hint.into(),
        offset,
    }
}

/// A name the reader found in `text`, as a string. Names end at ASCII delimiters, so the
/// slice of `text` is valid UTF-8 and needs no second check; anything else is decoded.
fn text_of(text: &str, part: &[u8]) -> String {
    offset_in(text, part)
        .and_then(|at| text.get(at..at + part.len()))
        .map_or_else(
            || String::from_utf8_lossy(part).into_owned(),
            str::to_string,
        )
}

fn offset_in(text: &str, part: &[u8]) -> Option<usize> {
    let base = text.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    (p >= base && p <= base + text.len()).then(|| p - base)
}

fn parse_root(text: &str) -> Result<Element, XmlError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(err(
            "E-XML-TOO-LARGE",
            format!(
                "the document is {} bytes; vmxml reads at most {} bytes",
                text.len(),
                MAX_INPUT_BYTES
            ),
            "a domain document is a few kilobytes: check that this is the right file",
            0,
        ));
    }
    if text.trim().is_empty() {
        return Err(err(
            "E-XML-EMPTY",
            "the document is empty",
            "paste or open a libvirt <domain> document",
            0,
        ));
    }
    if let Some((at, c)) = first_illegal_char(text) {
        return Err(err(
            "E-XML-CHAR",
            format!(
                "the document contains the control character U+{:04X}, which XML does not allow",
                c as u32
            ),
            "this looks like binary data; remove the character (libvirt refuses it too)",
            at,
        ));
    }
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.check_comments = true;
    config.expand_empty_elements = false;

    // The open elements, each with where its children start in `pending`: collecting the
    // children of every open element on one stack gives each element its list in a
    // single allocation of the right size when it closes.
    let mut stack: Vec<(Element, usize)> = Vec::new();
    let mut pending: Vec<Node> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let before = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = (reader.error_position() as usize).min(text.len());
                return Err(err(
                    "E-XML-SYNTAX",
                    format!("the document is not well-formed XML: {}", describe_quick_xml_error(&e)),
                    "fix the XML syntax at this position; every element needs a matching end tag and attribute values need quotes",
                    at,
                ));
            }
        };
        // Skip leading whitespace so spans point at the '<'.
        let tag_start = || skip_space(text, before);
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() && stack.is_empty() => {
                let _ = start;
                return Err(err(
                    "E-XML-SYNTAX",
                    "the document has more than one root element",
                    "a domain document has exactly one <domain> root element",
                    tag_start(),
                ));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        "E-XML-TOO-DEEP",
                        format!("elements are nested more than {MAX_DEPTH} deep"),
                        "libvirt documents nest a few levels deep: this input is not a domain document",
                        tag_start(),
                    ));
                }
                let end = reader.buffer_position() as usize;
                let el = element_from(text, &start, Span::new(tag_start(), end))?;
                stack.push((el, pending.len()));
            }
            Event::Empty(start) => {
                let end = reader.buffer_position() as usize;
                let mut el = element_from(text, &start, Span::new(tag_start(), end))?;
                el.end = end;
                match stack.is_empty() {
                    false => pending.push(Node::Element(el)),
                    true => root = Some(el),
                }
            }
            Event::End(_) => {
                // check_end_names guarantees the stack is not empty and the names match.
                if let Some((mut el, first)) = stack.pop() {
                    el.end = reader.buffer_position() as usize;
                    if first < pending.len() {
                        el.children = pending.split_off(first);
                    }
                    match stack.is_empty() {
                        false => pending.push(Node::Element(el)),
                        true => root = Some(el),
                    }
                }
            }
            Event::Text(t) => {
                let s = t
                    .decode()
                    .map_err(|e| err("E-XML-ENCODING", e.to_string(), "use UTF-8", before))?;
                push_text(&stack, &mut pending, &root, &s, before)?;
            }
            Event::CData(t) => {
                let s = t
                    .decode()
                    .map_err(|e| err("E-XML-ENCODING", e.to_string(), "use UTF-8", before))?;
                push_text(&stack, &mut pending, &root, &s, before)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.decode().unwrap_or_default();
                        match predefined_entity(&name) {
                            Some(c) => c.to_string(),
                            None => {
                                return Err(err(
                                    "E-XML-ENTITY",
                                    format!("unknown entity &{name};"),
                                    "only the five XML entities (&amp; &lt; &gt; &apos; &quot;) and character references are allowed",
                                    tag_start(),
                                ))
                            }
                        }
                    }
                    Err(e) => return Err(err(
                        "E-XML-ENTITY",
                        format!("bad character reference: {e}"),
                        "write a character reference as &#NNN; or &#xHHH; with a valid character",
                        tag_start(),
                    )),
                };
                push_text(&stack, &mut pending, &root, &resolved, before)?;
            }
            Event::Comment(c) => {
                if !stack.is_empty() {
                    let s = c
                        .decode()
                        .map_err(|e| err("E-XML-ENCODING", e.to_string(), "use UTF-8", before))?;
                    pending.push(Node::Comment(s.into_owned()));
                }
            }
            Event::DocType(_) => {
                return Err(err(
                    "E-XML-DOCTYPE",
                    "the document has a DOCTYPE declaration, which vmxml does not read",
                    "remove the <!DOCTYPE ...> line: libvirt domain XML never needs one, and entity definitions in it can be used to blow up memory",
                    tag_start(),
                ));
            }
            Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some((open, _)) = stack.first() {
        return Err(err(
            "E-XML-SYNTAX",
            format!(
                "the document ends before <{}> is closed",
                stack
                    .last()
                    .map(|(e, _)| e.name.as_str())
                    .unwrap_or(&open.name)
            ),
            "the document looks truncated: add the missing end tags",
            text.len(),
        ));
    }
    root.ok_or_else(|| {
        err(
            "E-XML-SYNTAX",
            "the document has no root element",
            "paste or open a libvirt <domain> document",
            0,
        )
    })
}

/// `at`, moved past any whitespace that follows it in `text`.
fn skip_space(text: &str, at: usize) -> usize {
    match text.as_bytes().get(at) {
        // Almost always: the event starts right at its '<'.
        Some(b'<') => at,
        _ => text
            .get(at..)
            .map_or(at, |rest| at + rest.len() - rest.trim_start().len()),
    }
}

/// The first character that XML 1.0 forbids, with its offset. In UTF-8 the forbidden C0
/// controls are single bytes below 0x20 and U+FFFE and U+FFFF are EF BF BE and EF BF BF
/// (0xEF only ever starts a character), so a scan of bytes finds them.
fn first_illegal_char(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') {
            return Some((i, char::from(b)));
        }
        if b == 0xEF && bytes.get(i + 1) == Some(&0xBF) {
            match bytes.get(i + 2) {
                Some(0xBE) => return Some((i, '\u{FFFE}')),
                Some(0xBF) => return Some((i, '\u{FFFF}')),
                _ => {}
            }
        }
    }
    None
}

/// Characters XML 1.0 forbids anywhere in a document.
#[cfg(test)]
fn is_illegal_xml_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Adds text to the element open at the top of `stack`, whose children so far are the
/// end of `pending` (from the position the stack records).
fn push_text(
    stack: &[(Element, usize)],
    pending: &mut Vec<Node>,
    root: &Option<Element>,
    s: &str,
    at: usize,
) -> Result<(), XmlError> {
    match stack.last() {
        Some(&(_, first)) => {
            // Entity references arrive as their own events: join them to the text beside them.
            let len = pending.len();
            match pending.last_mut() {
                Some(Node::Text(prev)) if len > first => prev.push_str(s),
                _ => pending.push(Node::Text(s.to_string())),
            }
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => {
            let code = if root.is_some() {
                "E-XML-SYNTAX"
            } else {
                "E-XML-NOT-XML"
            };
            let message = if root.is_some() {
                "text after the end of the root element"
            } else {
                "the input does not start with an XML element"
            };
            let trimmed = s.len() - s.trim_start().len();
            Err(err(
                code,
                message,
                "a domain document starts with <domain type='...'> and ends with </domain>",
                at + trimmed,
            ))
        }
    }
}

fn predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

fn describe_quick_xml_error(e: &quick_xml::Error) -> String {
    use quick_xml::errors::{Error, SyntaxError};
    match e {
        Error::IllFormed(ill) => ill.to_string(),
        Error::Syntax(SyntaxError::UnclosedTag) => "a tag is not closed with '>'".into(),
        Error::Syntax(s) => s.to_string(),
        other => other.to_string(),
    }
}

fn element_from(text: &str, start: &BytesStart, span: Span) -> Result<Element, XmlError> {
    let name = text_of(text, start.name().as_ref());
    let mut attrs: Vec<Attr> = Vec::new();
    for a in start.attributes().with_checks(true) {
        let a = match a {
            Ok(a) => a,
            Err(e) => {
                let (message, hint) = match &e {
                    quick_xml::events::attributes::AttrError::Duplicated(_, _) => (
                        format!("<{name}> has the same attribute twice"),
                        "an attribute may appear once on an element: remove the duplicate",
                    ),
                    _ => (
                        format!("a malformed attribute in <{name}>: {e}"),
                        "write attributes as name='value', with quotes",
                    ),
                };
                return Err(err("E-XML-ATTRIBUTE", message, hint, span.start));
            }
        };
        let key = text_of(text, a.key.as_ref());
        let value = match a.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(e) => return Err(err(
                "E-XML-ENTITY",
                format!("attribute {key} of <{name}> has a bad entity: {e}"),
                "write & as &amp; and < as &lt; inside attribute values; DTD entities are not read",
                span.start,
            )),
        };
        let at = offset_in(text, a.key.as_ref()).unwrap_or(span.start);
        attrs.push(Attr {
            name: key,
            value,
            span: Span::new(at, at),
        });
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
        span,
        end: span.end,
    })
}

/// Byte offset to 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    // Boxed slices rather than vectors: the index travels in `parse`'s error, which clippy
    // (rightly) wants small.
    starts: Box<[usize]>,
    text: Box<str>,
    /// Only when some line is longer than [`BLOCK`] bytes (a document on one line): how many
    /// characters start before each multiple of `BLOCK`, so that a column costs at most a
    /// block's count rather than the whole line's, and many diagnostics on one long line
    /// stay linear.
    blocks: Box<[usize]>,
}

/// Bytes per entry of [`LineIndex`]'s character counts for long lines.
const BLOCK: usize = 4096;

/// Characters that start in `bytes`: every byte but UTF-8's continuation bytes.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
        const LOW: u64 = u64::from_ne_bytes([0x01; 8]);
        const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
        // Lines of domain XML run to a few dozen bytes.
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        // Eight bytes at a time: most words hold no newline (no zero byte once XORed with
        // newlines), and only a word that does is looked at byte by byte.
        let mut words = text.as_bytes().chunks_exact(8);
        let mut base = 0;
        for word in &mut words {
            let has_newline = <[u8; 8]>::try_from(word).map_or(true, |w| {
                let x = u64::from_ne_bytes(w) ^ NEWLINES;
                x.wrapping_sub(LOW) & !x & HIGH != 0
            });
            if has_newline {
                for (i, &b) in word.iter().enumerate() {
                    if b == b'\n' {
                        starts.push(base + i + 1);
                    }
                }
            }
            base += 8;
        }
        for (i, &b) in words.remainder().iter().enumerate() {
            if b == b'\n' {
                starts.push(base + i + 1);
            }
        }
        let longest = starts
            .windows(2)
            .map(|w| w[1] - w[0])
            .chain(starts.last().map(|&last| text.len() - last))
            .max()
            .unwrap_or(0);
        let mut blocks = Vec::new();
        if longest > BLOCK {
            blocks.push(0);
            for chunk in text.as_bytes().chunks(BLOCK) {
                blocks.push(blocks.last().copied().unwrap_or(0) + char_starts(chunk));
            }
        }
        LineIndex {
            starts: starts.into_boxed_slice(),
            text: text.into(),
            blocks: blocks.into_boxed_slice(),
        }
    }

    /// Characters before byte `at` (a character boundary), from the block counts.
    fn chars_before(&self, at: usize) -> usize {
        let block = at / BLOCK;
        let counted = self.blocks.get(block).copied().unwrap_or(0);
        let rest = self.text.as_bytes().get(block * BLOCK..at).unwrap_or(&[]);
        counted + char_starts(rest)
    }

    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let mut end = offset;
        while end > start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = if end - start > BLOCK && !self.blocks.is_empty() {
            self.chars_before(end) - self.chars_before(start)
        } else {
            self.text
                .get(start..end)
                .map(|s| s.chars().count())
                .unwrap_or(0)
        };
        (line as u32 + 1, col as u32 + 1)
    }
}

// ---------------------------------------------------------------------------------------
// Writing

/// Writes an element as `virsh dumpxml` does: two-space indent, single-quoted attributes,
/// `<x/>` when empty, text-only elements on one line.
pub fn write_document(root: &Element) -> String {
    let mut out = String::with_capacity(4096);
    write_element(&mut out, root, 0);
    out
}

/// Writes `root` as [`write_document`] does and gives the document it makes, with every
/// element's and attribute's position in the text, as parsing that text would: the
/// wizard locates its diagnostics on every keystroke without parsing what it just wrote.
pub fn write_located(mut root: Element) -> (String, Document) {
    let mut out = String::with_capacity(4096);
    let mut marks = Marks(Some(Vec::new()));
    write_marked(&mut out, &root, 0, &mut marks);
    let positions = marks.0.unwrap_or_default();
    place(&mut root, &mut positions.iter().copied());
    let lines = LineIndex::new(&out);
    (out, Document { root, lines })
}

/// Offsets taken while writing, in document order: for each element its start, each
/// attribute's start, the end of its start tag, its elements (likewise), then its end.
struct Marks(Option<Vec<usize>>);

impl Marks {
    fn mark(&mut self, at: usize) {
        if let Some(v) = &mut self.0 {
            v.push(at);
        }
    }
}

/// Puts the offsets [`write_marked`] took on the elements and attributes they belong to.
fn place(el: &mut Element, at: &mut impl Iterator<Item = usize>) {
    let start = at.next().unwrap_or(0);
    for a in &mut el.attrs {
        let s = at.next().unwrap_or(start);
        a.span = Span::new(s, s);
    }
    el.span = Span::new(start, at.next().unwrap_or(start));
    for n in &mut el.children {
        if let Node::Element(c) = n {
            place(c, at);
        }
    }
    el.end = at.next().unwrap_or(el.span.end);
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

pub fn write_element(out: &mut String, el: &Element, depth: usize) {
    write_marked(out, el, depth, &mut Marks(None));
}

fn write_marked(out: &mut String, el: &Element, depth: usize, marks: &mut Marks) {
    indent(out, depth);
    marks.mark(out.len());
    out.push('<');
    out.push_str(&el.name);
    write_attrs(out, el, marks);
    let has_elements = el.children.iter().any(|n| !matches!(n, Node::Text(_)));
    let has_text = el
        .children
        .iter()
        .any(|n| matches!(n, Node::Text(t) if !t.trim().is_empty()));
    if el.children.is_empty() || (!has_elements && !has_text && el.text().is_empty()) {
        out.push_str("/>");
        marks.mark(out.len());
        marks.mark(out.len());
        out.push('\n');
        return;
    }
    out.push('>');
    marks.mark(out.len());
    if !has_elements {
        escape_text(out, &el.text());
    } else if has_text {
        // Mixed content (free-form metadata): keep every node exactly as it was.
        for n in &el.children {
            write_inline(out, n, marks);
        }
    } else {
        out.push('\n');
        for n in &el.children {
            match n {
                Node::Element(c) => write_marked(out, c, depth + 1, marks),
                Node::Comment(c) => {
                    indent(out, depth + 1);
                    out.push_str("<!--");
                    out.push_str(c);
                    out.push_str("-->\n");
                }
                Node::Text(_) => {}
            }
        }
        indent(out, depth);
    }
    out.push_str("</");
    out.push_str(&el.name);
    out.push('>');
    marks.mark(out.len());
    out.push('\n');
}

fn write_attrs(out: &mut String, el: &Element, marks: &mut Marks) {
    for a in &el.attrs {
        out.push(' ');
        marks.mark(out.len());
        out.push_str(&a.name);
        out.push_str("='");
        escape_attr(out, &a.value);
        out.push('\'');
    }
}

fn write_inline(out: &mut String, n: &Node, marks: &mut Marks) {
    match n {
        Node::Text(t) => escape_text(out, t),
        Node::Comment(c) => {
            out.push_str("<!--");
            out.push_str(c);
            out.push_str("-->");
        }
        Node::Element(e) => {
            marks.mark(out.len());
            out.push('<');
            out.push_str(&e.name);
            write_attrs(out, e, marks);
            if e.children.is_empty() {
                out.push_str("/>");
                marks.mark(out.len());
                marks.mark(out.len());
            } else {
                out.push('>');
                marks.mark(out.len());
                for c in &e.children {
                    write_inline(out, c, marks);
                }
                out.push_str("</");
                out.push_str(&e.name);
                out.push('>');
                marks.mark(out.len());
            }
        }
    }
}

pub fn escape_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
}

pub fn escape_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            // Keep whitespace characters that attribute normalisation would otherwise flatten.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_attributes_and_positions() {
        let doc = parse("<domain type='kvm'>\n  <name>a&amp;b</name>\n</domain>").unwrap();
        assert_eq!(doc.root.name, "domain");
        assert_eq!(doc.root.attr("type"), Some("kvm"));
        let name = doc.root.child("name").unwrap();
        assert_eq!(name.text(), "a&b");
        assert_eq!(doc.lines.line_col(name.span.start), (2, 3));
        assert_eq!(doc.lines.line_col(doc.root.attrs[0].span.start), (1, 9));
    }

    #[test]
    fn writes_the_virsh_layout_and_escapes() {
        let el = Element::new("domain")
            .with_attr("type", "kvm")
            .with_child(Element::new("name").with_text("a<b&'c"))
            .with_child(Element::new("features").with_child(Element::new("acpi")))
            .with_child(Element::new("x").with_attr("v", "it's \"q\""));
        assert_eq!(
            write_document(&el),
            "<domain type='kvm'>\n  <name>a&lt;b&amp;'c</name>\n  <features>\n    <acpi/>\n  </features>\n  <x v='it&apos;s &quot;q&quot;'/>\n</domain>\n"
        );
    }

    #[test]
    fn not_well_formed_gives_a_position() {
        let (e, lines) = parse("<domain>\n  <name>x</nam>\n</domain>").unwrap_err();
        assert_eq!(e.code, "E-XML-SYNTAX");
        assert_eq!(lines.line_col(e.offset).0, 2);
    }

    #[test]
    fn truncated_and_doctype_and_entities() {
        assert_eq!(
            parse("<domain><name>x</name>").unwrap_err().0.code,
            "E-XML-SYNTAX"
        );
        assert_eq!(
            parse("<!DOCTYPE d [<!ENTITY a 'b'>]><domain>&a;</domain>")
                .unwrap_err()
                .0
                .code,
            "E-XML-DOCTYPE"
        );
        assert_eq!(
            parse("<domain>&a;</domain>").unwrap_err().0.code,
            "E-XML-ENTITY"
        );
        assert_eq!(
            parse("<a x='1' x='2'/>").unwrap_err().0.code,
            "E-XML-ATTRIBUTE"
        );
        assert_eq!(parse("").unwrap_err().0.code, "E-XML-EMPTY");
        assert_eq!(parse("hello").unwrap_err().0.code, "E-XML-NOT-XML");
        assert_eq!(
            parse_bytes(b"<a>\xff</a>").unwrap_err().0.code,
            "E-XML-ENCODING"
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let s = "<a>".repeat(100_000);
        assert_eq!(parse(&s).unwrap_err().0.code, "E-XML-TOO-DEEP");
    }

    #[test]
    fn illegal_characters_are_found_by_bytes_as_by_characters() {
        for s in [
            "",
            "plain",
            "tab\tnewline\ncr\r",
            "a\u{1}b",
            "é\u{B}",
            "x\u{1F}",
            "\u{FFFE}",
            "ab\u{FFFF}",
            "\u{FFFD}\u{FFEF}\u{EFBF}\u{FFBE}",
            "日本\u{0}",
        ] {
            assert_eq!(
                first_illegal_char(s),
                s.char_indices().find(|&(_, c)| is_illegal_xml_char(c)),
                "{s:?}"
            );
        }
    }

    #[test]
    fn line_starts_are_found_word_by_word_as_byte_by_byte() {
        for text in [
            "",
            "\n",
            "a\nb",
            "0123456\n89abcdef\n\n\nxyz",
            "é\n→x\n\n日本語のテキスト\nend\n",
            "no newline in this one at all, though it is long enough",
        ] {
            let expected: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            assert_eq!(*LineIndex::new(text).starts, *expected, "{text:?}");
        }
    }

    #[test]
    fn long_lines_count_columns_by_blocks_as_by_characters() {
        let mut text = String::from("<a>\n");
        for i in 0..5000 {
            text.push_str(if i % 3 == 0 { "é→日x" } else { "ab" });
        }
        text.push_str("\nshort\n");
        let index = LineIndex::new(&text);
        assert!(!index.blocks.is_empty());
        for offset in (0..=text.len() + 2).step_by(7).chain([4, 5, 6, text.len()]) {
            let offset_in_text = offset.min(text.len());
            let line_start = text.as_bytes()[..offset_in_text]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let mut end = offset_in_text;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let line = text[..line_start].matches('\n').count() as u32 + 1;
            let col = text[line_start..end].chars().count() as u32 + 1;
            assert_eq!(index.line_col(offset), (line, col), "offset {offset}");
        }
    }

    #[test]
    fn line_col_counts_characters() {
        let idx = LineIndex::new("é\n→x");
        assert_eq!(idx.line_col(3), (2, 1));
        assert_eq!(idx.line_col(6), (2, 2));
    }
}
