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
    /// A test, which another test may start from (`test "X" as "Y"`).
    Test(u32),
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
            Target::Test(_) => "test",
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
mod tests;
