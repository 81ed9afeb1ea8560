//! Lists of words in messages, joined as a sentence joins them. Every message
//! that lists names, codes or columns joins them here, so they read alike.

/// `a, b, c`: a list to read through or pick from ("give one of: a, b, c").
pub fn list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    join(items, ", ")
}

/// `a, b or c` (`expected a name or a number`); empty when there is nothing.
pub fn list_or<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    join(items, " or ")
}

/// `a, b and c`: a list read as one thing (`the smaller of a and b`).
pub fn list_and<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    join(items, " and ")
}

/// `` `a`, `b` or `c` ``: codes or names as written in a rule file; `none`
/// when there are none.
pub fn codes_or<S: AsRef<str>>(codes: impl IntoIterator<Item = S>) -> String {
    let quoted: Vec<String> = codes
        .into_iter()
        .map(|c| format!("`{}`", c.as_ref()))
        .collect();
    if quoted.is_empty() {
        return "none".to_string();
    }
    list_or(quoted)
}

/// Joins with `, `, and with `last` before the final item.
fn join<S: AsRef<str>>(items: impl IntoIterator<Item = S>, last: &str) -> String {
    let items: Vec<S> = items.into_iter().collect();
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == items.len() { last } else { ", " });
        }
        out.push_str(item.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_sentences() {
        assert_eq!(list(["1", "2", "3"]), "1, 2, 3");
        assert_eq!(
            list_or(["a name", "a number", "`(`"]),
            "a name, a number or `(`"
        );
        assert_eq!(list_or(["`}`"]), "`}`");
        assert_eq!(list_or(Vec::<String>::new()), "");
        assert_eq!(codes_or(["a", "b"]), "`a` or `b`");
        assert_eq!(codes_or(Vec::<&str>::new()), "none");
        assert_eq!(list(Vec::<&str>::new()), "");
    }
}
