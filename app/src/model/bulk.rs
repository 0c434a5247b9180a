//! Bulk invitations from a CSV file, as the dashboard shows them.

use serde::{Deserialize, Serialize};

/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The most data rows accepted in one file.
pub const MAX_ROWS: usize = 100_000;

/// The columns a file may have, by their canonical names. Headers match
/// without regard to case, spaces, `_` and `-` (`Display Name` is
/// `display_name`).
pub const COLUMNS: [&str; 12] = [
    "email",
    "display_name",
    "language",
    "message",
    "legal_name",
    "street",
    "postal_code",
    "city",
    "country",
    "tax_id",
    "phone",
    "website",
];

/// The columns a result file adds to the input's (`report::result_csv`).
/// A file that has them is read as if they were not there, so the rows that
/// failed can be corrected in the result and uploaded again.
pub const RESULT_COLUMNS: [&str; 5] = ["row", "verdict", "outcome", "invitation_id", "problems"];

/// The template's example row, a value per column of [`COLUMNS`].
pub const TEMPLATE_EXAMPLE: [&str; 12] = [
    "jiwoo.kim@customer.example",
    "Jiwoo Kim",
    "ko",
    "Welcome to our customer portal",
    "Customer Co., Ltd.",
    "123 Teheran-ro",
    "06234",
    "Seoul",
    "KR",
    "",
    "+82 2 1234 5678",
    "https://www.customer.example",
];

/// The verdict of the dry run on one row.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum Verdict {
    Valid,
    Invalid,
    /// The same email appeared on an earlier row of the file.
    Duplicate,
    /// The email has a pending invitation already.
    AlreadyInvited,
    /// The email belongs to an account in the organization.
    ExistingUser,
}

impl Verdict {
    /// Every verdict, in the order the summary counts them.
    pub const ALL: &[Verdict] = <Verdict as strum::VariantArray>::VARIANTS;

    /// The name stored and written to result files.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<Verdict> {
        code.parse().ok()
    }
}

/// Why a row is not valid: the column and a problem code (see
/// `i18n::problem_message`); for duplicates, the row it repeats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub column: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_row: Option<i32>,
}

/// Where an import stands.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum ImportStatus {
    /// Dry run shown; nothing created yet.
    Preview,
    /// Confirmed; waiting for a job runner.
    Queued,
    Running,
    Done,
}

impl ImportStatus {
    /// The name stored with the import.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<ImportStatus> {
        code.parse().ok()
    }
}

/// Why an upload was refused as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileProblem {
    TooLarge,
    TooManyRows,
    Empty,
    NotUtf8 {
        line: u64,
    },
    Malformed {
        line: u64,
    },
    NoEmailColumn,
    UnknownColumn {
        name: String,
    },
    RepeatedColumn {
        name: String,
    },
    /// No file in the form, or the form lacked the session's token.
    BadForm,
}

impl FileProblem {
    /// The query string the upload form reads its message from.
    pub fn to_query(&self) -> String {
        let enc = crate::query::encode;
        match self {
            FileProblem::TooLarge => "error=too_large".into(),
            FileProblem::TooManyRows => "error=too_many_rows".into(),
            FileProblem::Empty => "error=empty".into(),
            FileProblem::NotUtf8 { line } => format!("error=not_utf8&line={line}"),
            FileProblem::Malformed { line } => format!("error=malformed&line={line}"),
            FileProblem::NoEmailColumn => "error=no_email_column".into(),
            FileProblem::UnknownColumn { name } => {
                format!("error=unknown_column&column={}", enc(name))
            }
            FileProblem::RepeatedColumn { name } => {
                format!("error=repeated_column&column={}", enc(name))
            }
            FileProblem::BadForm => "error=bad_form".into(),
        }
    }

    /// Reads what [`FileProblem::to_query`] wrote (already percent-decoded).
    pub fn from_query(error: &str, line: Option<u64>, column: Option<String>) -> Option<Self> {
        Some(match error {
            "too_large" => FileProblem::TooLarge,
            "too_many_rows" => FileProblem::TooManyRows,
            "empty" => FileProblem::Empty,
            "not_utf8" => FileProblem::NotUtf8 { line: line? },
            "malformed" => FileProblem::Malformed { line: line? },
            "no_email_column" => FileProblem::NoEmailColumn,
            "unknown_column" => FileProblem::UnknownColumn { name: column? },
            "repeated_column" => FileProblem::RepeatedColumn { name: column? },
            "bad_form" => FileProblem::BadForm,
            _ => return None,
        })
    }
}

/// One import in the dashboard's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: String,
    pub file_name: String,
    pub status: ImportStatus,
    pub total_rows: i32,
    pub created_at: String,
}

/// One row as the import page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowView {
    pub row_number: i32,
    pub email: String,
    pub verdict: Verdict,
    pub problems: Vec<RowProblem>,
    /// After processing: `created`, or the verdict that made it skipped.
    pub outcome: Option<String>,
}

/// An import with its counts, progress and one page of rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub summary: ImportSummary,
    /// How many rows have each verdict, in [`Verdict::ALL`] order.
    pub verdict_counts: Vec<(Verdict, i32)>,
    pub processed_rows: i32,
    pub created_count: i32,
    pub skipped_count: i32,
    /// When a file with the same content was imported before, that time.
    pub same_file_imported_at: Option<String>,
    pub rows: Vec<ImportRowView>,
    /// The row number after which the next page starts.
    pub next_after: Option<i32>,
}

/// What became of "Confirm import".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfirmOutcome {
    Queued,
    /// Confirmed before (by someone else, or a double submit).
    AlreadyConfirmed,
    NothingToCreate,
    NotFound,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_problems_survive_the_query_string() {
        let problems = [
            FileProblem::TooLarge,
            FileProblem::TooManyRows,
            FileProblem::Empty,
            FileProblem::NotUtf8 { line: 7 },
            FileProblem::Malformed { line: 3 },
            FileProblem::NoEmailColumn,
            FileProblem::UnknownColumn {
                name: "Fax number".into(),
            },
            FileProblem::RepeatedColumn {
                name: "email".into(),
            },
            FileProblem::BadForm,
        ];
        for p in problems {
            let query = p.to_query();
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let back = FileProblem::from_query(
                &get("error").unwrap(),
                get("line").and_then(|l| l.parse().ok()),
                get("column"),
            );
            assert_eq!(back, Some(p));
        }
    }
}
