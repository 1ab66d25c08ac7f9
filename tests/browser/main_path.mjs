// The search page's main path in headless Chromium, on any engine — written for
// `baoku serve --engine URL` (tests/cluster.rs): search, highlights, a source facet,
// a date range, an article with its highlights and reprints, the date order. Every
// number the page shows is checked against the API the page reads.
//
//   node tests/browser/main_path.mjs http://127.0.0.1:7700/ SCREENSHOT_DIR ARTICLES
//
// The server must serve sample_corpus/ and one reprint of the seed article (id
// seed-reprint, 新华网, 2022-05-18), ARTICLES articles in all, without a token.
// Chromium is /usr/bin/chromium unless CHROMIUM names another. Exits 0 when every
// check passes, 1 at the first failure (with what was seen).

import { check, launch } from "./common.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [base, shots, articles] = process.argv.slice(2);
if (!base || !shots || !articles) {
  console.error("usage: node main_path.mjs URL SCREENSHOT_DIR ARTICLES");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

let step = "starting";
const browser = await launch();
const problems = [];
const api = (page, path) => page.evaluate(async (p) => (await fetch(p)).json(), path);

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  const page = await context.newPage();
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // "More like this" is not on a cluster yet: its 501 is expected and the page
    // leaves the section out.
    if (message.type() === "error" && !/status of 501/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });

  step = "the home page counts the engine's articles";
  await page.goto(base);
  await page.waitForFunction(() => /篇文章/.test(document.getElementById("welcome").textContent));
  const welcome = await page.textContent("#welcome");
  check(welcome.includes(`${articles} 篇文章`), `the home page says ${articles} articles`, welcome);

  step = "search";
  await page.fill("#q", "乡村振兴 收入");
  await page.press("#q", "Enter");
  await page.waitForSelector("#hits .hit");
  const query = encodeURIComponent("乡村振兴 收入");
  const answer = await api(page, `/api/search?q=${query}&limit=10`);
  const titles = await page.$$eval("#hits .hit .title", (nodes) => nodes.map((n) => n.textContent));
  check(JSON.stringify(titles) === JSON.stringify(answer.hits.map((h) => h.title)), "the page shows the API's hits in its order", { titles, api: answer.hits.map((h) => h.title) });
  const summary = await page.textContent("#summary");
  check(summary.includes(`找到 ${answer.total} 篇文章`), "the summary gives the API's total", summary);
  const marks = await page.$$eval("#hits mark", (nodes) => nodes.map((n) => n.textContent));
  check(marks.includes("乡村振兴") && marks.includes("收入"), "results highlight both words in <mark>", marks);
  await page.screenshot({ path: join(shots, "engine-results.png"), fullPage: true });

  step = "filter by a source facet";
  const facet = page.locator("#facet-source button.facet").first();
  const source = (await facet.locator(".name").textContent()).trim();
  const facetCount = Number((await facet.locator(".count").textContent()).replace(/\D/g, ""));
  await facet.click();
  await page.waitForFunction((s) => {
    const sources = Array.from(document.querySelectorAll("#hits .hit .src"), (n) => n.textContent);
    return new URL(location.href).searchParams.get("source") === s &&
      sources.length > 0 && sources.every((x) => x === s);
  }, source);
  const total = Number((await page.textContent("#summary strong")).replace(/\D/g, ""));
  check(total === facetCount, `the facet said ${facetCount} articles from ${source}`, total);

  step = "set a date range";
  const month = (await page.textContent("#hits .hit time")).trim().slice(0, 7);
  await page.fill("#since", month);
  await page.fill("#until", month);
  await page.press("#until", "Enter");
  await page.waitForFunction((m) => {
    const dates = Array.from(document.querySelectorAll("#hits .hit time"), (n) => n.textContent);
    const params = new URL(location.href).searchParams;
    return params.get("since") === m && dates.length > 0 && dates.every((d) => d.startsWith(m));
  }, month);

  step = "open the seed article: highlights and its reprint";
  await page.goto(`${base}?q=${query}`);
  await page.waitForSelector("#hits .hit");
  const reprinted = page.locator("#hits a.similar").first();
  check((await reprinted.textContent()) === "另有 1 篇转载", "the seed's hit links its reprint", await reprinted.textContent());
  await reprinted.click();
  await page.waitForSelector("#reprints:not([hidden]) li");
  const id = new URL(page.url()).searchParams.get("article");
  const reading = await api(page, `/api/articles/${encodeURIComponent(id)}?q=${query}`);
  const paragraphs = await page.$$eval("#a-body p", (nodes) => nodes.map((n) => n.textContent));
  check(reading.body.replace(/\s+/g, "") === paragraphs.join("").replace(/\s+/g, ""), "the article view shows the whole body", { paragraphs: paragraphs.length });
  const bodyMarks = await page.$$eval("#a-body mark", (nodes) => nodes.map((n) => n.textContent));
  check(bodyMarks.length > 1 && bodyMarks.length === reading.highlights.body.length, "every match the API names is marked", { bodyMarks, api: reading.highlights.body.length });
  check(bodyMarks.every((m) => m === "乡村振兴" || m === "收入"), "only the query's words are marked", bodyMarks);
  const reprints = await page.$$eval("#reprints-list li", (nodes) => nodes.map((n) => n.textContent));
  check(reprints.length === 1 && reprints[0].includes("新华网") && reprints[0].includes("2022-05-18"), "the reprint is listed with its source and date", reprints);
  await page.screenshot({ path: join(shots, "engine-article.png"), fullPage: true });
  await page.click("#reprints-list a");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("article") === "seed-reprint");
  await page.waitForSelector("#reprints:not([hidden]) li");
  const back = await page.$$eval("#reprints-list a", (nodes) => nodes.map((n) => new URL(n.href).searchParams.get("article")));
  check(back.length === 1 && back[0] === id, "the reprint lists the original as its reprint", back);

  step = "newest first";
  await page.goto(`${base}?q=${encodeURIComponent("中国")}&sort=date`);
  await page.waitForSelector("#hits .hit");
  const dates = await page.$$eval("#hits .hit time", (nodes) => nodes.map((n) => n.textContent));
  check(dates.length > 1 && dates.every((d, i) => i === 0 || dates[i - 1] >= d), "newest first", dates);

  check(problems.length === 0, "no script errors or blocked resources", problems);
  console.log(`browser main path passed; screenshots in ${shots}`);
} catch (error) {
  console.error(`browser main path failed at step "${step}": ${error.message}`);
  if (problems.length) console.error(problems.join("\n"));
  process.exitCode = 1;
} finally {
  await browser.close();
}
