//! `CHANGELOG.md` at the workspace root: one entry per release, newest first.
//!
//! Convention (documented in `docs/releasing.md` and at the top of the changelog):
//! every release has a level-2 heading
//!
//! ```text
//! ## [X.Y.Z] - unreleased      while the version is being prepared
//! ## [X.Y.Z] - YYYY-MM-DD      once it is released (the date of publishing)
//! ```
//!
//! followed by the notes of that release. Every line starting with `## [` is a release
//! heading and must follow this form. `release bump` adds the `unreleased` heading;
//! the person releasing replaces `unreleased` with the date before `release publish`,
//! which refuses to publish a version whose entry still says `unreleased`.

/// The changelog's file name, at the workspace root.
pub(crate) const FILE: &str = "CHANGELOG.md";

/// A release heading of the changelog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    /// 0-based line index.
    pub(crate) line: usize,
    /// The version in brackets.
    pub(crate) version: String,
    /// `unreleased` (still being prepared) rather than a `YYYY-MM-DD` release date.
    pub(crate) unreleased: bool,
}

/// The changelog's release headings, and a problem for each malformed one.
pub(crate) fn headings(text: &str) -> (Vec<Heading>, Vec<String>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix("## [") else {
            continue;
        };
        match parse_heading(rest) {
            Some((version, unreleased)) => {
                if found.iter().any(|h: &Heading| h.version == version) {
                    problems.push(format!("{FILE}:{}: a second entry for version {version}", index + 1));
                }
                found.push(Heading { line: index, version, unreleased });
            }
            None => problems.push(format!(
                "{FILE}:{}: malformed release heading `{line}`; expected `## [X.Y.Z] - unreleased` or `## [X.Y.Z] - YYYY-MM-DD`",
                index + 1
            )),
        }
    }
    (found, problems)
}

/// The version and whether it is unreleased, from what follows `## [`.
fn parse_heading(rest: &str) -> Option<(String, bool)> {
    let (version, after) = rest.split_once(']')?;
    semver::Version::parse(version).ok()?;
    let date = after.trim_end().strip_prefix(" - ")?.trim();
    let unreleased = date.eq_ignore_ascii_case("unreleased");
    let is_date = date.len() == 10 && chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok();
    (unreleased || is_date).then(|| (version.to_string(), unreleased))
}

/// The heading for `version`, if any.
pub(crate) fn find<'a>(headings: &'a [Heading], version: &str) -> Option<&'a Heading> {
    headings.iter().find(|h| h.version == version)
}

/// Whether the entry under `heading` has any text before the next heading.
pub(crate) fn has_notes(text: &str, heading: &Heading) -> bool {
    text.lines()
        .skip(heading.line + 1)
        .take_while(|line| !line.starts_with("## "))
        .any(|line| !line.trim().is_empty())
}

/// Problems with the changelog as far as releasing `version` goes, and notes (not
/// problems) worth printing.
pub(crate) fn check(text: &str, version: &str) -> (Vec<String>, Vec<String>) {
    let (found, mut problems) = headings(text);
    let mut notes = Vec::new();
    match find(&found, version) {
        None => problems.push(format!(
            "{FILE} has no entry for the current version {version}; add a `## [{version}] - unreleased` heading \
             (or run `cargo xtask release bump`)"
        )),
        Some(heading) => {
            if heading.unreleased {
                notes.push(format!(
                    "{FILE}: {version} is still marked `unreleased`; replace it with the release date before `release publish`"
                ));
            }
            if !has_notes(text, heading) {
                notes.push(format!("{FILE}: the entry for {version} has no notes yet"));
            }
        }
    }
    (problems, notes)
}

/// Why publishing must wait, if the entry of `version` is not dated.
pub(crate) fn undated_entry(text: &str, version: &str) -> Option<String> {
    match find(&headings(text).0, version) {
        Some(heading) if !heading.unreleased => None,
        Some(_) => Some(format!(
            "{FILE} still says `## [{version}] - unreleased`; replace `unreleased` with today's date (YYYY-MM-DD) and commit"
        )),
        None => Some(format!("{FILE} has no entry for {version}")),
    }
}

/// Adds a `## [version] - unreleased` heading above the newest entry (or at the end if
/// there is none). Returns `None` if the changelog already has an entry for `version`.
pub(crate) fn add_heading(text: &str, version: &str) -> Option<String> {
    if find(&headings(text).0, version).is_some() {
        return None;
    }
    let heading = format!("## [{version}] - unreleased\n");
    Some(
        match text
            .find("\n## [")
            .map(|at| at + 1)
            .or(text.starts_with("## [").then_some(0))
        {
            Some(at) => format!("{}{heading}\n{}", &text[..at], &text[at..]),
            None if text.trim().is_empty() => heading,
            None => format!("{}\n\n{heading}", text.trim_end()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# Changelog\n\nIntro.\n\n## [0.2.0] - unreleased\n\n- New things.\n\n## [0.1.0] - 2025-01-31\n\n- First.\n";

    #[test]
    fn reads_headings() {
        let (found, problems) = headings(TEXT);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0],
            Heading {
                line: 4,
                version: "0.2.0".into(),
                unreleased: true
            }
        );
        assert!(!found[1].unreleased);
        assert!(has_notes(TEXT, &found[0]));
    }

    #[test]
    fn reports_malformed_and_duplicate_headings() {
        let text = "## [Unreleased]\n## [0.1.0] 2025-01-01\n## [0.1.0] - 2025-13-01\n## [0.1.0] - soon\n## [0.1.0] - unreleased\n## [0.1.0] - 2025-01-02\n";
        let (found, problems) = headings(text);
        assert_eq!(found.len(), 2);
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(
            problems[0].contains("CHANGELOG.md:1: malformed"),
            "{problems:?}"
        );
        assert!(
            problems[4].contains("a second entry for version 0.1.0"),
            "{problems:?}"
        );
    }

    #[test]
    fn checks_the_current_version() {
        let (problems, notes) = check(TEXT, "0.2.0");
        assert!(problems.is_empty());
        assert_eq!(notes.len(), 1, "{notes:?}");
        let (problems, notes) = check(TEXT, "0.1.0");
        assert!(problems.is_empty() && notes.is_empty());
        let (problems, _) = check(TEXT, "0.3.0");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("no entry for the current version 0.3.0"));
        let (_, notes) = check("## [0.1.0] - unreleased\n", "0.1.0");
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn adds_headings_above_the_newest_entry() {
        let added = add_heading(TEXT, "0.3.0").expect("added");
        let expected =
            "# Changelog\n\nIntro.\n\n## [0.3.0] - unreleased\n\n## [0.2.0] - unreleased\n";
        assert!(added.starts_with(expected), "{added}");
        assert_eq!(add_heading(&added, "0.3.0"), None);
        let first = "## [0.1.0] - unreleased\n";
        assert_eq!(
            add_heading("# Changelog\n", "0.1.0").as_deref(),
            Some(&*format!("# Changelog\n\n{first}"))
        );
        assert_eq!(add_heading("", "0.1.0").as_deref(), Some(first));
        assert!(add_heading(first, "0.2.0").is_some_and(|t| t.starts_with("## [0.2.0]")));
    }

    #[test]
    fn an_undated_changelog_entry_blocks_publishing() {
        let text = "# Changelog\n\n## [0.2.0] - unreleased\n\n- x\n\n## [0.1.0] - 2026-05-01\n";
        assert!(undated_entry(text, "0.2.0").is_some_and(|p| p.contains("unreleased")));
        assert_eq!(undated_entry(text, "0.1.0"), None);
        assert!(undated_entry(text, "0.3.0").is_some_and(|p| p.contains("no entry")));
    }
}
