//! A [`Trend`] for people and scripts: a chart that fits 80 columns without colour
//! (bars for a few periods, sparklines for many), an aligned table, CSV and JSON.

use super::{count, csv_bom, csv_row, OutputFormat};
use crate::research::{Series, Trend};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Widest a chart is drawn, however wide the terminal.
pub const CHART_COLUMNS: usize = 80;
/// Rows of bars at most; more periods are drawn as sparklines.
const MOST_BAR_ROWS: usize = 48;
/// Columns a query's name takes in a chart at most.
const NAME_COLUMNS: usize = 12;
/// Eighths of a cell, emptiest first: sparkline levels and bar ends.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const BAR_ENDS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/// Writes a trend in `format`: a chart for [`OutputFormat::Text`], one JSON document,
/// one JSON line per series, or CSV (one row per period, a column per query).
///
/// ```
/// use baoku::output::{write_trend, OutputFormat};
/// use baoku::research::{Interval, Point, Series, Trend};
///
/// let trend = Trend {
///     by: Interval::Year,
///     collapse: true,
///     took_ms: 1.0,
///     series: vec![Series {
///         query: "台风".into(),
///         total: 12,
///         undated: 0,
///         notes: vec![],
///         points: vec![
///             Point { period: "2021".into(), count: 4, share: None },
///             Point { period: "2022".into(), count: 8, share: None },
///         ],
///     }],
/// };
/// let mut csv = Vec::new();
/// write_trend(&mut csv, &trend, OutputFormat::Csv).unwrap();
/// assert_eq!(String::from_utf8(csv).unwrap(), "\u{feff}period,台风\r\n2021,4\r\n2022,8\r\n");
/// ```
pub fn write_trend(out: &mut impl Write, trend: &Trend, format: OutputFormat) -> io::Result<()> {
    match format {
        OutputFormat::Json => super::write_json_line(out, trend),
        OutputFormat::Jsonl => trend
            .series
            .iter()
            .try_for_each(|series| super::write_json_line(out, series)),
        OutputFormat::Csv => write_trend_csv(out, trend),
        OutputFormat::Text { width, .. } => write_trend_chart(out, trend, width),
    }
}

/// Whether some series has undated matches: tables then end with an `undated` row.
fn any_undated(trend: &Trend) -> bool {
    trend.series.iter().any(|s| s.undated > 0)
}

fn share_text(share: Option<f64>) -> String {
    share.map_or_else(String::new, |s| format!("{:.2}%", s * 100.0))
}

fn write_trend_csv(out: &mut impl Write, trend: &Trend) -> io::Result<()> {
    csv_bom(out)?;
    let shares = trend
        .series
        .iter()
        .any(|s| s.points.iter().any(|p| p.share.is_some()));
    let mut header = vec!["period".to_string()];
    for series in &trend.series {
        header.push(series.query.clone());
        if shares {
            header.push(format!("{} share", series.query));
        }
    }
    csv_row(out, &header)?;
    let periods = trend.series.first().map_or(0, |s| s.points.len());
    for at in 0..periods {
        let mut row = vec![trend.series[0].points[at].period.clone()];
        for series in &trend.series {
            let point = &series.points[at];
            row.push(point.count.to_string());
            if shares {
                row.push(point.share.map_or_else(String::new, |s| s.to_string()));
            }
        }
        csv_row(out, &row)?;
    }
    if any_undated(trend) {
        let mut row = vec!["undated".to_string()];
        for series in &trend.series {
            row.push(series.undated.to_string());
            if shares {
                row.push(String::new());
            }
        }
        csv_row(out, &row)?;
    }
    Ok(())
}

/// Writes a trend as a plain table: a row per period, a column per query (and its
/// share, when asked), right-aligned in display columns.
pub fn write_trend_table(out: &mut impl Write, trend: &Trend) -> io::Result<()> {
    let shares = trend
        .series
        .iter()
        .any(|s| s.points.iter().any(|p| p.share.is_some()));
    let periods = trend.series.first().map_or(0, |s| s.points.len());
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(periods + 2);
    let mut header = vec!["period".to_string()];
    for series in &trend.series {
        header.push(series.query.clone());
        if shares {
            header.push("share".to_string());
        }
    }
    rows.push(header);
    for at in 0..periods {
        let mut row = vec![trend.series[0].points[at].period.clone()];
        for series in &trend.series {
            row.push(series.points[at].count.to_string());
            if shares {
                row.push(share_text(series.points[at].share));
            }
        }
        rows.push(row);
    }
    if any_undated(trend) {
        let mut row = vec!["undated".to_string()];
        for series in &trend.series {
            row.push(series.undated.to_string());
            if shares {
                row.push(String::new());
            }
        }
        rows.push(row);
    }
    let mut total = vec!["total".to_string()];
    for series in &trend.series {
        total.push(series.total.to_string());
        if shares {
            total.push(String::new());
        }
    }
    rows.push(total);
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.width();
            if c == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// `name` cut to at most `columns` display columns (with `…` when cut).
fn fit(name: &str, columns: usize) -> String {
    if name.width() <= columns {
        return name.to_string();
    }
    let mut out = String::new();
    for c in name.chars() {
        if out.width() + c.to_string().width() + 1 > columns {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// One line about a series: its total, its busiest period, its undated matches.
fn summary(series: &Series, trend: &Trend) -> String {
    let unit = match trend.collapse {
        true => ("story", "stories"),
        false => ("article", "articles"),
    };
    let mut line = format!("{}: {}", series.query, count(series.total, unit.0, unit.1));
    if let Some(busiest) = series
        .points
        .iter()
        .filter(|p| p.count > 0)
        .max_by_key(|p| (p.count, std::cmp::Reverse(p.period.clone())))
    {
        line.push_str(&format!(", most in {} ({})", busiest.period, busiest.count));
    }
    if series.undated > 0 {
        line.push_str(&format!(", {} undated", series.undated));
    }
    line
}

/// Writes a trend as a chart of at most `width` (and [`CHART_COLUMNS`]) columns that
/// reads without colour: a bar per period and query when there are few, else a
/// sparkline per query on one scale, wrapped at whole years where it can.
pub fn write_trend_chart(out: &mut impl Write, trend: &Trend, width: usize) -> io::Result<()> {
    let width = width.clamp(40, CHART_COLUMNS);
    let periods = trend.series.first().map_or(0, |s| s.points.len());
    for series in &trend.series {
        writeln!(out, "{}", summary(series, trend))?;
        for note in &series.notes {
            writeln!(out, "  note: {note}")?;
        }
    }
    if periods == 0 {
        return writeln!(out, "no dated matches");
    }
    let most = trend
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.count))
        .max()
        .unwrap_or(0)
        .max(1);
    let label = trend.series[0]
        .points
        .iter()
        .map(|p| p.period.width())
        .max()
        .unwrap_or(0);
    let several = trend.series.len() > 1;
    let names: Vec<String> = trend
        .series
        .iter()
        .map(|s| fit(&s.query, NAME_COLUMNS))
        .collect();
    let name_width = names.iter().map(|n| n.width()).max().unwrap_or(0);
    writeln!(out)?;
    if periods * trend.series.len() <= MOST_BAR_ROWS {
        let count_width = most.to_string().len();
        let lead = label + 1 + if several { name_width + 1 } else { 0 };
        let room = width.saturating_sub(lead + 1 + count_width).max(1);
        for at in 0..periods {
            for (n, series) in trend.series.iter().enumerate() {
                let point = &series.points[at];
                let mut line = match n {
                    0 => format!("{:<label$} ", point.period),
                    _ => " ".repeat(label + 1),
                };
                if several {
                    let pad = name_width - names[n].width();
                    line.push_str(&names[n]);
                    line.push_str(&" ".repeat(pad + 1));
                }
                let drawn = bar(point.count, most, room);
                if !drawn.is_empty() {
                    line.push_str(&drawn);
                    line.push(' ');
                }
                line.push_str(&point.count.to_string());
                writeln!(out, "{line}")?;
            }
        }
        return Ok(());
    }
    // Sparklines: a row per stretch of periods, whole cycles of the interval.
    let cycle = match trend.by {
        crate::research::Interval::Day => 7,
        crate::research::Interval::Week => 13,
        crate::research::Interval::Month => 12,
        crate::research::Interval::Year => 10,
    };
    let lead = label + 1 + if several { name_width + 1 } else { 0 };
    let room = width.saturating_sub(lead).max(1);
    let per_row = match room / cycle {
        0 => room,
        cycles => cycles * cycle,
    };
    writeln!(
        out,
        "one character a {}, {} the most ({most}), blank none",
        trend.by, LEVELS[7]
    )?;
    for start in (0..periods).step_by(per_row) {
        let end = (start + per_row).min(periods);
        for (n, series) in trend.series.iter().enumerate() {
            let mut line = match n {
                0 => format!("{:<label$} ", series.points[start].period),
                _ => " ".repeat(label + 1),
            };
            if several {
                let pad = name_width - names[n].width();
                line.push_str(&names[n]);
                line.push_str(&" ".repeat(pad + 1));
            }
            line.extend(
                series.points[start..end]
                    .iter()
                    .map(|p| spark(p.count, most)),
            );
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

/// A bar of `count` on a scale where `most` fills `room` cells, in eighths; a count
/// above zero shows at least a sliver.
fn bar(count: u64, most: u64, room: usize) -> String {
    let eighths = (count as u128 * room as u128 * 8).div_ceil(most as u128) as usize;
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push(BAR_ENDS[eighths % 8 - 1]);
    }
    out
}

/// One sparkline cell: blank for none, else one of eight levels of `most`.
fn spark(count: u64, most: u64) -> char {
    match count {
        0 => ' ',
        count => LEVELS[((count * 8).div_ceil(most) as usize).clamp(1, 8) - 1],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::research::{Interval, Point};

    fn trend(by: Interval, counts: &[&[u64]]) -> Trend {
        let periods = counts[0].len();
        Trend {
            by,
            collapse: true,
            took_ms: 0.0,
            series: counts
                .iter()
                .enumerate()
                .map(|(n, counts)| Series {
                    query: ["台风", "暴雨", "一个很长很长的查询词语"][n].to_string(),
                    total: counts.iter().sum(),
                    undated: 0,
                    notes: vec![],
                    points: (0..periods)
                        .map(|at| Point {
                            period: format!("{}-{:02}", 2010 + at / 12, at % 12 + 1),
                            count: counts[at],
                            share: None,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn chart(trend: &Trend, width: usize) -> String {
        let mut out = Vec::new();
        write_trend_chart(&mut out, trend, width).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn bars_are_proportional_and_lines_fit_80_columns() {
        let text = chart(&trend(Interval::Month, &[&[10, 5, 0, 3]]), 200);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "台风: 18 stories, most in 2010-01 (10)");
        let bars: Vec<usize> = lines[2..]
            .iter()
            .map(|l| l.chars().filter(|c| *c == '█').count())
            .collect();
        // 80 columns less "2010-01 " and " 10": 69 cells for the most.
        assert_eq!(bars, [69, 34, 0, 20]);
        // 3/10 of 69 cells is 20 and 6 eighths.
        assert!(lines[4].ends_with(" 0") && lines[5].ends_with("█▊ 3"));
        assert!(text.lines().all(|l| l.width() <= CHART_COLUMNS), "{text}");
    }

    #[test]
    fn many_periods_become_sparklines_on_one_scale_wrapped_at_years() {
        let a: Vec<u64> = (0..120).map(|n| n % 9).collect();
        let b: Vec<u64> = (0..120).map(|n| 16 * (n % 2)).collect();
        let text = chart(&trend(Interval::Month, &[&a, &b, &a]), 80);
        assert!(text.lines().all(|l| l.width() <= CHART_COLUMNS), "{text}");
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("201")).collect();
        // 80 − "2010-01 " − the widest name (cut to 11 columns) and its space: 60,
        // five years a row.
        assert_eq!(rows.len(), 2, "{text}");
        assert!(rows[0].starts_with("2010-01 台风 "));
        let second = text
            .lines()
            .find(|l| l.starts_with("        暴雨"))
            .unwrap();
        assert!(second.contains(" █ █"), "{second}");
        assert!(text.contains("一个很长很…"), "long names are cut: {text}");
    }

    #[test]
    fn tables_and_csv_hold_every_count() {
        let data = trend(Interval::Month, &[&[3, 0], &[1, 12]]);
        let mut table = Vec::new();
        write_trend_table(&mut table, &data).unwrap();
        assert_eq!(
            String::from_utf8(table).unwrap(),
            "period   台风  暴雨\n2010-01     3     1\n2010-02     0    12\ntotal       3    13\n"
        );
        let mut csv = Vec::new();
        write_trend(&mut csv, &data, OutputFormat::Csv).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "\u{feff}period,台风,暴雨\r\n2010-01,3,1\r\n2010-02,0,12\r\n"
        );
    }
}
