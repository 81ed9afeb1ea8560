#[test]
fn smoke() {
    let path = std::env::var("RAS_FILE").unwrap_or("/tmp/t/a.ras".into());
    let src = std::fs::read_to_string(&path).unwrap();
    let checked = crate::check::check_source(&src, &Default::default());
    println!(
        "{}",
        crate::diag::render(&checked.diagnostics, &path, &src, Default::default())
    );
    println!("model: {}", checked.model.is_some());
}
