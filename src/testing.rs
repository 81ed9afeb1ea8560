//! Runs the `test` blocks of a rule file against its plan.
