//! Reading an HR roster — CSV as Danish Excel saves it, an Excel workbook, or JSON — into
//! rows of named cells. Columns are found by their header, in Danish or English.
//!
//! Not responsible for what the cells mean: `batch` validates them against the framework.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};

/// The columns `mus batch` reads; any other column is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    Name,
    Role,
    Focus,
    Manager,
    Unit,
    Date,
    Id,
}

impl Column {
    /// The header names that mean this column (compared trimmed, ignoring case).
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            Column::Name => &["navn", "name", "leder navn", "fulde navn"],
            Column::Role => &["rolle", "niveau", "role", "level", "ledelsesniveau"],
            Column::Focus => &["fokus", "focus", "fokusområder", "grundbegreber"],
            Column::Manager => &["leder", "manager", "nærmeste leder", "leders leder"],
            Column::Unit => &["enhed", "afdeling", "unit", "department"],
            Column::Date => &["dato", "date", "samtaledato", "mus-dato"],
            Column::Id => &[
                "id",
                "medarbejdernr",
                "medarbejdernummer",
                "employee id",
                "lønnummer",
            ],
        }
    }

    const ALL: [Column; 7] = [
        Column::Name,
        Column::Role,
        Column::Focus,
        Column::Manager,
        Column::Unit,
        Column::Date,
        Column::Id,
    ];

    fn from_header(header: &str) -> Option<Column> {
        let header = header.trim().trim_start_matches('\u{feff}').to_lowercase();
        Column::ALL
            .into_iter()
            .find(|c| c.headers().contains(&header.as_str()))
    }
}

/// One data row: where it stands, and its cells by column (with the header as written).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row as the spreadsheet numbers it (the header is row 1); for JSON, the item's
    /// 1-based position.
    pub number: usize,
    pub cells: BTreeMap<Column, Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The header as written in the roster, for messages.
    pub header: String,
    pub value: String,
}

impl Row {
    /// The trimmed value of `column`, empty when the column is absent.
    pub fn get(&self, column: Column) -> &str {
        self.cells.get(&column).map_or("", |c| c.value.trim())
    }

    /// The header `column` has in this roster (or its Danish name).
    pub fn header(&self, column: Column) -> &str {
        self.cells
            .get(&column)
            .map_or(column.headers()[0], |c| c.header.as_str())
    }
}

/// How a roster was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv {
        delimiter: u8,
        encoding: &'static str,
    },
    Excel,
    Json,
}

/// A roster: its rows, in order.
#[derive(Debug, Clone)]
pub struct Roster {
    /// The file, as named in messages.
    pub origin: String,
    pub format: Format,
    pub rows: Vec<Row>,
}

impl Roster {
    /// Reads a roster, detecting its format from content and extension. `sheet` picks an
    /// Excel sheet (default: the first).
    pub fn from_path(path: &Path, sheet: Option<&str>) -> Result<Roster> {
        Roster::from_path_any(path, sheet)?.with_role_column()
    }

    /// A roster uploaded in memory, read like [`Roster::from_path`]; `label` (the file's
    /// name) names it in messages, and its extension helps tell the format.
    pub fn from_upload(label: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Roster> {
        Roster::from_bytes_any(label, bytes, sheet)?.with_role_column()
    }

    /// The roster, when a row names a role (or there are no rows).
    fn with_role_column(self) -> Result<Roster> {
        let origin = &self.origin;
        if !self
            .rows
            .iter()
            .any(|r| r.cells.contains_key(&Column::Role))
            && !self.rows.is_empty()
        {
            return Err(roster_error(
                origin,
                format!(
                    "no role column; name one of: {} (found: {})",
                    Column::Role.headers().join(", "),
                    self.headers_found()
                ),
            ));
        }
        Ok(self)
    }

    /// Reads a roster like [`Roster::from_path`] without requiring a role column (`mus
    /// archive status` needs only names).
    pub fn from_path_any(path: &Path, sheet: Option<&str>) -> Result<Roster> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Roster::from_bytes_any(&origin, bytes, sheet)
    }

    /// A roster's bytes, its format told by content and by `origin`'s extension; no role
    /// column required.
    pub fn from_bytes_any(origin: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Roster> {
        let extension = Path::new(origin)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_lowercase();
        if bytes.starts_with(b"PK\x03\x04")
            || matches!(extension.as_str(), "xlsx" | "xlsm" | "xls" | "ods")
        {
            Roster::from_excel(origin, bytes, sheet)
        } else if extension == "json" || first_text_byte(&bytes) == Some(b'[') {
            Roster::from_json(origin, &bytes)
        } else {
            Roster::from_csv(origin, &bytes)
        }
    }

    fn headers_found(&self) -> String {
        let mut found: Vec<&str> = self
            .rows
            .iter()
            .flat_map(|r| r.cells.values().map(|c| c.header.as_str()))
            .collect();
        found.sort_unstable();
        found.dedup();
        if found.is_empty() {
            "no known columns".into()
        } else {
            found.join(", ")
        }
    }

    /// CSV as Excel writes it: `;`, `,` or tab, UTF-8 with or without BOM or Windows-1252,
    /// CRLF, quoted fields with separators and line breaks inside.
    pub fn from_csv(origin: &str, bytes: &[u8]) -> Result<Roster> {
        let (text, encoding) = decode(bytes);
        if text.trim().is_empty() {
            return Err(roster_error(
                origin,
                format!(
                    "is empty; a roster has a header row with a name column ({}) and a row per leader",
                    Column::Name.headers().join(", ")
                ),
            ));
        }
        let delimiter = detect_delimiter(&text);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| roster_error(origin, format!("the header row cannot be read: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        let columns = map_headers(origin, &headers)?;
        let first_row = headers.join(&char::from(delimiter).to_string());
        require_name_column(origin, &columns, &first_row, "")?;
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| roster_error(origin, format!("row {}: {e}", i + 2)))?;
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push(row(i + 2, &columns, &headers, |k| {
                record.get(k).map(str::to_string)
            }));
        }
        require_rows(origin, &rows, &first_row)?;
        Ok(Roster {
            origin: origin.into(),
            format: Format::Csv {
                delimiter,
                encoding,
            },
            rows,
        })
    }

    /// A JSON array of objects; keys are headers.
    pub fn from_json(origin: &str, bytes: &[u8]) -> Result<Roster> {
        let (text, _) = decode(bytes);
        let items: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(&text)
            .map_err(|e| {
                roster_error(
                    origin,
                    format!(
                        "line {} column {}: {} (expected an array of objects)",
                        e.line(),
                        e.column(),
                        e
                    ),
                )
            })?;
        if items.is_empty() {
            return Err(roster_error(
                origin,
                "is an empty list; a roster has an object per leader".into(),
            ));
        }
        if !items
            .iter()
            .flat_map(|item| item.keys())
            .any(|k| Column::from_header(k) == Some(Column::Name))
        {
            return Err(roster_error(
                origin,
                format!(
                    "no item has a name key ({}); the first has: {}",
                    Column::Name.headers().join(", "),
                    items[0].keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        let problems: Vec<String> = items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| {
                item.iter().filter_map(move |(key, value)| {
                    let column = Column::from_header(key)?;
                    json_problem(column, value).map(|p| format!("{origin}:{}: {key}: {p}", i + 1))
                })
            })
            .collect();
        if !problems.is_empty() {
            return Err(Error::Rows { problems });
        }
        let mut rows = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let headers: Vec<String> = item.keys().cloned().collect();
            let columns = map_headers(origin, &headers)?;
            rows.push(row(i + 1, &columns, &headers, |k| {
                item.get(&headers[k]).map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::Array(items) => items
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(","),
                    other => other.to_string(),
                })
            }));
        }
        Ok(Roster {
            origin: origin.into(),
            format: Format::Json,
            rows,
        })
    }

    /// The first sheet (or `sheet`) of an Excel workbook; the first non-empty row is the
    /// header.
    pub fn from_excel(origin: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Roster> {
        use calamine::{Data, Reader};
        let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e| roster_error(origin, format!("cannot be read as a workbook: {e}")))?;
        let names = workbook.sheet_names();
        let name = match sheet {
            Some(wanted) => names
                .iter()
                .find(|n| n.eq_ignore_ascii_case(wanted))
                .cloned()
                .ok_or_else(|| {
                    roster_error(
                        origin,
                        format!(
                            "has no sheet '{wanted}'; its sheets are: {}",
                            names.join(", ")
                        ),
                    )
                })?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| roster_error(origin, "has no sheets".into()))?,
        };
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| roster_error(origin, format!("sheet '{name}': {e}")))?;
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let text = |cell: &Data| -> String {
            match cell {
                Data::Empty => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Int(i) => i.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => d
                    .as_datetime()
                    .map_or_else(|| d.as_f64().to_string(), |t| t.date().to_string()),
                Data::Error(e) => format!("#{e:?}"),
            }
        };
        let mut rows_iter = range
            .rows()
            .enumerate()
            .skip_while(|(_, r)| r.iter().all(|c| text(c).trim().is_empty()));
        // When the roster is not where mus looked, the sheets tell the user where it is.
        let sheets = format!(
            "its sheets are: {} (choose one with --sheet)",
            names.join(", ")
        );
        let Some((_, header_row)) = rows_iter.next() else {
            let which = match sheet {
                Some(_) => format!("the sheet '{name}'"),
                None => format!("the first sheet, '{name}',"),
            };
            return Err(roster_error(origin, format!("{which} is empty; {sheets}")));
        };
        let headers: Vec<String> = header_row.iter().map(text).collect();
        let columns = map_headers(origin, &headers)?;
        let first = headers.join(";");
        let first = first.trim_end_matches(';');
        let also = if names.len() > 1 {
            format!("; {sheets}")
        } else {
            String::new()
        };
        require_name_column(origin, &columns, first, &also)?;
        let mut rows = Vec::new();
        for (i, cells) in rows_iter {
            if cells.iter().all(|c| text(c).trim().is_empty()) {
                continue;
            }
            rows.push(row(first_row + i + 1, &columns, &headers, |k| {
                cells.get(k).map(text)
            }));
        }
        require_rows(origin, &rows, first)?;
        Ok(Roster {
            origin: origin.into(),
            format: Format::Excel,
            rows,
        })
    }
}

/// What is wrong with a JSON value in a known column, if anything. A cell is text (or
/// null, for empty); a focus may also be a list of texts and an id a whole number, as HR
/// systems export them. Anything else — an object, `true`, a name that is a number — was
/// not meant as the cell's text, and would otherwise become it (`{"fornavn": …}` as a
/// leader's name).
fn json_problem(column: Column, value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let kind = |v: &Value| match v {
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
        Value::Number(_) => "a number",
        Value::Bool(_) => "true or false",
        Value::String(_) | Value::Null => "text",
    };
    match value {
        Value::String(_) | Value::Null => None,
        Value::Number(n) if column == Column::Id && n.is_u64() => None,
        Value::Array(items) if column == Column::Focus => {
            items.iter().enumerate().find_map(|(k, v)| {
                (!v.is_string()).then(|| {
                    format!(
                        "item {} of the list is {} ({v}); give it as text in quotes",
                        k + 1,
                        kind(v)
                    )
                })
            })
        }
        other => Some(format!(
            "is {} ({other}); give it as text in quotes",
            kind(other)
        )),
    }
}

fn roster_error(origin: &str, message: String) -> Error {
    Error::Roster {
        origin: origin.into(),
        message,
    }
}

/// A roster whose first row has no name column has no header row (or the wrong one):
/// its rows would all be nameless, or the header itself taken for a leader.
fn require_name_column(
    origin: &str,
    columns: &[(usize, Column)],
    first_row: &str,
    also: &str,
) -> Result<()> {
    if columns.iter().any(|(_, c)| *c == Column::Name) {
        return Ok(());
    }
    Err(roster_error(
        origin,
        format!(
            "no header row with a name column ({}); the first row is '{}'{also}",
            Column::Name.headers().join(", "),
            shorten(first_row)
        ),
    ))
}

/// A roster of no leaders is a mistake (the wrong file, an export that failed), not a
/// batch of nothing.
fn require_rows(origin: &str, rows: &[Row], header: &str) -> Result<()> {
    if rows.is_empty() {
        return Err(roster_error(
            origin,
            format!(
                "has a header row ({}) but no rows under it",
                shorten(header)
            ),
        ));
    }
    Ok(())
}

/// A row as quoted in a message: at most 80 characters.
fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        text.chars().take(MAX).collect::<String>() + "…"
    }
}

/// The first byte that is not white space or a byte-order mark.
fn first_text_byte(bytes: &[u8]) -> Option<u8> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Text from bytes: UTF-8 when it is valid UTF-8, else Windows-1252, which is what Danish
/// Excel writes for "CSV (semikolonsepareret)". A UTF-8 byte-order mark is dropped either
/// way (some tools put one before Windows-1252 text).
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), if bom { "UTF-8 (BOM)" } else { "UTF-8" }),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), "Windows-1252")
        }
    }
}

/// The separator the header line uses most, outside quotes: `;`, `,` or tab.
fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [(b';', 0), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in text.bytes() {
        match c {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                for (d, n) in counts.iter_mut() {
                    if *d == c {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b';', |(d, _)| *d)
}

/// Which header stands in which position. Two headers for the same column is an error.
fn map_headers(origin: &str, headers: &[String]) -> Result<Vec<(usize, Column)>> {
    let mut columns: Vec<(usize, Column)> = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        if let Some(column) = Column::from_header(header) {
            if let Some((j, _)) = columns.iter().find(|(_, c)| *c == column) {
                return Err(roster_error(
                    origin,
                    format!(
                        "the columns '{}' and '{}' both mean {}; keep one",
                        headers[*j].trim(),
                        header.trim(),
                        column.headers()[0]
                    ),
                ));
            }
            columns.push((i, column));
        }
    }
    Ok(columns)
}

fn row(
    number: usize,
    columns: &[(usize, Column)],
    headers: &[String],
    value: impl Fn(usize) -> Option<String>,
) -> Row {
    let cells = columns
        .iter()
        .map(|(i, column)| {
            (
                *column,
                Cell {
                    header: headers[*i]
                        .trim()
                        .trim_start_matches('\u{feff}')
                        .to_string(),
                    value: value(*i).unwrap_or_default(),
                },
            )
        })
        .collect();
    Row { number, cells }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_excel_csv_in_windows_1252_with_quotes_and_crlf() {
        let text = "Navn;Rolle;Fokus;Enhed;Ukendt\r\nSøren Ærø;Chef;\"retning; potentialer\";\"Skole\r\nNord\";x\r\n;;;;\r\nÅse;leder af ledere;;Syd;y\r\n";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        let roster = Roster::from_csv("r.csv", &bytes).unwrap();
        assert_eq!(
            roster.format,
            Format::Csv {
                delimiter: b';',
                encoding: "Windows-1252"
            }
        );
        assert_eq!(roster.rows.len(), 2);
        assert_eq!(roster.rows[0].get(Column::Name), "Søren Ærø");
        assert_eq!(roster.rows[0].get(Column::Focus), "retning; potentialer");
        assert_eq!(roster.rows[0].get(Column::Unit), "Skole\r\nNord");
        assert_eq!(
            roster.rows[1].number, 4,
            "spreadsheet row numbers count the header and skip nothing"
        );
        assert_eq!(roster.rows[1].header(Column::Role), "Rolle");
    }

    #[test]
    fn a_bom_before_windows_1252_text() {
        let (mut bytes, _, _) = encoding_rs::WINDOWS_1252.encode("navn;rolle\r\nSøren;chef\r\n");
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(bytes.to_mut());
        let roster = Roster::from_csv("r.csv", &with_bom).unwrap();
        assert_eq!(roster.rows[0].get(Column::Name), "Søren");
    }

    #[test]
    fn utf8_with_bom_and_other_separators() {
        let roster = Roster::from_csv("r.csv", "\u{feff}name,role\nAna,chef\n".as_bytes()).unwrap();
        assert_eq!(
            roster.format,
            Format::Csv {
                delimiter: b',',
                encoding: "UTF-8 (BOM)"
            }
        );
        assert_eq!(roster.rows[0].get(Column::Name), "Ana");
        let roster = Roster::from_csv("r.csv", b"NAVN\tNIVEAU\nBo\tchef\n").unwrap();
        assert_eq!(roster.rows[0].get(Column::Role), "chef");
    }

    #[test]
    fn json_arrays_of_objects() {
        let roster = Roster::from_json(
            "r.json",
            br#"[{"navn": "Bo", "rolle": "chef", "fokus": ["retning", "potentialer"], "id": 7}]"#,
        )
        .unwrap();
        assert_eq!(roster.rows[0].get(Column::Focus), "retning,potentialer");
        assert_eq!(roster.rows[0].get(Column::Id), "7");
    }

    #[test]
    fn two_headers_for_one_column_are_an_error() {
        let err = Roster::from_csv("r.csv", b"enhed;afdeling;rolle\nA;B;chef\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "r.csv: the columns 'enhed' and 'afdeling' both mean enhed; keep one"
        );
    }
}
