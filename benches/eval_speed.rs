//! Evaluation alone: how many Shire cases per second the fast path evaluates
//! on one thread, reading, decoding and writing excluded.
//!
//! `cargo bench --bench eval_speed` (or `benches/run.sh`). Cases come from
//! `ras sample` with a fixed seed, decoded once; they are then evaluated over
//! and over into one reused scratch buffer, as `ras run` does.

use ras::case::Case;
use ras::eval::{CaseInput, Evaluator, Scratch};
use std::hint::black_box;
use std::time::Instant;

const DISTINCT_CASES: u64 = 100_000;
const ROUNDS: usize = 20;

fn main() {
    let source = match std::fs::read_to_string("rules/shire-2025.ras") {
        Ok(s) => s,
        Err(e) => {
            return eprintln!("run from the repository root: cannot read rules/shire-2025.ras: {e}")
        }
    };
    let checked = ras::check::check_source(
        &source,
        &ras::check::CheckOptions::new(ras::date::Date::today()),
    );
    let Some(model) = checked.model else {
        return eprintln!("rules/shire-2025.ras has errors");
    };
    let plan = match ras::plan::compile(model, &source) {
        Ok(plan) => plan,
        Err(e) => return eprintln!("bad plan: {e}"),
    };
    let ev = Evaluator::new(&plan);
    let mut jsonl = Vec::new();
    if let Err(e) = ras::sample::write_sample(
        plan.model(),
        DISTINCT_CASES,
        2025,
        ras::sample::SampleFormat::JsonLines,
        &mut jsonl,
    ) {
        return eprintln!("sampling failed: {e}");
    }
    let inputs: Vec<CaseInput> = String::from_utf8_lossy(&jsonl)
        .lines()
        .filter_map(|line| Case::from_json(line).ok())
        .filter_map(|case| ev.decode(&case, None).ok())
        .collect();
    let mut scratch = Scratch::new(&ev);
    // Warm up caches and branch predictors.
    for input in &inputs {
        let _ = black_box(ev.run(input, &mut scratch));
    }
    let start = Instant::now();
    let mut evaluated = 0u64;
    for _ in 0..ROUNDS {
        for input in &inputs {
            let _ = black_box(ev.run(black_box(input), &mut scratch));
            evaluated += 1;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "eval_speed: {evaluated} Shire cases in {seconds:.3} s = {:.2} million cases/s ({:.0} ns per case)",
        evaluated as f64 / seconds / 1e6,
        seconds * 1e9 / evaluated as f64
    );
}
