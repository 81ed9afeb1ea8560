//! Tests of the interval analysis.
