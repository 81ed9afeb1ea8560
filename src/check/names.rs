//! Names: what each name in the file refers to, duplicates, and "did you mean".

use crate::diag::Diagnostic;
use crate::syntax::ast::Ident;
use crate::syntax::Span;
use std::collections::HashMap;

/// What a name in the main namespace refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    /// A question.
    Question(u32),
    /// A case attribute.
    Attribute(u32),
    /// A parameter.
    Parameter(u32),
    /// A band table.
    Band(u32),
    /// A step (`let`, `deduction`, `output`).
    Step(u32),
    /// A flag.
    Flag(u32),
}

impl Symbol {
    /// What kind of thing this is, for messages.
    pub fn kind(self) -> &'static str {
        match self {
            Symbol::Question(_) => "question",
            Symbol::Attribute(_) => "attribute",
            Symbol::Parameter(_) => "parameter",
            Symbol::Band(_) => "band table",
            Symbol::Step(_) => "step",
            Symbol::Flag(_) => "flag",
        }
    }
}

/// Names the language itself defines.
pub const BUILTIN_NAMES: &[&str] = &["cohort", "plan_cost", "assessed", "case_id"];

/// A namespace: name -> (what, where declared).
#[derive(Debug)]
pub struct Namespace<T> {
    entries: HashMap<String, (T, Span)>,
    order: Vec<String>,
    /// Names declared more than once (the first declaration is kept).
    duplicated: Vec<String>,
}

impl<T> Default for Namespace<T> {
    fn default() -> Self {
        Namespace {
            entries: HashMap::new(),
            order: Vec::new(),
            duplicated: Vec::new(),
        }
    }
}

impl<T: Copy> Namespace<T> {
    /// Declares a name; a second declaration is reported and ignored.
    pub fn declare(&mut self, id: &Ident, value: T, what: &str, diags: &mut Vec<Diagnostic>) {
        if let Some((_, first)) = self.entries.get(&id.name) {
            diags.push(
                Diagnostic::error(
                    "ras::duplicate-name",
                    format!("`{}` is declared twice", id.name),
                )
                .label(id.span, format!("this {what} reuses the name"))
                .label(*first, "first declared here")
                .hint(match what {
                    "domain" | "cohort" | "answer check" => format!("give each {what} its own name"),
                    _ => "give each its own name: questions, attributes, parameters, bands, steps and flags share one set of names".to_string(),
                }),
            );
            self.duplicated.push(id.name.clone());
            return;
        }
        if BUILTIN_NAMES.contains(&id.name.as_str()) {
            diags.push(
                Diagnostic::error(
                    "ras::duplicate-name",
                    format!("`{}` is a name the language already uses", id.name),
                )
                .label(id.span, "choose another name")
                .hint(format!(
                    "`{}` always means the case's own {}",
                    id.name,
                    id.name.replace('_', " ")
                )),
            );
            return;
        }
        self.entries.insert(id.name.clone(), (value, id.span));
        self.order.push(id.name.clone());
    }

    /// What a name refers to.
    pub fn get(&self, name: &str) -> Option<T> {
        self.entries.get(name).map(|(v, _)| *v)
    }

    /// True when the name is declared more than once, so a use of it is ambiguous.
    pub fn is_duplicated(&self, name: &str) -> bool {
        self.duplicated.iter().any(|n| n == name)
    }

    /// Every declared name, in declaration order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }
}

/// The closest candidate to `name`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = name.chars().count();
    // Numeric codes (`4` for `1`) and very short names are not typos of each
    // other: any one-character change would "match".
    if name.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let limit = (len / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (crate::diag::edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit && *d < len)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

pub use crate::text::codes_or as list_codes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("price_per_pont", ["price_per_point", "gross"]),
            Some("price_per_point")
        );
        assert_eq!(did_you_mean("zzz", ["price_per_point", "gross"]), None);
        assert_eq!(did_you_mean("4", ["1", "2", "3"]), None);
        assert_eq!(did_you_mean("x", ["y"]), None);
    }
}
