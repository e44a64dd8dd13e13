//! Reading an HR roster — CSV as Danish Excel saves it, an Excel workbook, or JSON — into
//! rows of named cells. Columns are found by their header, in Danish or English.
//!
//! Not responsible for what the cells mean: `batch` validates them against the framework.
//!
//! Every reader holds to [`limits`]: a file too large, a workbook that unpacks to too
//! much, or too many rows is refused before it can make mus run out of memory.

pub mod limits;

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::model::error::{Error, Result};
use limits::{size, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES};

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
///
/// A roster of 10,000 rows is held whole while it is read and checked, so a row is kept
/// small: its cells in one allocation, in column order, each naming its column's header,
/// which the rows share. A row's cells were a B-tree node of 552 bytes and a copy of each
/// header (BENCHMARKS.md, "Memory, read again"). A batch lets its rows go once they are
/// checked (`app::batch::Batch::validate`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row as the spreadsheet numbers it (the header is row 1); for JSON, the item's
    /// 1-based position.
    pub number: usize,
    cells: Box<[(Column, Cell)]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The header as written in the roster, for messages.
    pub header: Arc<str>,
    pub value: String,
}

impl Row {
    /// The trimmed value of `column`, empty when the column is absent.
    pub fn get(&self, column: Column) -> &str {
        self.cell(column).map_or("", |c| c.value.trim())
    }

    /// The header `column` has in this roster (or its Danish name).
    pub fn header(&self, column: Column) -> &str {
        self.cell(column).map_or(column.headers()[0], |c| &c.header)
    }

    /// Whether the roster has `column` (a header mus knows for it).
    pub fn has(&self, column: Column) -> bool {
        self.cell(column).is_some()
    }

    /// The cells, in column order.
    pub fn cells(&self) -> impl Iterator<Item = &Cell> {
        self.cells.iter().map(|(_, cell)| cell)
    }

    fn cell(&self, column: Column) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, cell)| cell)
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
        if !self.rows.iter().any(|r| r.has(Column::Role)) && !self.rows.is_empty() {
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
        let bytes = read_bounded(path, &origin)?;
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
            .flat_map(|r| r.cells().map(|c| &*c.header))
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
        check_file_size(origin, bytes)?;
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
        let shared = cell_headers(&headers);
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| roster_error(origin, format!("row {}: {e}", i + 2)))?;
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if rows.len() == MAX_ROWS {
                return Err(too_many_rows(origin, "row", i + 2));
            }
            rows.push(row(i + 2, &columns, &shared, |k| {
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
        check_file_size(origin, bytes)?;
        let (text, _) = decode(bytes);
        let too_many = std::cell::Cell::new(false);
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        let parsed = serde::de::DeserializeSeed::deserialize(
            JsonItems {
                too_many: &too_many,
            },
            &mut deserializer,
        )
        .and_then(|items| deserializer.end().map(|()| items));
        let (items, first_keys) = parsed.map_err(|e| {
            if too_many.get() {
                // Items are counted as they are read, so this is the one after the last allowed.
                too_many_rows(origin, "item", MAX_ROWS + 1)
            } else {
                roster_error(
                    origin,
                    format!(
                        "line {} column {}: {} (expected an array of objects)",
                        e.line(),
                        e.column(),
                        e
                    ),
                )
            }
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
                    first_keys.join(", ")
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
            rows.push(row(i + 1, &columns, &cell_headers(&headers), |k| {
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
    /// header. A workbook that unpacks to more than [`MAX_UNPACKED_BYTES`] is refused
    /// before its sheet is read. An `.xlsx` sheet is read cell by cell, keeping only the
    /// cells of known columns, so its rows are counted (and refused past [`MAX_ROWS`]) as
    /// they come; other workbooks (`.xls`, `.xlsb`, `.ods`) are read whole, then counted.
    pub fn from_excel(origin: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Roster> {
        use calamine::Reader;
        check_file_size(origin, &bytes)?;
        let is_xlsx = check_unpacked_size(origin, &bytes)?;
        let cursor = std::io::Cursor::new(bytes);
        let rows = if is_xlsx {
            let mut workbook = calamine::Xlsx::new(cursor)
                .map_err(|e| roster_error(origin, format!("cannot be read as a workbook: {e}")))?;
            let names = workbook.sheet_names();
            let name = pick_sheet(origin, &names, sheet)?;
            let mut cells = workbook
                .worksheet_cells_reader(&name)
                .map_err(|e| roster_error(origin, format!("sheet '{name}': {e}")))?;
            let mut rows = SheetRows::new(origin, &names, sheet, &name);
            while let Some(cell) = cells
                .next_cell()
                .map_err(|e| roster_error(origin, format!("sheet '{name}': {e}")))?
            {
                let (r, c) = cell.get_position();
                rows.push(r, c, &calamine::Data::from(cell.get_value().clone()))?;
            }
            rows.finish()?
        } else {
            let mut workbook = calamine::open_workbook_auto_from_rs(cursor)
                .map_err(|e| roster_error(origin, format!("cannot be read as a workbook: {e}")))?;
            let names = workbook.sheet_names();
            let name = pick_sheet(origin, &names, sheet)?;
            let range = workbook
                .worksheet_range(&name)
                .map_err(|e| roster_error(origin, format!("sheet '{name}': {e}")))?;
            let (top, left) = range.start().unwrap_or((0, 0));
            let mut rows = SheetRows::new(origin, &names, sheet, &name);
            for (r, c, value) in range.used_cells() {
                rows.push(top + r as u32, left + c as u32, value)?;
            }
            rows.finish()?
        };
        Ok(Roster {
            origin: origin.into(),
            format: Format::Excel,
            rows,
        })
    }
}

/// The sheet `wanted` names (ignoring case), else the first.
fn pick_sheet(origin: &str, names: &[String], wanted: Option<&str>) -> Result<String> {
    match wanted {
        Some(wanted) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| Error::Sheet {
                origin: origin.into(),
                wanted: wanted.into(),
                sheets: names.to_vec(),
            }),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| roster_error(origin, "has no sheets".into())),
    }
}

/// A cell's text as the roster means it: whole numbers without `.0`, dates as ISO dates.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
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
}

/// A sheet's header row: its cells' texts, the known columns by cell index, and the texts
/// as its rows' cells keep them.
type Header = (Vec<String>, Vec<(usize, Column)>, Vec<Arc<str>>);

/// A sheet's rows, built from its cells in the order the sheet stores them (row by row):
/// the first row with text is the header; of the rows below it only the cells of known
/// columns are kept, at most [`MAX_ROWS`] rows and [`MAX_UNPACKED_BYTES`] of text.
struct SheetRows<'a> {
    origin: &'a str,
    names: &'a [String],
    chosen: Option<&'a str>,
    name: &'a str,
    /// The row whose cells are being collected (0-based), and its cells with text:
    /// before the header every one, after it those of known columns.
    current: Option<u32>,
    cells: Vec<(u32, String)>,
    has_text: bool,
    header: Option<Header>,
    rows: Vec<Row>,
    kept: u64,
}

impl<'a> SheetRows<'a> {
    fn new(
        origin: &'a str,
        names: &'a [String],
        chosen: Option<&'a str>,
        name: &'a str,
    ) -> SheetRows<'a> {
        SheetRows {
            origin,
            names,
            chosen,
            name,
            current: None,
            cells: Vec::new(),
            has_text: false,
            header: None,
            rows: Vec::new(),
            kept: 0,
        }
    }

    /// When the roster is not where mus looked, the sheets tell the user where it is.
    fn sheets(&self) -> String {
        format!(
            "its sheets are: {} (choose one with --sheet)",
            self.names.join(", ")
        )
    }

    fn push(&mut self, row: u32, column: u32, value: &calamine::Data) -> Result<()> {
        if self.current != Some(row) {
            self.end_row()?;
            self.current = Some(row);
        }
        let text = cell_text(value);
        if text.trim().is_empty() {
            return Ok(());
        }
        self.has_text = true;
        match &self.header {
            None => self.cells.push((column, text)),
            Some((_, columns, _)) if columns.iter().any(|(i, _)| *i == column as usize) => {
                self.kept += text.len() as u64;
                if self.kept > MAX_UNPACKED_BYTES {
                    return Err(roster_error(
                        self.origin,
                        format!(
                            "the cells mus reads hold more than {} of text; a roster may hold at most that (a roster of {} leaders holds far less) — is this the right file?",
                            size(MAX_UNPACKED_BYTES),
                            thousands(MAX_ROWS)
                        ),
                    ));
                }
                self.cells.push((column, text));
            }
            Some(_) => {}
        }
        Ok(())
    }

    fn end_row(&mut self) -> Result<()> {
        let cells = std::mem::take(&mut self.cells);
        let has_text = std::mem::replace(&mut self.has_text, false);
        let Some(number) = self.current.map(|r| r as usize + 1) else {
            return Ok(());
        };
        if !has_text {
            return Ok(());
        }
        match &self.header {
            None => {
                let width = cells
                    .iter()
                    .map(|(c, _)| *c as usize + 1)
                    .max()
                    .unwrap_or(0);
                let mut headers = vec![String::new(); width];
                for (c, text) in cells {
                    headers[c as usize] = text;
                }
                let columns = map_headers(self.origin, &headers)?;
                let first = headers.join(";");
                let also = if self.names.len() > 1 {
                    format!("; {}", self.sheets())
                } else {
                    String::new()
                };
                require_name_column(self.origin, &columns, first.trim_end_matches(';'), &also)?;
                let shared = cell_headers(&headers);
                self.header = Some((headers, columns, shared));
            }
            Some((_, columns, shared)) => {
                if self.rows.len() == MAX_ROWS {
                    return Err(too_many_rows(self.origin, "row", number));
                }
                self.rows.push(row(number, columns, shared, |k| {
                    cells
                        .iter()
                        .find(|(c, _)| *c as usize == k)
                        .map(|(_, text)| text.clone())
                }));
            }
        }
        Ok(())
    }

    /// The rows, in the sheet's order; an error for a sheet without a header or rows.
    fn finish(mut self) -> Result<Vec<Row>> {
        self.end_row()?;
        let Some((headers, _, _)) = &self.header else {
            let which = match self.chosen {
                Some(_) => format!("the sheet '{}'", self.name),
                None => format!("the first sheet, '{}',", self.name),
            };
            return Err(roster_error(
                self.origin,
                format!("{which} is empty; {}", self.sheets()),
            ));
        };
        let first = headers.join(";");
        require_rows(self.origin, &self.rows, first.trim_end_matches(';'))?;
        self.rows.sort_by_key(|r| r.number);
        Ok(self.rows)
    }
}

/// Refuses a workbook (a zip archive: `.xlsx`, `.xlsb`, `.ods`) whose parts unpack to
/// more than [`MAX_UNPACKED_BYTES`]: first by what they declare, before anything is
/// unpacked, then by what they really unpack to (a part may declare less than it holds),
/// counted as it streams by and never held. Returns whether it is an `.xlsx` workbook.
/// A file that is no zip archive (`.xls`) passes: calamine says what it is.
fn check_unpacked_size(origin: &str, bytes: &[u8]) -> Result<bool> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(false);
    };
    let refuse = |found: String| {
        roster_error(
            origin,
            format!(
                "unpacks to {found}; a roster workbook may unpack to at most {} (a roster of {} leaders unpacks to far less) — is this the right file?",
                size(MAX_UNPACKED_BYTES),
                thousands(MAX_ROWS)
            ),
        )
    };
    let mut declared = 0u64;
    let mut largest = (0u64, String::new());
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(i) else {
            continue;
        };
        declared = declared.saturating_add(part.size());
        if part.size() > largest.0 {
            largest = (part.size(), part.name().to_string());
        }
    }
    if declared > MAX_UNPACKED_BYTES {
        return Err(refuse(format!(
            "{} ({} alone to {})",
            size(declared),
            largest.1,
            size(largest.0)
        )));
    }
    let mut total = 0u64;
    let mut buffer = vec![0; 64 * 1024];
    for i in 0..archive.len() {
        // A part that cannot be unpacked (encrypted, an unknown method) is calamine's to
        // report, should it need the part.
        let Ok(mut part) = archive.by_index(i) else {
            continue;
        };
        let name = part.name().to_string();
        loop {
            match part.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n as u64,
            }
            if total > MAX_UNPACKED_BYTES {
                return Err(refuse(format!(
                    "more than {} ({name} holds more than it declares)",
                    size(MAX_UNPACKED_BYTES)
                )));
            }
        }
    }
    let is_xlsx = archive.index_for_name("xl/workbook.xml").is_some();
    Ok(is_xlsx)
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

/// A roster's bytes, refused unread when the file is larger than [`MAX_FILE_BYTES`] (and
/// read no further than that, should it grow meanwhile or be a device).
fn read_bounded(path: &Path, origin: &str) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let declared = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if declared > MAX_FILE_BYTES {
        return Err(too_large(origin, size(declared)));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(
            origin,
            format!("larger than {}", size(MAX_FILE_BYTES)),
        ));
    }
    Ok(bytes)
}

/// Refuses roster bytes (an upload, say) larger than [`MAX_FILE_BYTES`].
fn check_file_size(origin: &str, bytes: &[u8]) -> Result<()> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(origin, size(bytes.len() as u64)));
    }
    Ok(())
}

/// The error for a roster file of `found` bytes, more than [`MAX_FILE_BYTES`].
fn too_large(origin: &str, found: String) -> Error {
    roster_error(
        origin,
        format!(
            "is {found}; a roster file may be at most {} (a roster of {} leaders is far smaller) — is this the right file?",
            size(MAX_FILE_BYTES),
            thousands(MAX_ROWS)
        ),
    )
}

/// The error for a roster with more than [`MAX_ROWS`] rows; `number` is the first one
/// too many, as the file numbers it (`what`: "row" in a sheet or CSV, "item" in JSON).
fn too_many_rows(origin: &str, what: &str, number: usize) -> Error {
    roster_error(
        origin,
        format!(
            "has more than {} leaders ({what} {} is one too many); a roster may have at most {} — split it, or check that this is the right file",
            thousands(MAX_ROWS),
            thousands(number),
            thousands(MAX_ROWS)
        ),
    )
}

/// `100000` as `100,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A JSON roster read item by item: at most [`MAX_ROWS`] items, and of each only the keys
/// of known columns (other keys are skipped unread, so a file of many unknown keys costs
/// nothing). Returns the items and the keys of the first, for messages. `too_many` is set
/// when the items ran over the limit.
struct JsonItems<'a> {
    too_many: &'a std::cell::Cell<bool>,
}

type JsonItem = serde_json::Map<String, serde_json::Value>;

impl<'de> serde::de::DeserializeSeed<'de> for JsonItems<'_> {
    type Value = (Vec<JsonItem>, Vec<String>);

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for JsonItems<'_> {
    type Value = (Vec<JsonItem>, Vec<String>);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        // As serde_json says it for a list of objects.
        f.write_str("a sequence")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        let mut first_keys = Vec::new();
        loop {
            let keys = items.is_empty().then_some(&mut first_keys);
            let Some(item) = seq.next_element_seed(JsonItemSeed { keys })? else {
                break;
            };
            if items.len() == MAX_ROWS {
                self.too_many.set(true);
                return Err(serde::de::Error::custom("too many items"));
            }
            items.push(item);
        }
        first_keys.sort_unstable();
        first_keys.dedup();
        Ok((items, first_keys))
    }
}

/// One item of a JSON roster: the keys of known columns with their values; every key's
/// name into `keys`, when given.
struct JsonItemSeed<'a> {
    keys: Option<&'a mut Vec<String>>,
}

impl<'de> serde::de::DeserializeSeed<'de> for JsonItemSeed<'_> {
    type Value = JsonItem;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<JsonItem, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for JsonItemSeed<'_> {
    type Value = JsonItem;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        // As serde_json says it for an object.
        f.write_str("a map")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        mut self,
        mut map: A,
    ) -> std::result::Result<JsonItem, A::Error> {
        let mut item = JsonItem::new();
        while let Some(key) = map.next_key::<String>()? {
            if Column::from_header(&key).is_some() {
                let value: serde_json::Value = map.next_value()?;
                if let Some(keys) = self.keys.as_deref_mut() {
                    keys.push(key.clone());
                }
                item.insert(key, value);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
                if let Some(keys) = self.keys.as_deref_mut() {
                    keys.push(key);
                }
            }
        }
        Ok(item)
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

/// Which header stands in which position, in column order (the order a row keeps its
/// cells in). Two headers for the same column is an error.
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
    columns.sort_unstable_by_key(|(_, column)| *column);
    Ok(columns)
}

/// A roster's headers as its cells keep them: trimmed, without a byte-order mark, one
/// copy for all the rows.
fn cell_headers(headers: &[String]) -> Vec<Arc<str>> {
    headers
        .iter()
        .map(|h| Arc::from(h.trim().trim_start_matches('\u{feff}')))
        .collect()
}

fn row(
    number: usize,
    columns: &[(usize, Column)],
    headers: &[Arc<str>],
    value: impl Fn(usize) -> Option<String>,
) -> Row {
    // `columns` is in column order, one position a column (`map_headers`).
    let cells = columns
        .iter()
        .map(|(i, column)| {
            let cell = Cell {
                header: headers[*i].clone(),
                value: value(*i).unwrap_or_default(),
            };
            (*column, cell)
        })
        .collect();
    Row { number, cells }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_their_cells_in_column_order_and_share_each_header() {
        let text = "\u{feff} Enhed ;Navn;Rolle\nNord;Ana;chef\nSyd;Bo;chef\n";
        let roster = Roster::from_csv("r.csv", text.as_bytes()).unwrap();
        let [first, second] = &roster.rows[..] else {
            panic!("two rows: {:?}", roster.rows);
        };
        let headers: Vec<&str> = first.cells().map(|c| &*c.header).collect();
        assert_eq!(headers, ["Navn", "Rolle", "Enhed"]);
        assert_eq!(
            (first.get(Column::Unit), second.get(Column::Name)),
            ("Nord", "Bo")
        );
        assert!(first.has(Column::Role) && !first.has(Column::Manager));
        assert_eq!(first.header(Column::Manager), Column::Manager.headers()[0]);
        for (a, b) in first.cells().zip(second.cells()) {
            assert!(Arc::ptr_eq(&a.header, &b.header), "{} is copied", a.header);
        }
    }

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
