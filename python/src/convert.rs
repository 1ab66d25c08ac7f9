//! Python values ⇄ the library's values: dates, periods, records built in Python,
//! JSON, and the reading options (`format`, `encoding`, `fields`) of `index` and
//! `writer`. Each value is parsed here once, by the library's own parser, into the
//! library's type; an argument it refuses raises `baoku.InvalidArgument` naming it.

use crate::errors::invalid_argument;
use baoku::extract::{format_named, ExtractOptions, FieldMap};
use baoku::search::Period;
use baoku::source::{encoding_for_label, ReadOptions};
use baoku::Date;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyDate, PyDateAccess, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};
use serde_json::{Map, Value};

/// A library date as a `datetime.date`.
pub(crate) fn py_date<'py>(
    py: Python<'py>,
    date: Option<Date>,
) -> PyResult<Option<Bound<'py, PyDate>>> {
    date.map(|d| PyDate::new(py, d.year(), d.month() as u8, d.day() as u8))
        .transpose()
}

/// `since=` / `until=`: a day, month or year as the command line takes it (`"2021"`,
/// `"2021-03"`, `"2021年3月"`), a `datetime.date` (that day) or an `int` (that year).
pub(crate) fn period(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Period>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let text = if let Ok(date) = value.cast::<PyDate>() {
        format!(
            "{:04}-{:02}-{:02}",
            date.get_year(),
            date.get_month(),
            date.get_day()
        )
    } else if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        value.extract::<i64>()?.to_string()
    } else if let Ok(text) = value.cast::<PyString>() {
        text.to_str()?.to_string()
    } else {
        return Err(PyTypeError::new_err(format!(
            "{name}: expected a str, a datetime.date or an int (a year), not {}",
            value.get_type().name()?
        )));
    };
    text.parse::<Period>()
        .map(Some)
        .map_err(|reason| invalid_argument(name, reason))
}

/// The reading options of `index()` and `writer()`: what `--format`, `--encoding` and
/// `--field` say on the command line. `fields` maps article fields to the names of
/// the record's fields (`{"body": "content"}`).
pub(crate) fn extract_options(
    format: Option<&str>,
    encoding: Option<&str>,
    fields: Option<&Bound<'_, PyAny>>,
) -> PyResult<ExtractOptions> {
    let format = format
        .map(|name| format_named(name).map_err(|reason| invalid_argument("format", reason)))
        .transpose()?;
    let encoding = encoding
        .map(|label| {
            encoding_for_label(label)
                .ok_or_else(|| invalid_argument("encoding", format!("unknown encoding {label:?}")))
        })
        .transpose()?;
    let mut map = FieldMap::default();
    if let Some(fields) = fields.filter(|f| !f.is_none()) {
        let fields = fields.cast::<PyMapping>().map_err(|_| {
            PyTypeError::new_err("fields: expected a dict of article field → record field, e.g. {\"body\": \"content\"}")
        })?;
        for item in fields.items()?.iter() {
            let (field, name): (String, String) = item.extract()?;
            map.add(&format!("{field}={name}"))
                .map_err(|reason| invalid_argument("fields", reason))?;
        }
    }
    Ok(ExtractOptions {
        read: ReadOptions { format, encoding },
        fields: map,
    })
}

/// A record built in Python (a dict, keys as in a JSON Lines file) as a JSON object.
/// Dates become ISO text, which the JSON mapping reads as it reads a date field.
pub(crate) fn record_json(record: &Bound<'_, PyAny>) -> PyResult<Map<String, Value>> {
    let Ok(dict) = record.cast::<PyDict>() else {
        return Err(PyTypeError::new_err(format!(
            "upsert: expected a dict (keys as in a JSON Lines record: title, body, date…), not {}",
            record.get_type().name()?
        )));
    };
    let mut object = Map::new();
    for (key, value) in dict.iter() {
        let key: String = key.extract().map_err(|_| {
            PyTypeError::new_err(format!("upsert: record keys must be str, not {key:?}"))
        })?;
        let value = json_of(&value, &key)?;
        object.insert(key, value);
    }
    Ok(object)
}

/// A Python value as JSON; `at` names where it is, for the error.
fn json_of(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Value> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(Value::from(value.extract::<i64>()?));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Ok(serde_json::Number::from_f64(f.value()).map_or(Value::Null, Value::Number));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_string()));
    }
    if value.is_instance_of::<PyDate>() {
        // datetime.datetime is a date too: its isoformat() keeps the time and zone.
        return Ok(Value::String(value.call_method0("isoformat")?.extract()?));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter()?.enumerate() {
            items.push(json_of(&item?, &format!("{at}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = Map::new();
        for (key, item) in dict.iter() {
            let key: String = key.extract()?;
            let inner = json_of(&item, &format!("{at}.{key}"))?;
            object.insert(key, inner);
        }
        return Ok(Value::Object(object));
    }
    Err(PyTypeError::new_err(format!(
        "upsert: {at}: a {} is not a JSON value (str, int, float, bool, None, date, list or dict)",
        value.get_type().name()?
    )))
}

/// A JSON value as Python objects; `date` fields (`YYYY-MM-DD`) become `datetime.date`.
pub(crate) fn py_of_json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into_pyobject(py)?.into_any(),
            (_, Some(i)) => i.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(py_of_json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(object) => {
            let dict = PyDict::new(py);
            for (key, item) in object {
                let item = match (key.as_str(), item) {
                    ("date" | "first_date" | "last_date", Value::String(text)) => {
                        py_date(py, Date::parse_iso(text))?
                            .map_or_else(|| PyString::new(py, text).into_any(), Bound::into_any)
                    }
                    _ => py_of_json(py, item)?,
                };
                dict.set_item(key, item)?;
            }
            dict.into_any()
        }
    })
}

/// `value` serialised as the command's JSON, then as Python objects (`to_dict()`).
pub(crate) fn py_of_serde<'py>(
    py: Python<'py>,
    value: &impl serde::Serialize,
) -> PyResult<Bound<'py, PyAny>> {
    py_of_json(py, &json_value(value)?)
}

/// `value` as the JSON the command prints, read back: through the text, so that an
/// `f32` score is the number printed (58.773), not its widened binary value.
pub(crate) fn json_value(value: &impl serde::Serialize) -> PyResult<Value> {
    serde_json::to_string(value)
        .and_then(|text| serde_json::from_str(&text))
        .map_err(|e| crate::errors::Error::new_err(format!("cannot convert to JSON: {e}")))
}
