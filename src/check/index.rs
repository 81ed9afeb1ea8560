//! The index of a checked file: every declaration with its span, every place
//! a name is used and what it refers to, and every step's type. What a
//! language server (go to definition, hover) and `explain` read.

use crate::syntax::Span;
use crate::units::Unit;

/// What a name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A question, by index in the model.
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
    /// A domain.
    Domain(u32),
    /// A cohort.
    Cohort(u32),
}

impl Target {
    /// What kind of thing this is, for messages (`band table`).
    pub fn kind(self) -> &'static str {
        match self {
            Target::Question(_) => "question",
            Target::Attribute(_) => "attribute",
            Target::Parameter(_) => "parameter",
            Target::Band(_) => "band table",
            Target::Step(_) => "step",
            Target::Flag(_) => "flag",
            Target::Domain(_) => "domain",
            Target::Cohort(_) => "cohort",
        }
    }
}

/// A declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    /// Its name.
    pub name: String,
    /// What it declares.
    pub target: Target,
    /// Where the name is written.
    pub span: Span,
}

/// A use of a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The name as written.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// What it refers to; `None` when it names nothing (an error reported).
    pub to: Option<Target>,
}

/// The type of a step once checked.
#[derive(Debug, Clone, PartialEq)]
pub struct StepType {
    /// The step's name.
    pub name: String,
    /// Its unit; `None` when it could not be worked out (an error reported).
    pub unit: Option<Unit>,
}

/// Declarations, references and step types of one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Index {
    /// Every declaration, in file order within each family.
    pub declarations: Vec<Declaration>,
    /// Every use of a declared (or undeclared) name, in the order checked.
    pub references: Vec<Reference>,
    /// Every step, in file order.
    pub steps: Vec<StepType>,
}

impl Index {
    /// The declaration a reference leads to.
    pub fn declaration_of(&self, reference: &Reference) -> Option<&Declaration> {
        let to = reference.to?;
        self.declarations.iter().find(|d| d.target == to)
    }

    /// The reference or declaration whose name covers a byte offset (for a
    /// hover or "go to definition").
    pub fn reference_at(&self, offset: usize) -> Option<&Reference> {
        self.references
            .iter()
            .find(|r| r.span.start <= offset && offset < r.span.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_source, CheckOptions};

    #[test]
    fn a_use_leads_to_its_declaration_and_steps_have_units() {
        let source = include_str!("../../rules/shire-2025.ras");
        let today = crate::date::Date::new(2026, 1, 1).unwrap();
        let checked = check_source(source, &CheckOptions::new(today));
        let index = &checked.index;
        let uses: Vec<&Reference> = index
            .references
            .iter()
            .filter(|r| r.name == "price_per_point")
            .collect();
        assert!(!uses.is_empty());
        for r in uses {
            assert_eq!(&source[r.span.start..r.span.end], "price_per_point");
            let d = index.declaration_of(r).unwrap();
            assert_eq!(d.name, "price_per_point");
            assert_eq!(d.target.kind(), "parameter");
            assert_eq!(index.reference_at(r.span.start), Some(r));
        }
        let indicative = index.steps.iter().find(|s| s.name == "indicative").unwrap();
        assert_eq!(indicative.unit, Some(Unit::Money));
        assert!(index.references.iter().all(|r| r.to.is_some()));
    }

    #[test]
    fn an_unknown_name_is_a_reference_to_nothing() {
        let source = include_str!("../../tests/fixtures/check/err/unknown-name.ras");
        let today = crate::date::Date::new(2026, 1, 1).unwrap();
        let checked = check_source(source, &CheckOptions::new(today));
        let r = checked
            .index
            .references
            .iter()
            .find(|r| r.name == "price_per_pont")
            .unwrap();
        assert_eq!(r.to, None);
    }
}
