//! CSV as spreadsheets read it (RFC 4180): fields quoted when they hold a comma, a
//! quote or a line break, rows ended by CRLF, and the file opened by a UTF-8 byte
//! order mark so that Excel shows Chinese text as Chinese.

use std::io::{self, Write};

/// The byte order mark that starts every CSV baoku writes.
pub const BOM: &str = "\u{feff}";

/// Writes the byte order mark.
pub fn csv_bom(out: &mut impl Write) -> io::Result<()> {
    out.write_all(BOM.as_bytes())
}

/// Writes one row of fields.
///
/// ```
/// let mut out = Vec::new();
/// baoku::output::csv_row(&mut out, &["台风", "say \"hi\"", "a,b", "two\nlines"]).unwrap();
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "台风,\"say \"\"hi\"\"\",\"a,b\",\"two\nlines\"\r\n"
/// );
/// ```
pub fn csv_row<S: AsRef<str>>(out: &mut impl Write, fields: &[S]) -> io::Result<()> {
    for (n, field) in fields.iter().enumerate() {
        if n > 0 {
            out.write_all(b",")?;
        }
        csv_field(out, field.as_ref())?;
    }
    out.write_all(b"\r\n")
}

/// Writes one field, quoted when it must be.
pub fn csv_field(out: &mut impl Write, field: &str) -> io::Result<()> {
    if field.contains([',', '"', '\r', '\n']) {
        out.write_all(b"\"")?;
        out.write_all(field.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(field.as_bytes())
    }
}
