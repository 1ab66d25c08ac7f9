//! The rows of an export ([`crate::research::Export`]): CSV with a header row naming
//! the fields, or one JSON object per line with the fields in the order chosen.

use super::{csv_bom, csv_field, OutputFormat};
use crate::research::{Field, Row};
use serde_json::Value;
use std::io::{self, Write};

/// Writes what starts an export: for CSV the byte order mark and the header row;
/// nothing for JSON lines.
pub fn write_export_header(
    out: &mut impl Write,
    fields: &[Field],
    format: OutputFormat,
) -> io::Result<()> {
    if format != OutputFormat::Csv {
        return Ok(());
    }
    csv_bom(out)?;
    let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
    super::csv_row(out, &names)
}

/// Writes one exported article: a CSV row (a missing value is an empty field) or,
/// for any other format, a JSON line (`null` for a missing value).
///
/// ```
/// use baoku::output::{write_export_row, OutputFormat};
/// use baoku::research::{Field, Row};
/// use baoku::Article;
///
/// let row = Row {
///     article: Article { id: "a1".into(), title: Some("台风, 暴雨".into()), ..Article::default() },
///     score: 1.5,
///     snippet: None,
/// };
/// let fields = [Field::Id, Field::Title, Field::Date];
/// let mut csv = Vec::new();
/// write_export_row(&mut csv, &row, &fields, OutputFormat::Csv).unwrap();
/// assert_eq!(String::from_utf8(csv).unwrap(), "a1,\"台风, 暴雨\",\r\n");
/// let mut json = Vec::new();
/// write_export_row(&mut json, &row, &fields, OutputFormat::Jsonl).unwrap();
/// assert_eq!(String::from_utf8(json).unwrap(), "{\"id\":\"a1\",\"title\":\"台风, 暴雨\",\"date\":null}\n");
/// ```
pub fn write_export_row(
    out: &mut impl Write,
    row: &Row,
    fields: &[Field],
    format: OutputFormat,
) -> io::Result<()> {
    if format == OutputFormat::Csv {
        for (n, field) in fields.iter().enumerate() {
            if n > 0 {
                out.write_all(b",")?;
            }
            match row.value(*field) {
                Value::String(text) => csv_field(out, &text)?,
                Value::Null => {}
                other => csv_field(out, &other.to_string())?,
            }
        }
        return out.write_all(b"\r\n");
    }
    out.write_all(b"{")?;
    for (n, field) in fields.iter().enumerate() {
        if n > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, field.name())?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, &row.value(*field))?;
    }
    out.write_all(b"}\n")
}
