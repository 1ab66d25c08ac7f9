//! The research workbench from code: how matches spread over time.
//!
//! ```sh
//! cargo run --example research
//! ```
//!
//! Builds a small archive of dated articles (one story reprinted by a second outlet),
//! then counts two queries month by month — each story once, then every article —
//! and prints the trend as the command line's table and as CSV.

use baoku::output::{write_trend, write_trend_table, OutputFormat};
use baoku::research::{Interval, TrendRequest};
use baoku::{Archive, Article, Date};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let archive = Archive::create(dir.path().join("archive"))?;
    let story = "台风“梅花”今晨在浙江舟山登陆，沿海各地转移群众二十万人，渔船全部回港避风。";
    let mut writer = archive.writer()?;
    for (id, (y, m, d), source, body) in [
        ("a", (2022, 9, 14), "新华社", story),
        ("b", (2022, 9, 15), "人民日报", story), // the same story, reprinted
        (
            "c",
            (2022, 10, 2),
            "浙江日报",
            "台风过后，暴雨又至，城区多处积水。",
        ),
        (
            "d",
            (2022, 12, 20),
            "浙江日报",
            "暴雨红色预警发布，学校停课一天。",
        ),
    ] {
        writer.upsert(&Article {
            id: id.into(),
            title: Some(format!("{source}报道")),
            date: Date::new(y, m, d),
            source: Some(source.into()),
            body: body.into(),
            ..Article::default()
        })?;
    }
    writer.commit()?;

    // Any query of the language; the filters of a search apply to every series.
    let mut request = TrendRequest::new(["台风", "暴雨 -演习"]);
    request.by = Interval::Month;
    let trend = archive.trend(&request)?;
    println!("each story once:");
    write_trend_table(&mut std::io::stdout(), &trend)?;

    request.collapse = false;
    request.share = true;
    let every = archive.trend(&request)?;
    println!("\nevery article, with its share of the month, as CSV:");
    write_trend(&mut std::io::stdout(), &every, OutputFormat::Csv)?;
    Ok(())
}
