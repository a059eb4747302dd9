//! What vmxml tells a person about a document: a stable code, a severity, a message, where
//! (a path such as `/domain/devices/disk[2]/target/@dev`, and line:column when the document
//! came from text) and a hint that says how to fix it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// libvirt rejects the document, or silently does something else than it says.
    Error,
    /// libvirt accepts it, but it is probably not what was meant, or it was upgraded.
    Warning,
    /// Valid libvirt that vmxml keeps as written without modelling it.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// XPath-like location: `/domain/devices/disk[2]/target/@dev`. Indexes are 1-based and
    /// count siblings of the same name, and are present only where there is more than one.
    pub path: String,
    /// 1-based line and column; `None` for a model that did not come from text.
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub hint: String,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code: code.to_string(),
            severity,
            message: message.into(),
            path: path.into(),
            line: None,
            column: None,
            hint: hint.into(),
        }
    }

    pub fn error(
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, code, path, message, hint)
    }

    pub fn warning(
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, code, path, message, hint)
    }

    pub fn info(
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Info, code, path, message, hint)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Collects diagnostics while reading or validating.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn error(
        &mut self,
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Diagnostic::error(code, path, message, hint));
    }

    pub fn warning(
        &mut self,
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Diagnostic::warning(code, path, message, hint));
    }

    pub fn info(
        &mut self,
        code: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Diagnostic::info(code, path, message, hint));
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}
