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
#[derive(Debug)]
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

/// Problems with the changelog as far as releasing `version` goes, and notes (not
/// problems) worth printing. When `publishing`, an entry still `unreleased` is a problem.
pub(crate) fn check(text: &str, version: &str, publishing: bool) -> (Vec<String>, Vec<String>) {
    let (found, mut problems) = headings(text);
    let mut notes = Vec::new();
    let Some(heading) = found.iter().find(|h| h.version == version) else {
        problems.push(format!(
            "{FILE} has no entry for the current version {version}; add a `## [{version}] - unreleased` heading \
             (or run `cargo xtask release bump`)"
        ));
        return (problems, notes);
    };
    if heading.unreleased && publishing {
        problems.push(format!(
            "{FILE} still says `## [{version}] - unreleased`; replace `unreleased` with today's date (YYYY-MM-DD) and commit"
        ));
    } else if heading.unreleased {
        notes.push(format!(
            "{FILE}: {version} is still marked `unreleased`; replace it with the release date before `release publish`"
        ));
    }
    let entry = text.lines().skip(heading.line + 1);
    if entry
        .take_while(|line| !line.starts_with("## "))
        .all(|line| line.trim().is_empty())
    {
        notes.push(format!("{FILE}: the entry for {version} has no notes yet"));
    }
    (problems, notes)
}

/// Adds a `## [version] - unreleased` heading above the newest entry (or at the end if
/// there is none). Returns `None` if the changelog already has an entry for `version`.
pub(crate) fn add_heading(text: &str, version: &str) -> Option<String> {
    if headings(text).0.iter().any(|h| h.version == version) {
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
    fn reads_headings_and_reports_malformed_and_repeated_ones() {
        let (found, problems) = headings(TEXT);
        let found: Vec<_> = found
            .iter()
            .map(|h| (h.line, h.version.as_str(), h.unreleased))
            .collect();
        assert_eq!(found, [(4, "0.2.0", true), (8, "0.1.0", false)]);
        assert!(problems.is_empty(), "{problems:?}");
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

    /// An undated entry is a note for `release check` and blocks `release publish`.
    #[test]
    fn checks_the_entry_of_the_version_to_release() {
        let bare = "## [0.1.0] - unreleased\n";
        // (changelog, version, publishing, problems, notes): parts of the messages, `|`-separated.
        let cases = [
            (
                TEXT,
                "0.2.0",
                false,
                "",
                "0.2.0 is still marked `unreleased`",
            ),
            (
                TEXT,
                "0.2.0",
                true,
                "still says `## [0.2.0] - unreleased`",
                "",
            ),
            (TEXT, "0.1.0", true, "", ""),
            (
                TEXT,
                "0.3.0",
                true,
                "no entry for the current version 0.3.0",
                "",
            ),
            (bare, "0.1.0", false, "", "still marked | has no notes yet"),
        ];
        for (text, version, publishing, problems, notes) in cases {
            let (found_problems, found_notes) = check(text, version, publishing);
            for (found, wanted) in [(found_problems, problems), (found_notes, notes)] {
                let wanted: Vec<&str> = wanted.split(" | ").filter(|w| !w.is_empty()).collect();
                assert_eq!(found.len(), wanted.len(), "{version}: {found:?}");
                let matches = found.iter().zip(wanted).all(|(f, w)| f.contains(w));
                assert!(matches, "{version}: {found:?}");
            }
        }
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
}
