use super::*;

const PLAN_COST_RULES: &str = r#"policy "Test RAS" {
  council "Test Council"  version "1"
  effective 2024-04-01  review 2030-04-01
  period weekly  rounding penny half_up
}
cohorts { all "Everyone" }
question care "Help needed" { none "None" 0 pts  some "Some" 5 pts }
parameter price_per_point "Price per point" £/pt = £5.00/pt
output indicative "Indicative weekly personal budget" = round(total points * price_per_point)
route approval "Who approves" {
  panel "Panel" when plan_cost >= £1,000
  manager "Manager" otherwise
}
"#;

#[test]
fn plan_costs_are_read_as_money() {
    let plan = crate::plan::compile(
        crate::check::check_source(
            PLAN_COST_RULES,
            &crate::check::CheckOptions::new(crate::date::Date::new(2026, 1, 1).unwrap()),
        )
        .model
        .unwrap(),
        PLAN_COST_RULES,
    )
    .unwrap();
    let ev = Evaluator::new(&plan);
    let header = ["cohort", "care", "plan_cost"].map(String::from);
    let (layout, _) = Layout::new(&ev, &header, &RunOptions::default()).unwrap();
    let mut rows = RowEvaluator::new(
        &ev,
        Some(layout),
        RunOptions::default(),
        input::Places::Lines,
    );
    let mut cost = |text: &str| {
        let row = ["all", "some", text].map(String::from);
        rows.decode_fields(input::Fields::Owned(&row))
            .map(|()| rows.input.plan_cost.map(|d| d.to_string()))
            .map_err(|p| p.code)
    };
    assert_eq!(cost("420.00"), Ok(Some("420.00".into())));
    assert_eq!(cost("£1,210.50"), Ok(Some("1210.50".into())));
    for bad in ["4e2", "abc", "12,50", "0,99", "1_000", "££5", "1e3"] {
        assert_eq!(cost(bad), Err("ras::not-a-number"), "{bad}");
    }
    assert_eq!(cost("-5.00"), Err("ras::negative-amount"));
    assert_eq!(
        cost("420.0000000000000000000000000001"),
        Err("ras::number-too-precise")
    );
}

#[test]
fn summary_line() {
    let s = Summary {
        rows: 4,
        ok: 1,
        not_eligible: 1,
        not_validated: 1,
        errors: 1,
    };
    assert_eq!(
        s.line(),
        "4 cases: 1 ok, 1 not eligible, 1 not validated, 1 errors"
    );
}

/// A caseload of several blocks on one, two and three threads: the same
/// bytes, error rows and counts, with a byte-order mark, CRLF line ends,
/// blank lines, multi-line quoted fields and bad rows on either side of
/// block edges.
#[test]
fn threads_read_blocks_as_one_thread_reads_the_file() {
    let plan = crate::plan::compile(
        crate::check::check_source(
            PLAN_COST_RULES,
            &crate::check::CheckOptions::new(crate::date::Date::new(2026, 1, 1).unwrap()),
        )
        .model
        .unwrap(),
        PLAN_COST_RULES,
    )
    .unwrap();
    let mut text = b"\xef\xbb\xbfcase_id,cohort,care,plan_cost\r\n".to_vec();
    const ROWS: usize = 50_000;
    for i in 1..=ROWS {
        let row = match i {
            _ if i % 997 == 0 => format!("\"id\n{i}\",all,some,\"1,000.00\"\r\n"),
            _ if i % 1009 == 0 => format!("C{i},all,some,12,50\r\n"),
            _ if i % 1013 == 0 => format!("C{i},all,some\r\n"),
            _ if i % 1499 == 0 => ",all,none,5\r\n".to_string(),
            _ if i % 1511 == 0 => format!("C{i},all,\"so\r\nme\",\r\n\r\n"),
            _ => format!(
                "C{i},all,{},{}.{:02}\r\n",
                ["none", "some"][i % 2],
                i % 1200,
                i % 100
            ),
        };
        text.extend_from_slice(row.as_bytes());
    }
    assert!(
        text.len() > 3 * (256 << 10),
        "the file spans several blocks"
    );
    let run_on = |threads: usize| {
        let reader =
            CaseReader::csv(Box::new(std::io::Cursor::new(text.clone())), "cases.csv").unwrap();
        let columns = output::default_columns(&plan.model);
        let mut out =
            ResultWriter::new(Vec::new(), output::OutputFormat::Csv, &plan.model, columns).unwrap();
        let mut errors = Vec::new();
        let mut record = |e: &ErrorRecord| {
            errors.push(e.clone());
            Ok(())
        };
        let options = RunOptions::default();
        let (summary, _) = if threads > 1 {
            run_parallel(
                &plan,
                reader,
                &mut out,
                &mut record,
                &options,
                threads,
                &mut |_, _| {},
            )
        } else {
            run(
                &plan,
                reader,
                &mut out,
                &mut record,
                &options,
                &mut |_, _| {},
            )
        }
        .unwrap();
        (out.finish().unwrap(), errors, summary)
    };
    let one = run_on(1);
    assert_eq!(one.2.rows, ROWS as u64);
    assert!(one.1.len() > 60, "{}", one.1.len());
    assert!(one
        .1
        .iter()
        .any(|e| e.line > 20_000 && e.code == "ras::no-case-id"));
    for threads in [2, 3] {
        let many = run_on(threads);
        assert!(many.0 == one.0, "{threads} threads write the same bytes");
        assert_eq!(many.1, one.1, "{threads} threads");
        assert_eq!(many.2, one.2, "{threads} threads");
    }
}
