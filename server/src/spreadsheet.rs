//! The CSV files Lobby writes (bulk import results, consents) are opened in
//! spreadsheets: every field is quoted, and every cell a spreadsheet could
//! run as a formula is defused — at the start of a field, and after any
//! separator a spreadsheet might split the field at (`,` `;` tab, line
//! breaks), whatever the file's own separator (OWASP: CSV injection).

/// Starts a formula in Excel, LibreOffice and Google Sheets.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
/// Where a spreadsheet importing with another separator may start a new cell.
const SEPARATORS: [char; 5] = [',', ';', '\t', '\r', '\n'];

/// `value` with an apostrophe before each formula start that begins it or
/// follows a separator: `x;=1+1` becomes `x;'=1+1`.
pub fn defused(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 1);
    let mut cell_start = true;
    for c in value.chars() {
        if cell_start && FORMULA_STARTS.contains(&c) {
            out.push('\'');
        }
        out.push(c);
        cell_start = SEPARATORS.contains(&c);
    }
    out
}

/// `value` as it was before [`defused`]: a file Lobby wrote (an import's
/// result, the template) comes back as it was meant, `'+41 44…` as `+41 44…`.
pub fn undefused(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut cell_start = true;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        let defusing = c == '\'' && chars.peek().is_some_and(|n| FORMULA_STARTS.contains(n));
        if !(cell_start && defusing) {
            out.push(c);
        }
        cell_start = SEPARATORS.contains(&c);
    }
    out
}

/// A CSV file being written for a spreadsheet.
pub struct SpreadsheetCsv(csv::Writer<Vec<u8>>);

impl Default for SpreadsheetCsv {
    fn default() -> Self {
        SpreadsheetCsv(
            csv::WriterBuilder::new()
                .quote_style(csv::QuoteStyle::Always)
                .from_writer(Vec::new()),
        )
    }
}

impl SpreadsheetCsv {
    /// Writes one record, each field defused.
    pub fn row<S: AsRef<str>>(&mut self, fields: &[S]) -> Result<(), csv::Error> {
        self.0
            .write_record(fields.iter().map(|f| defused(f.as_ref())))
    }

    /// The file's text.
    pub fn finish(self) -> Result<String, csv::Error> {
        let bytes = self.0.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn what_is_defused_reads_back_as_it_was() {
        for value in [
            "+41 44 123 45 67",
            "x;=1+1",
            "plain",
            "-5",
            "'quoted",
            "a\n@b",
        ] {
            assert_eq!(super::undefused(&super::defused(value)), value, "{value}");
        }
    }

    use super::*;

    #[test]
    fn formulas_are_defused_at_the_start_and_after_every_separator() {
        assert_eq!(defused("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("x;=1+1"), "x;'=1+1");
        assert_eq!(defused("Mozilla/5.0,+cmd"), "Mozilla/5.0,'+cmd");
        assert_eq!(defused("a\t-2\n@b"), "a\t'-2\n'@b");
        assert_eq!(defused("\t=1"), "'\t'=1");
        assert_eq!(defused("ann@example.com"), "ann@example.com");
        assert_eq!(defused("Seoul; Korea"), "Seoul; Korea");
    }

    #[test]
    fn every_field_is_quoted() {
        let mut csv = SpreadsheetCsv::default();
        csv.row(&["email", "user_agent"]).unwrap();
        csv.row(&["ann@example.com", "x;=1+1"]).unwrap();
        assert_eq!(
            csv.finish().unwrap(),
            "\"email\",\"user_agent\"\n\"ann@example.com\",\"x;'=1+1\"\n"
        );
    }
}
