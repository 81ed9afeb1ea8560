//! Stage 4, evaluation: plan + case -> result with trace.
