//! `ras check` on files with many problems: each must be checked, and its
//! diagnostics rendered for people and as JSON, in well under a second.
//!
//! `cargo bench --bench check_speed` (or `benches/run.sh`). The files are
//! generated: 10,000 and 100,000 unknown names, 10,000 unit mismatches, a
//! 30,000-step cycle, and a clean file of 2,000 questions.
//! `cargo bench --bench check_speed -- --write DIR` writes them to DIR instead,
//! to run `ras check` or a profiler on them.

use ras::check::CheckOptions;
use ras::date::Date;
use ras::diag::RenderOptions;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

const HEADER: &str = r#"policy "Adult Social Care RAS" {
  council "Testshire County Council"
  version "2026-01"
  effective 2026-01-01
  review 2027-01-01
  rounding penny half_up
}

cohorts {
  older_people "Older people"
  working_age "Working-age adults"
}

question personal_care "How much help do you need with washing and dressing?" {
  1 "None"                        0 pts
  2 "Prompting or a little help"  5 pts
  3 "Help with most of it"       10 pts
}

parameter price_per_point "Price per point" £/pt = £4.88/pt
"#;

const INDICATIVE: &str = "\noutput indicative \"Indicative weekly personal budget\" = round(total points * price_per_point)\n";

/// `n` steps, each reading a name that is declared nowhere.
fn unknown_names(n: usize) -> String {
    let mut s = HEADER.to_string();
    for i in 0..n {
        let _ = writeln!(s, "let step_{i} = missing_value_{i} + 1 pts");
    }
    s.push_str(INDICATIVE);
    s
}

/// `n` steps, each adding money to points.
fn unit_mismatches(n: usize) -> String {
    let mut s = HEADER.to_string();
    for i in 0..n {
        let _ = writeln!(s, "let step_{i} = total points + £{i}");
    }
    s.push_str(INDICATIVE);
    s
}

/// `n` steps, each reading the next, the last reading the first.
fn cycle(n: usize) -> String {
    let mut s = HEADER.to_string();
    for i in 0..n {
        let _ = writeln!(s, "let step_{i} = step_{} + 1 pts", (i + 1) % n);
    }
    s.push_str(INDICATIVE);
    s
}

/// A file without problems: `n` questions, all added up.
fn clean(n: usize) -> String {
    let mut s = HEADER.to_string();
    for i in 0..n {
        let _ = write!(
            s,
            "\nquestion need_{i} \"How much help do you need with task {i}?\" {{\n  1 \"None\" 0 pts\n  2 \"Some\" 3 pts\n  3 \"A lot\" 6 pts\n}}\n"
        );
    }
    s.push_str(INDICATIVE);
    s
}

/// The files, by name.
fn files() -> Vec<(&'static str, String)> {
    vec![
        ("unknown-names-10000", unknown_names(10_000)),
        ("unknown-names-100000", unknown_names(100_000)),
        ("unit-mismatches-10000", unit_mismatches(10_000)),
        ("cycle-30000", cycle(30_000)),
        ("clean-2000-questions", clean(2_000)),
    ]
}

/// Best of `runs` timings of `f`.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--write") {
        let Some(dir) = args.get(at + 1) else {
            return eprintln!("--write needs a folder");
        };
        for (name, text) in files() {
            let path = std::path::Path::new(dir).join(format!("{name}.ras"));
            if let Err(e) = std::fs::write(&path, text) {
                return eprintln!("cannot write {}: {e}", path.display());
            }
        }
        return;
    }
    let Some(today) = Date::new(2026, 6, 1) else {
        return eprintln!("bad date");
    };
    let options = CheckOptions::new(today);
    println!("| file | diagnostics | parse alone | parse + check | + human report | + JSON |");
    println!("|---|---|---|---|---|---|");
    for (name, text) in files() {
        let checked = ras::check::check_source(&text, &options);
        let count = checked.diagnostics.len();
        let parse = best(3, || ras::syntax::parse(black_box(&text)).is_ok());
        let check = best(3, || ras::check::check_source(black_box(&text), &options));
        let human = best(3, || {
            ras::diag::render(&checked.diagnostics, name, &text, RenderOptions::default())
        });
        let json = best(3, || {
            serde_json::to_string_pretty(&ras::diag::to_json(&checked.diagnostics, name, &text))
                .map(|s| s.len())
                .unwrap_or(0)
        });
        println!(
            "| {name} | {count} | {:.3} s | {:.3} s | {:.3} s | {:.3} s |",
            parse.as_secs_f64(),
            check.as_secs_f64(),
            human.as_secs_f64(),
            json.as_secs_f64()
        );
    }
}
