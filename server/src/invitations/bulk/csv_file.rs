//! Reading an uploaded CSV file of invitations: UTF-8 with or without a byte
//! order mark, comma- or semicolon-separated, with a header row.

use std::collections::BTreeMap;

use app::model::bulk::{FileProblem, COLUMNS, MAX_FILE_BYTES, MAX_ROWS, RESULT_COLUMNS};

/// One data row: its number as a spreadsheet shows it (the header is row
/// 1; a quoted line break does not start a row) and its non-empty values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    pub line: u64,
    pub values: BTreeMap<&'static str, String>,
    /// The row had more fields than the header.
    pub extra_fields: bool,
}

/// Parses the whole file, or says why it cannot be used at all.
pub fn parse(bytes: &[u8]) -> Result<Vec<CsvRow>, FileProblem> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| FileProblem::NotUtf8 {
        line: line_of(bytes, e.valid_up_to()),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| FileProblem::Malformed {
            line: error_line(&e),
        })?
        .clone();
    let mut columns: Vec<Option<&'static str>> = Vec::with_capacity(header.len());
    for name in header.iter() {
        if name.trim().is_empty() || is_result_column(name) {
            // A trailing separator leaves an unnamed, ignorable column; a
            // result file's own columns are what Lobby said of the row.
            columns.push(None);
            continue;
        }
        let column = canonical(name).ok_or_else(|| FileProblem::UnknownColumn {
            name: name.trim().chars().take(60).collect(),
        })?;
        if columns.contains(&Some(column)) {
            return Err(FileProblem::RepeatedColumn {
                name: column.to_owned(),
            });
        }
        columns.push(Some(column));
    }
    if !columns.contains(&Some("email")) {
        return Err(FileProblem::NoEmailColumn);
    }

    let mut rows = Vec::new();
    // The header is row 1.
    for (number, record) in (2..).zip(reader.records()) {
        let record = record.map_err(|e| FileProblem::Malformed {
            line: error_line(&e),
        })?;
        if record.iter().all(|field| field.trim().is_empty()) {
            continue; // Spreadsheets often end a file with empty rows.
        }
        if rows.len() == MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        let mut values = BTreeMap::new();
        let mut extra_fields = false;
        for (i, field) in record.iter().enumerate() {
            match columns.get(i) {
                Some(Some(column)) => {
                    let value = crate::spreadsheet::undefused(field.trim());
                    if !value.is_empty() {
                        values.insert(*column, value);
                    }
                }
                Some(None) => {}
                None => extra_fields |= !field.trim().is_empty(),
            }
        }
        rows.push(CsvRow {
            line: number,
            values,
            extra_fields,
        });
    }
    if rows.is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok(rows)
}

/// A header as compared: case, spaces, `_` and `-` do not matter.
fn squash(header: &str) -> String {
    header
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The column a header names.
fn canonical(header: &str) -> Option<&'static str> {
    let wanted = squash(header);
    COLUMNS.into_iter().find(|c| squash(c) == wanted)
}

/// One of the columns a result file adds to the input's.
fn is_result_column(header: &str) -> bool {
    let wanted = squash(header);
    RESULT_COLUMNS.iter().any(|c| squash(c) == wanted)
}

/// Semicolons when the header line has more of them than commas (as
/// spreadsheets write CSV where the comma is the decimal separator).
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let count = |c| header.chars().filter(|&x| x == c).count();
    if count(';') > count(',') {
        b';'
    } else {
        b','
    }
}

/// The 1-based line of byte offset `at`.
fn line_of(bytes: &[u8], at: usize) -> u64 {
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64
}

fn error_line(e: &csv::Error) -> u64 {
    e.position().map_or(1, |p| p.line())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emails(rows: &[CsvRow]) -> Vec<&str> {
        rows.iter().map(|r| r.values["email"].as_str()).collect()
    }

    #[test]
    fn numbers_rows_as_a_spreadsheet_does_whatever_the_line_ends() {
        for end in ["\n", "\r\n", "\r"] {
            let file = ["email", "a@example.com", ",", "b@example.com"].join(end);
            let rows = parse(file.as_bytes()).unwrap();
            let numbers: Vec<u64> = rows.iter().map(|r| r.line).collect();
            assert_eq!(numbers, [2, 4], "line end {end:?}");
        }
    }

    #[test]
    fn reads_comma_files_with_a_byte_order_mark() {
        let rows = parse(
            "\u{feff}Email,Display Name,language\na@example.com,Ann,en\nb@example.com,\"Lee, Bo\",ko\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(emails(&rows), ["a@example.com", "b@example.com"]);
        assert_eq!(rows[1].values["display_name"], "Lee, Bo");
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn reads_semicolon_files_with_quoted_line_breaks() {
        let rows = parse(
            b"email;message;legal_name\r\na@example.com;\"Hello;\nthere\";ACME AG\r\n;;\r\nb@example.com;;\r\n",
        )
        .unwrap();
        assert_eq!(emails(&rows), ["a@example.com", "b@example.com"]);
        assert_eq!(rows[0].values["message"], "Hello;\nthere");
        assert_eq!(rows[0].values["legal_name"], "ACME AG");
        assert_eq!(rows[1].line, 4, "rows count as a spreadsheet shows them");
        assert!(!rows[1].values.contains_key("message"));
    }

    #[test]
    fn refuses_files_it_cannot_use_and_says_why() {
        assert_eq!(parse(b""), Err(FileProblem::Empty));
        assert_eq!(parse(b"email\n\n"), Err(FileProblem::Empty));
        assert_eq!(
            parse(b"Display Name\nAnn\n"),
            Err(FileProblem::NoEmailColumn)
        );
        assert_eq!(
            parse(b"email,fax\na@example.com,1\n"),
            Err(FileProblem::UnknownColumn { name: "fax".into() })
        );
        assert_eq!(
            parse(b"email,E-mail\na@example.com,b@example.com\n"),
            Err(FileProblem::RepeatedColumn {
                name: "email".into()
            })
        );
        assert_eq!(
            parse(b"email\na@example.com\n\xff@example.com\n"),
            Err(FileProblem::NotUtf8 { line: 3 })
        );
    }

    #[test]
    fn marks_rows_with_more_fields_than_the_header() {
        let rows = parse(b"email,\na@example.com,,\nb@example.com,,surplus\n").unwrap();
        assert!(!rows[0].extra_fields);
        assert!(rows[1].extra_fields);
    }

    #[test]
    fn enforces_the_size_and_row_limits() {
        let mut big = b"email\n".to_vec();
        big.resize(MAX_FILE_BYTES + 1, b'a');
        assert_eq!(parse(&big), Err(FileProblem::TooLarge));

        let mut file = String::from("email\n");
        for i in 0..MAX_ROWS {
            file.push_str(&format!("u{i}@example.com\n"));
        }
        assert_eq!(parse(file.as_bytes()).unwrap().len(), MAX_ROWS);
        file.push_str("one.more@example.com\n");
        assert_eq!(parse(file.as_bytes()), Err(FileProblem::TooManyRows));
    }
}
