//! Every CSV the portal writes goes through here, so that no cell can run as a spreadsheet
//! formula (CSV injection).

use std::borrow::Cow;

use actix_web::web::Bytes;

use crate::error::ApiError;

/// Something written as CSV: a header line, then rows.
pub trait CsvTable {
    /// The column names.
    const HEADER: &'static [&'static str];
    /// The rows, a cell per column.
    fn rows(&self) -> Vec<Vec<String>>;
}

/// The characters a spreadsheet reads, at the start of a cell, as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as written: with a `'` in front when it starts with a character a spreadsheet would
/// read as a formula (`=`, `+`, `-`, `@`, tab, carriage return), as OWASP advises; the
/// spreadsheet then shows the text as it is.
///
/// Every cell gets the rule, whatever it holds: the portal writes no number with a sign (counts
/// and durations are never negative, dates start with the year), so only text is ever changed.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `table` as CSV, every cell [`neutralised`], the header line first when `with_header`.
pub fn to_csv<T: CsvTable + ?Sized>(table: &T, with_header: bool) -> Result<Bytes, ApiError> {
    let internal = |e: &dyn std::fmt::Display| ApiError::Internal(anyhow::anyhow!("CSV: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    if with_header {
        writer.write_record(T::HEADER).map_err(|e| internal(&e))?;
    }
    for row in table.rows() {
        writer
            .write_record(row.iter().map(|cell| neutralised(cell).into_owned()))
            .map_err(|e| internal(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| internal(&e))?;
    Ok(Bytes::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Cells(Vec<&'static str>);

    impl CsvTable for Cells {
        const HEADER: &'static [&'static str] = &["cell"];

        fn rows(&self) -> Vec<Vec<String>> {
            self.0.iter().map(|c| vec![c.to_string()]).collect()
        }
    }

    #[test]
    fn formula_starts_get_a_quote_and_nothing_else_changes() {
        let table = Cells(vec![
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-1+1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "Chat",
            "12",
            "2026-01-01",
            "a=b",
        ]);
        let csv = String::from_utf8(to_csv(&table, true).unwrap().to_vec()).unwrap();
        let lines: Vec<&str> = csv.split('\n').collect();
        assert_eq!(lines[0], "cell");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        assert_eq!(&lines[2..5], ["'+1", "'-1+1", "'@SUM(A1)"]);
        assert_eq!(lines[5], "'\tx");
        assert_eq!(lines[6], "\"'\rx\"");
        assert_eq!(&lines[7..11], ["Chat", "12", "2026-01-01", "a=b"]);
    }
}
