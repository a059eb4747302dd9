//! Splits XML text into tokens for syntax highlighting. It never fails: text that is not
//! well-formed (a document being typed) still gets tokens, so the app can show it as plain
//! DOM text nodes with classes, never as HTML.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// `<`, `</`, `>`, `/>`, `=`
    Punctuation,
    /// The element name in a tag.
    Element,
    /// An attribute name.
    Attribute,
    /// An attribute value, quotes included.
    Value,
    /// Character data between tags.
    Text,
    /// `<!-- ... -->`
    Comment,
    /// `<?xml ...?>`, `<!DOCTYPE ...>`, CDATA sections.
    Declaration,
    /// Whitespace inside a tag.
    Space,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    pub text: &'a str,
}

/// Tokens of one line each: the preview numbers and marks lines, so it wants them split.
pub fn lines(text: &str) -> Vec<Vec<Token<'_>>> {
    let mut out: Vec<Vec<Token>> = vec![Vec::new()];
    for t in tokens(text) {
        let mut rest = t.text;
        while let Some(i) = rest.find('\n') {
            if i > 0 {
                if let Some(line) = out.last_mut() {
                    line.push(Token {
                        kind: t.kind,
                        text: &rest[..i],
                    });
                }
            }
            out.push(Vec::new());
            rest = &rest[i + 1..];
        }
        if !rest.is_empty() {
            if let Some(line) = out.last_mut() {
                line.push(Token {
                    kind: t.kind,
                    text: rest,
                });
            }
        }
    }
    if text.ends_with('\n') && out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    // Every boundary below is an ASCII byte, so every slice is on a char boundary.
    while i < b.len() {
        if b[i] != b'<' {
            let end = text[i..].find('<').map_or(text.len(), |j| i + j);
            push(&mut out, TokenKind::Text, &text[i..end]);
            i = end;
            continue;
        }
        let rest = &text[i..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(text.len(), |j| i + j + 3);
            push(&mut out, TokenKind::Comment, &text[i..end]);
            i = end;
            continue;
        }
        if rest.starts_with("<![CDATA[") {
            let end = rest.find("]]>").map_or(text.len(), |j| i + j + 3);
            push(&mut out, TokenKind::Declaration, &text[i..end]);
            i = end;
            continue;
        }
        if rest.starts_with("<?") || rest.starts_with("<!") {
            let end = rest.find('>').map_or(text.len(), |j| i + j + 1);
            push(&mut out, TokenKind::Declaration, &text[i..end]);
            i = end;
            continue;
        }
        // A tag: punctuation, name, then attributes until '>' or '/>'.
        let open = if rest.starts_with("</") { 2 } else { 1 };
        push(&mut out, TokenKind::Punctuation, &text[i..i + open]);
        i += open;
        let name_end = scan(b, i, |c| {
            !c.is_ascii_whitespace() && c != b'>' && c != b'/' && c != b'<'
        });
        push(&mut out, TokenKind::Element, &text[i..name_end]);
        i = name_end;
        while i < b.len() {
            match b[i] {
                b'>' => {
                    push(&mut out, TokenKind::Punctuation, &text[i..i + 1]);
                    i += 1;
                    break;
                }
                b'/' if b.get(i + 1) == Some(&b'>') => {
                    push(&mut out, TokenKind::Punctuation, &text[i..i + 2]);
                    i += 2;
                    break;
                }
                b'<' => break,
                b'=' | b'/' => {
                    push(&mut out, TokenKind::Punctuation, &text[i..i + 1]);
                    i += 1;
                }
                b'\'' | b'"' => {
                    let q = b[i];
                    let end = scan(b, i + 1, |c| c != q).min(b.len());
                    let end = if end < b.len() { end + 1 } else { end };
                    push(&mut out, TokenKind::Value, &text[i..end]);
                    i = end;
                }
                c if c.is_ascii_whitespace() => {
                    let end = scan(b, i, |c| c.is_ascii_whitespace());
                    push(&mut out, TokenKind::Space, &text[i..end]);
                    i = end;
                }
                _ => {
                    let end = scan(b, i, |c| {
                        !c.is_ascii_whitespace()
                            && !matches!(c, b'=' | b'>' | b'/' | b'<' | b'\'' | b'"')
                    });
                    push(&mut out, TokenKind::Attribute, &text[i..end]);
                    i = end;
                }
            }
        }
    }
    out
}

fn push<'a>(out: &mut Vec<Token<'a>>, kind: TokenKind, text: &'a str) {
    if !text.is_empty() {
        out.push(Token { kind, text });
    }
}

fn scan(b: &[u8], mut i: usize, keep: impl Fn(u8) -> bool) -> usize {
    while i < b.len() && keep(b[i]) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(TokenKind, &str)> {
        tokens(s).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn a_tag_with_attributes() {
        use TokenKind::*;
        assert_eq!(
            kinds("<disk type='file'/>x"),
            vec![
                (Punctuation, "<"),
                (Element, "disk"),
                (Space, " "),
                (Attribute, "type"),
                (Punctuation, "="),
                (Value, "'file'"),
                (Punctuation, "/>"),
                (Text, "x")
            ]
        );
    }

    #[test]
    fn tokens_cover_the_text_exactly_even_when_broken() {
        for s in [
            "<domain type='kvm'>\n  <name>é→</name>\n  <!-- c -->\n</domain>\n",
            "<a b='unterminated",
            "<<<>>>",
            "<?xml version='1.0'?><!DOCTYPE x><![CDATA[ <x> ]]>",
            "</a",
            "<a b=\"1\" c d/>",
        ] {
            let joined: String = tokens(s).iter().map(|t| t.text).collect();
            assert_eq!(joined, s);
        }
    }

    #[test]
    fn lines_split_tokens() {
        let l = lines("<a>\n  <b x='1'/>\n</a>\n");
        assert_eq!(l.len(), 3);
        assert_eq!(
            l[1][0],
            Token {
                kind: TokenKind::Text,
                text: "  "
            }
        );
    }
}
