// baoku search page. Everything it shows comes from the JSON API of this server;
// its whole state lives in the address (?q=…&source=…&page=…&article=…), so a page
// can be shared, bookmarked and reloaded. Text from articles only ever enters the
// page through textContent / createTextNode, never as HTML. A server started with a
// token answers 401 until the page sends it: the page then asks for it once and keeps
// it for this tab only (sessionStorage), never in the address.
"use strict";

const PAGE_SIZE = 10;
const MAX_OFFSET = 10000;
const FACETS_SHOWN = 12;
const STATE_KEYS = ["q", "since", "until", "source", "author", "sort", "page", "article", "view", "ksort", "by", "tc"];
// Comparison queries of the trend chart: `vs` once per query (`&vs=暴雨&vs=洪水`).
const COMPARE_KEY = "vs";
// The trend counts at most this many queries: the search's and the comparisons.
const MAX_SERIES = 10;
// Lines the KWIC tab asks for, and characters of context on each side.
const KWIC_LINES = 200;
const KWIC_WIDTH = 20;

const $ = (id) => document.getElementById(id);
const form = $("search");
const fields = {
  q: $("q"),
  since: $("since"),
  until: $("until"),
  source: $("source"),
  sort: $("sort"),
};
const views = {
  token: $("token-view"),
  home: $("home-view"),
  results: $("results-view"),
  article: $("article-view"),
};
const numberFormat = new Intl.NumberFormat("zh-CN");

// Only the latest request may draw: an answer that arrives late is dropped.
let generation = 0;
// The author filter has no field of its own (it comes from a shared address).
let author = "";
// Whether the article view was opened from results in this tab (Back can return).
let cameFromResults = false;

// ---- state and address -------------------------------------------------------

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  const state = {};
  for (const key of STATE_KEYS) {
    const value = params.get(key);
    if (value !== null && value.trim() !== "") state[key] = value.trim();
  }
  if (key(state, "q")) state.q = state.q.replace(/\s+/g, " ");
  const compared = params.getAll(COMPARE_KEY).map((v) => v.trim().replace(/\s+/g, " ")).filter(Boolean);
  if (compared.length) state.vs = compared.slice(0, MAX_SERIES - 1);
  return state;
}

function key(state, name) {
  return Object.prototype.hasOwnProperty.call(state, name) && state[name] !== "";
}

function urlFor(state) {
  const params = new URLSearchParams();
  for (const name of STATE_KEYS) {
    if (!key(state, name)) continue;
    if (name === "sort" && state.sort === "relevance") continue;
    if (name === "page" && String(state.page) === "1") continue;
    params.set(name, state[name]);
  }
  for (const value of state.vs || []) params.append(COMPARE_KEY, value);
  const query = params.toString();
  return query ? `/?${query}` : "/";
}

function go(state, { replace = false } = {}) {
  const url = urlFor(state);
  if (replace) history.replaceState(null, "", url);
  else if (url !== location.pathname + location.search) history.pushState(null, "", url);
  render();
}

function stateFromForm() {
  const state = {};
  for (const [name, input] of Object.entries(fields)) {
    const value = input.value.trim();
    if (value) state[name] = name === "q" ? value.replace(/\s+/g, " ") : value;
  }
  if (author) state.author = author;
  // The chart's comparisons and settings stay when the search changes.
  const shown = stateFromUrl();
  for (const name of ["vs", "by", "tc"]) if (key(shown, name)) state[name] = shown[name];
  return state;
}

function fillForm(state) {
  for (const [name, input] of Object.entries(fields)) {
    const value = state[name] || (name === "sort" ? "relevance" : "");
    if (input.value !== value) input.value = value;
  }
  author = state.author || "";
  $("trend-by").value = TREND_PERIODS.includes(state.by) ? state.by : "";
  $("trend-collapse").checked = state.tc === "1";
}

// ---- drawing helpers ---------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
  }
  return node;
}

// `text` with <mark> around each [start, end) range. The ranges count characters
// (Unicode scalar values), so the text is split with Array.from, not by UTF-16 index.
function marked(text, ranges) {
  const chars = Array.from(text);
  const fragment = document.createDocumentFragment();
  let at = 0;
  const sorted = [...(ranges || [])].sort((a, b) => a[0] - b[0]);
  for (const [rawStart, rawEnd] of sorted) {
    const start = Math.max(at, Math.min(rawStart, chars.length));
    const end = Math.max(start, Math.min(rawEnd, chars.length));
    if (start > at) fragment.append(chars.slice(at, start).join(""));
    if (end > start) fragment.append(el("mark", { text: chars.slice(start, end).join("") }));
    at = Math.max(at, end);
  }
  if (at < chars.length) fragment.append(chars.slice(at).join(""));
  return fragment;
}

function show(view) {
  for (const [name, node] of Object.entries(views)) node.hidden = name !== view;
}

function setStatus(message, kind = "", detail = "") {
  const status = $("status");
  status.textContent = message;
  status.title = detail;
  status.className = `status ${kind}`.trim();
}

// ---- the access token ------------------------------------------------------------

const TOKEN_KEY = "baoku-token";

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  } catch (error) {
    return "";
  }
}

function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch (error) {
    // Storage refused (private mode): the token lasts until the page is left.
  }
  memoryToken = token;
  $("signed-in").hidden = !token;
}

let memoryToken = storedToken();
$("signed-in").hidden = !memoryToken;

// Shows the token form; `wrong` when the token sent was refused.
function askForToken(wrong) {
  show("token");
  setStatus("");
  const why = $("token-why");
  why.textContent = wrong
    ? "令牌不正确或已失效，请重新输入。"
    : "此报库需要访问令牌。请输入管理员给您的令牌；它只保存在本标签页中，关闭即清除。";
  why.className = wrong ? "hint wrong" : "hint";
  $("token").value = "";
  $("token").focus();
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("token").value.trim();
  if (!token) return;
  storeToken(token);
  render();
});

$("forget").addEventListener("click", () => {
  storeToken("");
  render();
});

// ---- messages --------------------------------------------------------------------
// The engine's messages are the command line's, in English; the page says each in
// Chinese. One line per message shape of src/search/query (lex.rs, parse.rs),
// src/search/mod.rs and src/serve/api.rs; a message of a shape not listed is shown
// by its kind alone, with the English in its tooltip.
const FIELD_NAMES = { title: "标题", body: "正文", source: "来源", author: "作者", date: "日期" };
const PARAM_NAMES = {
  q: "查询", since: "起始日期", until: "截止日期", source: "来源", author: "作者",
  sort: "排序", limit: "每页条数", offset: "起始位置",
};
const fieldName = (f) => (FIELD_NAMES[f] ? `${f}:（${FIELD_NAMES[f]}）` : `${f}:`);
const at = (n) => `第 ${n} 个字处`;
const MESSAGES = [
  [/^unknown field (.+?): \(did you mean (\w+):\? fields are .+\) at character (\d+)$/,
    (m) => `${at(m[3])}的“${m[1]}:”不是可用的字段，是不是想写 ${fieldName(m[2])}？`],
  [/^date:(.*?) — .*; at character (\d+)$/,
    (m) => `${at(m[2])}的日期“${m[1]}”无法识别；可写作 2022、2022-05、2022-05-17 或 2022年5月17日。`],
  [/^(\w+): needs a value at character (\d+)$/, (m) => `${at(m[2])}的 ${fieldName(m[1])} 后面缺少要查找的内容。`],
  [/^(\w+): has nothing to search for at character (\d+)$/,
    (m) => `${at(m[2])}的 ${fieldName(m[1])} 后面没有可查找的文字。`],
  [/^source: needs an outlet name( at character (\d+))?$/, () => "“source:”（来源）后面缺少媒体名称。"],
  [/^author .*: no name given$/, () => "作者筛选中没有姓名。"],
  [/^the quote (.) at character (\d+) is never closed; read as plain text$/,
    (m) => `${at(m[2])}的引号 ${m[1]} 没有配对，已按普通文字处理。`],
  [/^the distance (\d+) at character (\d+) is more than (\d+); \d+ characters used$/,
    (m) => `${at(m[2])}的距离 ${m[1]} 超过上限，已按 ${m[3]} 个字计算。`],
  [/^(.+?): at character (\d+) is not a field \(fields are .+\); searched as text$/,
    (m) => `${at(m[2])}的“${m[1]}:”不是字段，已按普通文字查找。`],
  [/^NEAR at character (\d+) joins words and quoted phrases only; read as AND$/,
    (m) => `${at(m[1])}的 NEAR 只能连接词语或引号中的短语，已按“同时包含”处理。`],
  [/^(OR|NOT|NEAR\/\d+|it) at character (\d+) .*; left out$/,
    (m) => `${at(m[2])}的 ${m[1] === "it" ? "符号" : m[1]} 用不上，已略去。`],
  [/^source "(.*)" is no outlet of the archive( \(exactly so named\))?; the largest are: (.*)$/,
    (m) => `档案中没有${m[2] ? "名称完全相同的" : ""}来源“${m[1]}”；文章最多的来源：${m[3].replace(/, /g, "、")}。`],
  [/^(\d+) articles match without the filter on (.+); none within it$/,
    (m) => `去掉筛选条件（${m[2].replace(/^source "(.*)"$/, "来源“$1”").replace(/^dates (from |before )?/, "日期 $1")}）后有 ${m[1]} 篇文章，筛选后没有。`],
  [/^(\w+)=(.*?): (.+)$/, (m) => `${PARAM_NAMES[m[1]] || m[1]}“${m[2]}”无效。`],
  [/^unknown parameter|^parameter .* given twice|^missing parameter/, () => "请求的参数有误。"],
];

/** A message of the engine in the page's language. */
function inChinese(message) {
  const text = String(message).replace(/^q: /, "");
  for (const [pattern, say] of MESSAGES) {
    const m = text.match(pattern);
    if (m) return say(m);
  }
  return "查询无法理解。";
}

async function getJson(path) {
  let response;
  const headers = { Accept: "application/json" };
  if (memoryToken) headers.Authorization = `Bearer ${memoryToken}`;
  try {
    response = await fetch(path, { headers });
  } catch (error) {
    throw new Error("无法连接服务器，请稍后再试。");
  }
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    // Not JSON: reported below by status.
  }
  if (!response.ok) {
    const reason = body && typeof body.error === "string" ? body.error : `HTTP ${response.status}`;
    const error = new Error(reason);
    error.status = response.status;
    if (response.status === 401) {
      // The token form replaces the view; the caller has nothing more to show.
      const wrong = Boolean(memoryToken);
      storeToken("");
      askForToken(wrong);
    }
    throw error;
  }
  return body;
}

function metaLine(item) {
  const parts = [];
  if (item.date) parts.push(el("time", { datetime: item.date, text: item.date }));
  if (item.source) parts.push(el("span", { class: "src", text: item.source }));
  if (item.author) parts.push(el("span", { class: "author", text: item.author }));
  const line = el("p", { class: "meta" });
  parts.forEach((part, i) => {
    if (i > 0) line.append(el("span", { class: "dot", "aria-hidden": "true", text: " · " }));
    line.append(part);
  });
  return line;
}

// ---- views -------------------------------------------------------------------

async function render() {
  const state = stateFromUrl();
  fillForm(state);
  const mine = ++generation;
  if (key(state, "article")) return renderArticle(state, mine);
  drawTabs(state);
  if (key(state, "q") && state.view === "kwic") return renderKwic(state, mine);
  if (key(state, "q")) return renderSearch(state, mine);
  return renderHome(mine);
}

async function renderHome(mine) {
  document.title = "报库 · 新闻检索";
  show("home");
  setStatus("");
  try {
    const stats = await getJson("/api/stats");
    if (mine !== generation) return;
    const span = stats.first_date && stats.last_date ? `，${stats.first_date} 至 ${stats.last_date}` : "";
    $("welcome").textContent =
      `本库收录 ${numberFormat.format(stats.articles)} 篇文章${span}，来自 ${numberFormat.format(stats.sources)} 个来源。`;
    fillSources(stats.top_sources.map((s) => s.value));
  } catch (error) {
    if (mine === generation && error.status !== 401) setStatus(error.message, "error");
  }
}

function fillSources(names) {
  const list = $("sources");
  const known = new Set(Array.from(list.options, (o) => o.value));
  for (const name of names) {
    if (name && !known.has(name)) list.append(el("option", { value: name }));
  }
}

async function renderSearch(state, mine) {
  const page = Math.max(1, parseInt(state.page, 10) || 1);
  const offset = Math.min((page - 1) * PAGE_SIZE, MAX_OFFSET);
  const params = new URLSearchParams({ q: state.q, limit: PAGE_SIZE, offset, facets: FACETS });
  for (const name of ["since", "until", "source", "author", "sort"]) {
    if (key(state, name)) params.set(name, state[name]);
  }
  document.title = `${state.q} · 报库`;
  setStatus("正在搜索…", "busy");
  const trend = loadTrend(state);
  let results;
  try {
    results = await getJson(`/api/search?${params}`);
  } catch (error) {
    if (mine !== generation || error.status === 401) return;
    show("results");
    clearResults();
    setStatus(error.status === 400 ? `无法搜索：${inChinese(error.message)}` : `出错了：${error.message}`, "error", error.message);
    return;
  }
  if (mine !== generation) return;
  setStatus("");
  show("results");
  showTab("hits");
  drawSummary(state, results, offset);
  drawHits(state, results.hits);
  drawFacets(state, results.facets);
  drawPager(state, results, page);
  drawActions(state, results);
  if (page > 1 || window.scrollY > 0) window.scrollTo(0, 0);
  const loaded = await trend;
  if (mine === generation) drawTrend(state, loaded);
}

function clearResults() {
  $("summary").replaceChildren();
  $("hits").replaceChildren();
  $("pager").replaceChildren();
  for (const id of ["facet-source", "facet-month"]) $(id).querySelector("ul").replaceChildren();
  $("facets").hidden = true;
  $("trend").hidden = true;
  $("actions").hidden = true;
}

function drawSummary(state, results, offset) {
  const summary = $("summary");
  summary.replaceChildren();
  if (results.total === 0) {
    summary.append(el("strong", { text: "没有找到相关文章。" }), " 试试更少或更常见的词，或放宽筛选条件。");
  } else {
    // A short list of exact matches is followed by articles holding only some of the
    // words: they are not in `total`, so the range counts the exact ones and the
    // others are said apart (never "找到 7 篇" over eight hits).
    const filling = results.mode === "relaxed" ? 0 : results.hits.filter((hit) => hit.partial).length;
    const shown = results.hits.length - filling;
    const first = offset + 1;
    const last = offset + shown;
    summary.append(
      // Past the first thousand matches in relevance order, `total` is a lower bound.
      results.total_is_lower_bound ? `找到至少 ` : `找到 `,
      el("strong", { text: numberFormat.format(results.total) }),
      ` 篇文章`,
      shown ? `，第 ${first}–${last} 条` : "",
      filling ? `；另列 ${filling} 篇只包含部分词语的文章` : "",
      el("span", { class: "took", text: `（${results.took_ms.toFixed(1)} 毫秒）` }),
    );
    if (results.mode === "relaxed") {
      summary.append(el("span", { class: "relaxed", text: "没有包含全部词语的文章；以下文章包含其中最多的词语。" }));
    }
    for (const note of results.notes || []) {
      summary.append(el("span", { class: "relaxed note", title: note, text: inChinese(note) }));
    }
  }
  const chips = el("span", { class: "chips" });
  const chip = (label, without) => {
    chips.append(
      el("button", {
        type: "button",
        class: "chip",
        title: "取消此筛选",
        onclick: () => go({ ...withoutKeys(state, without), page: 1 }),
      }, label, el("span", { "aria-hidden": "true", text: " ×" })),
    );
  };
  if (key(state, "source")) chip(`来源：${state.source}`, ["source"]);
  if (key(state, "author")) chip(`作者：${state.author}`, ["author"]);
  if (key(state, "since") || key(state, "until")) {
    const range = !key(state, "until") ? `${state.since} 起`
      : !key(state, "since") ? `至 ${state.until}`
        : state.since === state.until ? state.since : `${state.since} 至 ${state.until}`;
    chip(`日期：${range}`, ["since", "until"]);
  }
  if (chips.childElementCount) summary.append(chips);
}

function withoutKeys(state, names) {
  const copy = { ...state };
  for (const name of names) delete copy[name];
  delete copy.article;
  return copy;
}

function articleLink(state, id) {
  return urlFor({ ...withoutKeys(state, []), article: id });
}

/** A click that opens `address` in this page (Back returns to the results); with a
 * modifier key or another button the browser opens it as it would. */
function openFromResults(address) {
  return (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    cameFromResults = true;
    history.pushState(null, "", address);
    render();
  };
}

function drawHits(state, hits) {
  const list = $("hits");
  list.replaceChildren();
  let partialShown = false;
  for (const hit of hits) {
    if (hit.partial && !partialShown) {
      partialShown = true;
      list.append(el("li", { class: "partial-heading", text: "以下文章只包含部分词语：" }));
    }
    const title = hit.title
      ? marked(hit.title, hit.title_highlights)
      : document.createTextNode("（无标题）");
    const link = el("a", {
      href: articleLink(state, hit.id),
      class: "title",
      onclick: openFromResults(articleLink(state, hit.id)),
    }, title);
    const item = el("li", { class: "hit" }, el("h2", {}, link), metaLine(hit));
    if (hit.similar > 0) {
      // Opens the article at the list of its story's reprints.
      const reprints = `${articleLink(state, hit.id)}#reprints`;
      item.querySelector(".meta").append(
        el("span", { class: "dot", text: " · " }),
        el("a", {
          href: reprints,
          class: "similar",
          text: `另有 ${hit.similar} 篇转载`,
          onclick: openFromResults(reprints),
        }),
      );
    }
    for (const snippet of hit.snippets) {
      item.append(el("p", { class: "snippet" }, marked(snippet.text, snippet.highlights)));
    }
    list.append(item);
  }
}

function facetList(id, counts, isActive, label, choose) {
  const details = $(id);
  const list = details.querySelector("ul");
  list.replaceChildren();
  const shown = counts.length > FACETS_SHOWN + 2 ? counts.slice(0, FACETS_SHOWN) : counts;
  const add = (entry) => {
    const text = entry.value === null ? label.none : label.value(entry.value);
    const count = el("span", { class: "count", text: numberFormat.format(entry.count) });
    if (entry.value === null) {
      list.append(el("li", { class: "none" }, el("span", { text }), count));
      return;
    }
    const active = isActive(entry.value);
    list.append(el("li", {}, el("button", {
      type: "button",
      class: active ? "facet active" : "facet",
      "aria-pressed": String(active),
      onclick: () => choose(active ? null : entry.value, entry.value),
    }, el("span", { class: "name", text }), count)));
  };
  shown.forEach(add);
  if (shown.length < counts.length) {
    list.append(el("li", {}, el("button", {
      type: "button",
      class: "link more",
      text: `显示全部 ${counts.length} 项`,
      onclick: (event) => {
        event.currentTarget.parentElement.remove();
        counts.slice(shown.length).forEach(add);
      },
    })));
  }
  details.hidden = counts.length === 0;
}

// The facets the page asks /api/search for: the names' lists too.
const FACETS = "source,month,person,place,org";

// The people, places and organisations of the facets aside: a click adds the
// filter (`person:王毅`) to the query, a second click takes it out again.
const NAME_FACETS = [["person", "facet-person"], ["place", "facet-place"], ["org", "facet-org"]];

function nameFacetLists(state, facets) {
  const words = state.q.split(" ").filter((w) => w !== "");
  for (const [kind, id] of NAME_FACETS) {
    const filter = (name) => `${kind}:${name}`;
    facetList(
      id,
      facets[kind] || [],
      (value) => words.includes(filter(value)),
      { none: "", value: (v) => v },
      (value, clicked) => go({
        ...state,
        q: value ? [...words, filter(value)].join(" ") : words.filter((w) => w !== filter(clicked)).join(" "),
        page: 1,
      }),
    );
  }
}

function drawFacets(state, facets) {
  const aside = $("facets");
  const names = facets ? NAME_FACETS.reduce((n, [kind]) => n + (facets[kind] || []).length, 0) : 0;
  if (!facets || facets.source.length + facets.month.length + names === 0) {
    aside.hidden = true;
    return;
  }
  aside.hidden = false;
  fillSources(facets.source.map((f) => f.value));
  facetList(
    "facet-source",
    facets.source,
    (value) => state.source === value,
    { none: "（未注明来源）", value: (v) => v },
    (value) => go({ ...withoutKeys(state, ["source"]), ...(value ? { source: value } : {}), page: 1 }),
  );
  facetList(
    "facet-month",
    facets.month,
    (value) => state.since === value && state.until === value,
    { none: "（无日期）", value: (v) => v.replace(/^(\d{4})-(\d{2})$/, "$1年$2月") },
    (value) => go({
      ...withoutKeys(state, ["since", "until"]),
      ...(value ? { since: value, until: value } : {}),
      page: 1,
    }),
  );
  nameFacetLists(state, facets);
}

function drawPager(state, results, page) {
  const pager = $("pager");
  pager.replaceChildren();
  const offset = (page - 1) * PAGE_SIZE;
  const hasNext = results.hits.length === PAGE_SIZE && offset + PAGE_SIZE < results.total &&
    offset + PAGE_SIZE <= MAX_OFFSET;
  if (page === 1 && !hasNext) return;
  const link = (label, target, rel) => el("a", {
    href: urlFor({ ...state, page: target }),
    rel,
    class: "page",
    onclick: (event) => {
      event.preventDefault();
      go({ ...state, page: target });
    },
  }, label);
  pager.append(page > 1 ? link("‹ 上一页", page - 1, "prev") : el("span", { class: "page off", text: "‹ 上一页" }));
  const pages = Math.ceil(Math.min(results.total, MAX_OFFSET + PAGE_SIZE) / PAGE_SIZE);
  pager.append(el("span", { class: "where", text: `第 ${page} 页 / 约 ${numberFormat.format(pages)} 页` }));
  pager.append(hasNext ? link("下一页 ›", page + 1, "next") : el("span", { class: "page off", text: "下一页 ›" }));
}

// ---- the trend chart: the matches of the query (and of comparisons) over time ------
// Drawn by the page itself as SVG from /api/trend with the search's filters. A click
// on a period, or a drag across several, sets the search's date filter to them (the
// date chip removes it); the chart then redraws over that range with a shorter
// period — it zooms in, so that chart and results always describe the same articles.

const TREND_PERIODS = ["day", "week", "month", "year"];
const PERIOD_NAMES = { day: "日", week: "周", month: "月", year: "年" };
// Comparison series, after the search's bars: a colour (the style sheet's .s1 to .s9,
// for light and dark pages), a marker and a dash each, so that they can be told
// apart without colour.
const SERIES_STYLES = [
  { marker: "circle", dash: "" },
  { marker: "square", dash: "6 3" },
  { marker: "triangle", dash: "2 3" },
  { marker: "diamond", dash: "8 3 2 3" },
  { marker: "cross", dash: "" },
  { marker: "circle-open", dash: "6 3" },
  { marker: "square-open", dash: "2 3" },
  { marker: "triangle-open", dash: "8 3 2 3" },
  { marker: "plus", dash: "" },
];
const SVG_NS = "http://www.w3.org/2000/svg";
// Most periods drawn; past this the chart asks for a longer period.
const MAX_DRAWN_PERIODS = 1500;

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function trendParams(state, by) {
  const params = new URLSearchParams();
  for (const query of [state.q, ...(state.vs || [])]) params.append("q", query);
  params.set("by", by);
  // Every article counts (as the results' total does) unless asked to count a story once.
  params.set("collapse", state.tc === "1" ? "true" : "false");
  for (const name of ["since", "until", "source", "author"]) {
    if (key(state, name)) params.set(name, state[name]);
  }
  return params;
}

/** The trend of the search: by the period asked for, or by one chosen from the span
 * of the matches (by month first, then again by a better period when it is one). */
async function loadTrend(state) {
  try {
    if (TREND_PERIODS.includes(state.by)) {
      return { trend: await getJson(`/api/trend?${trendParams(state, state.by)}`), auto: false };
    }
    const monthly = await getJson(`/api/trend?${trendParams(state, "month")}`);
    const by = autoPeriod(monthly.series[0].points.length);
    if (by === "month") return { trend: monthly, auto: true };
    return { trend: await getJson(`/api/trend?${trendParams(state, by)}`), auto: true };
  } catch (error) {
    return { error };
  }
}

/** The period giving roughly 12 to 60 bars over a span of `months` calendar months. */
function autoPeriod(months) {
  if (months === 0) return "month";
  if (months <= 2) return "day";
  if (months <= 13) return "week";
  if (months <= 60) return "month";
  return "year";
}

const pad = (n) => String(n).padStart(2, "0");
const isoDay = (date) => `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;

/** The Monday and Sunday of ISO week `2022-W20`, as dates. */
function weekDays(period) {
  const [, year, week] = period.match(/^(\d{4})-W(\d{2})$/).map(Number);
  // Week 1 holds 4 January.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4);
  monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() + 6) % 7) + (week - 1) * 7);
  const sunday = new Date(monday);
  sunday.setUTCDate(monday.getUTCDate() + 6);
  return [monday, sunday];
}

/** The since and until of the search's date filter that cover periods `first` to `last`. */
function periodRange(by, first, last) {
  if (by === "week") return [isoDay(weekDays(first)[0]), isoDay(weekDays(last)[1])];
  return [first, last];
}

/** A period as the page says it: 2021年, 2021年3月, 2021年第9周, 2021年3月8日. */
function periodName(by, period) {
  const parts = period.match(/\d+/g).map(Number);
  if (by === "year") return `${parts[0]}年`;
  if (by === "month") return `${parts[0]}年${parts[1]}月`;
  if (by === "week") return `${parts[0]}年第${parts[1]}周`;
  return `${parts[0]}年${parts[1]}月${parts[2]}日`;
}

/** A period as an axis labels it: the year only where it changes. */
function tickName(by, period, previous) {
  const parts = period.match(/\d+/g).map(Number);
  const newYear = !previous || previous.slice(0, 4) !== period.slice(0, 4);
  if (by === "year") return String(parts[0]);
  if (by === "month") return newYear ? `${parts[0]}年${parts[1]}月` : `${parts[1]}月`;
  if (by === "week") return newYear ? `${parts[0]}年${parts[1]}周` : `${parts[1]}周`;
  return newYear ? `${parts[0]}年${parts[1]}月${parts[2]}日` : `${parts[1]}月${parts[2]}日`;
}

/** A round step for about `ticks` gridlines up to `max`. */
function niceStep(max, ticks) {
  const raw = Math.max(max / ticks, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return Math.max(1, Math.round(step));
}

// Drawn in currentColor: the series' class gives the colour.
function marker(kind, x, y, size) {
  const r = size / 2;
  const open = kind.endsWith("-open");
  const shape = kind.replace("-open", "");
  const paint = { fill: "currentColor", stroke: "currentColor", "stroke-width": 1.5, class: open ? "marker open" : "marker" };
  if (shape === "circle") return svg("circle", { cx: x, cy: y, r, ...paint });
  if (shape === "square") return svg("rect", { x: x - r, y: y - r, width: size, height: size, ...paint });
  if (shape === "triangle") return svg("polygon", { points: `${x},${y - r} ${x + r},${y + r} ${x - r},${y + r}`, ...paint });
  if (shape === "diamond") return svg("polygon", { points: `${x},${y - r} ${x + r},${y} ${x},${y + r} ${x - r},${y}`, ...paint });
  const d = shape === "cross"
    ? `M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`
    : `M${x - r},${y}L${x + r},${y}M${x},${y - r}L${x},${y + r}`;
  return svg("path", { d, fill: "none", stroke: "currentColor", "stroke-width": 2, class: "marker" });
}

/** The little picture of a series in the legend: a bar, or its line and marker. */
function swatch(index) {
  const picture = svg("svg", { width: 28, height: 14, viewBox: "0 0 28 14", "aria-hidden": "true", class: "swatch" });
  if (index === 0) {
    picture.append(svg("rect", { x: 8, y: 1, width: 12, height: 13, class: "bar" }));
  } else {
    const style = SERIES_STYLES[(index - 1) % SERIES_STYLES.length];
    picture.classList.add(`s${((index - 1) % SERIES_STYLES.length) + 1}`);
    picture.append(svg("path", { d: "M1,7H27", stroke: "currentColor", "stroke-width": 2, "stroke-dasharray": style.dash, fill: "none" }));
    picture.append(marker(style.marker, 14, 7, 7));
  }
  return picture;
}

let drawnTrend = null;

function drawTrend(state, loaded) {
  drawnTrend = { state, loaded };
  const section = $("trend");
  const plot = $("trend-plot");
  const note = $("trend-note");
  section.hidden = false;
  plot.replaceChildren();
  $("trend-legend").replaceChildren();
  $("trend-table").replaceChildren();
  note.className = "trend-note";
  if (loaded.error) {
    if (loaded.error.status === 401) return;
    note.textContent = `无法绘制时间分布：${loaded.error.status === 400 ? inChinese(loaded.error.message) : loaded.error.message}`;
    note.className = "trend-note error";
    note.title = loaded.error.message;
    return;
  }
  const { trend, auto } = loaded;
  const by = trend.by;
  const points = trend.series[0].points;
  const counting = trend.collapse ? "稿件数（转载只计一次，计在最早一篇的时间段）" : "文章数（含转载）";
  note.textContent = `每${PERIOD_NAMES[by]}的${counting}${auto ? "，时间段按跨度自动选择" : ""}。点击一个时间段或拖过几个，只看其中的文章。`;
  note.title = "";
  drawLegend(state, trend);
  if (points.length === 0) {
    note.textContent = "没有完全包含这些词的带日期文章，无法绘制时间分布。";
    return;
  }
  if (points.length > MAX_DRAWN_PERIODS) {
    note.textContent = `共 ${numberFormat.format(points.length)} 个时间段，太多无法绘制；请选择更长的时间段。`;
    return;
  }
  drawTable(trend);
  drawChart(state, trend, plot);
}

function drawLegend(state, trend) {
  const legend = $("trend-legend");
  trend.series.forEach((series, index) => {
    const item = el("li", { class: "legend-item", "data-query": series.query });
    item.append(swatch(index), el("span", { class: "legend-query", text: series.query }));
    const undated = series.undated ? `，无日期 ${numberFormat.format(series.undated)} 篇` : "";
    item.append(el("span", { class: "legend-total", text: `共 ${numberFormat.format(series.total)} 篇${undated}` }));
    if (index > 0) {
      item.append(el("button", {
        type: "button",
        class: "link remove",
        title: `移除对比：${series.query}`,
        "aria-label": `移除对比：${series.query}`,
        text: "×",
        onclick: () => {
          const rest = (state.vs || []).filter((_, i) => i !== index - 1);
          const next = withoutKeys(state, ["vs"]);
          if (rest.length) next.vs = rest;
          go(next);
        },
      }));
    }
    legend.append(item);
  });
}

/** The numbers of the chart as a table (its text alternative, and for copying). */
function drawTable(trend) {
  const table = el("table", { class: "trend-numbers" });
  const head = el("tr", {}, el("th", { scope: "col", text: "时间段" }));
  for (const series of trend.series) head.append(el("th", { scope: "col", text: series.query }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  trend.series[0].points.forEach((point, i) => {
    const row = el("tr", {}, el("th", { scope: "row", text: periodName(trend.by, point.period) }));
    for (const series of trend.series) row.append(el("td", { text: numberFormat.format(series.points[i].count) }));
    body.append(row);
  });
  table.append(body);
  $("trend-table").append(table);
}

function drawChart(state, trend, plot) {
  const by = trend.by;
  const points = trend.series[0].points;
  const n = points.length;
  const width = Math.max(260, Math.floor(plot.clientWidth || 600));
  const height = width < 480 ? 150 : 190;
  const margin = { left: 44, right: 10, top: 10, bottom: 26 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const band = plotWidth / n;
  const max = Math.max(0, ...trend.series.flatMap((s) => s.points.map((p) => p.count)));
  const step = niceStep(max, height < 180 ? 3 : 4);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const y = (count) => margin.top + plotHeight - (count / top) * plotHeight;
  const x = (i) => margin.left + i * band;
  const summary = trend.series.map((s) => `${s.query}共 ${s.total} 篇`).join("，");
  const chart = svg("svg", {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    class: "trend-chart",
    role: "group",
    "aria-label": `时间分布图，每${PERIOD_NAMES[by]}一栏，${periodName(by, points[0].period)}至${periodName(by, points[n - 1].period)}：${summary}。用左右方向键选择时间段，Shift 加方向键选择几个，回车只看其中的文章；数字见下方数据表。`,
    "data-by": by,
  });
  chart.append(svg("title", { text: `时间分布：${summary}` }));
  // Gridlines and the count axis.
  const grid = svg("g", { class: "grid", "aria-hidden": "true" });
  for (let value = 0; value <= top; value += step) {
    grid.append(svg("line", { x1: margin.left, x2: width - margin.right, y1: y(value), y2: y(value) }));
    grid.append(svg("text", { x: margin.left - 6, y: y(value) + 4, "text-anchor": "end", class: "axis", text: numberFormat.format(value) }));
  }
  chart.append(grid);
  // The period axis: labels at a regular step, as many as fit without touching, the
  // year where it changes (a label's width estimated from its characters at 11 px).
  const labels = svg("g", { class: "labels", "aria-hidden": "true" });
  const textWidth = (text) => Array.from(text).reduce((w, c) => w + (c < "\u0080" ? 6.5 : 11), 0);
  const widest = Math.max(...points.map((p) => textWidth(tickName(by, p.period, null))));
  const every = Math.max(1, Math.ceil((widest + 10) / band));
  let previous = null;
  let end = -Infinity;
  for (let i = 0; i < n; i += every) {
    const text = tickName(by, points[i].period, previous);
    const half = textWidth(text) / 2;
    const center = Math.max(margin.left + half - 4, Math.min(width - half, x(i) + band / 2));
    if (center - half < end + 6) continue;
    labels.append(svg("text", { x: center, y: height - 8, "text-anchor": "middle", class: "axis", text }));
    end = center + half;
    previous = points[i].period;
  }
  chart.append(labels);
  // One column per period: the search's bar, the hit area for the pointer, the focus.
  const columns = svg("g", { class: "periods" });
  const barWidth = Math.min(48, Math.max(1, band * 0.78));
  points.forEach((point, i) => {
    const counts = trend.series.map((s) => `${s.query} ${numberFormat.format(s.points[i].count)} 篇`).join("，");
    const column = svg("g", {
      class: "period",
      role: "button",
      tabindex: i === n - 1 ? 0 : -1,
      "data-index": i,
      "data-period": point.period,
      "aria-label": `${periodName(by, point.period)}：${counts}`,
    });
    column.append(svg("rect", { class: "band", x: x(i), y: margin.top, width: band, height: plotHeight }));
    column.append(svg("rect", {
      class: "bar",
      x: x(i) + (band - barWidth) / 2,
      y: y(point.count),
      width: barWidth,
      height: y(0) - y(point.count),
      "data-count": point.count,
    }));
    column.append(svg("title", { text: `${periodName(by, point.period)}：${counts}` }));
    columns.append(column);
  });
  chart.append(columns);
  // The comparisons, as lines with markers over the bars.
  trend.series.slice(1).forEach((series, k) => {
    const style = SERIES_STYLES[k % SERIES_STYLES.length];
    const line = svg("g", { class: `series s${(k % SERIES_STYLES.length) + 1}`, "data-query": series.query, "aria-hidden": "true" });
    const path = series.points.map((p, i) => `${i ? "L" : "M"}${(x(i) + band / 2).toFixed(1)},${y(p.count).toFixed(1)}`).join("");
    line.append(svg("path", { d: path, fill: "none", stroke: "currentColor", "stroke-width": 2, "stroke-dasharray": style.dash, "stroke-linejoin": "round" }));
    series.points.forEach((p, i) => {
      // Markers where there are matches; the line alone says zero.
      if (p.count === 0) return;
      const dot = marker(style.marker, x(i) + band / 2, y(p.count), Math.min(8, Math.max(4, band * 0.5)));
      dot.setAttribute("data-count", p.count);
      dot.setAttribute("data-period", p.period);
      if (band < 5) dot.setAttribute("visibility", "hidden");
      line.append(dot);
    });
    chart.append(line);
  });
  chart.append(svg("line", { class: "baseline", x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0), "aria-hidden": "true" }));
  const selection = svg("rect", { class: "selection", y: margin.top, height: plotHeight, x: 0, width: 0, visibility: "hidden", "aria-hidden": "true" });
  chart.append(selection);
  plot.append(chart);
  brushing(state, trend, chart, selection, { x, band, margin, n });
}

/** Clicks, drags and keys over the chart: each ends in the search's date filter. */
function brushing(state, trend, chart, selection, { x, band, margin, n }) {
  const points = trend.series[0].points;
  const columns = Array.from(chart.querySelectorAll(".period"));
  const indexAt = (clientX) => {
    const box = chart.getBoundingClientRect();
    const scale = box.width / Number(chart.getAttribute("width"));
    return Math.max(0, Math.min(n - 1, Math.floor((clientX - box.left) / scale / band - margin.left / band)));
  };
  const select = (a, b) => {
    const [first, last] = a <= b ? [a, b] : [b, a];
    selection.setAttribute("x", x(first));
    selection.setAttribute("width", x(last + 1) - x(first));
    selection.setAttribute("visibility", "visible");
    columns.forEach((c, i) => c.setAttribute("aria-pressed", String(i >= first && i <= last)));
  };
  const clear = () => {
    selection.setAttribute("visibility", "hidden");
    columns.forEach((c) => c.removeAttribute("aria-pressed"));
  };
  const apply = (a, b) => {
    const [first, last] = a <= b ? [a, b] : [b, a];
    const [since, until] = periodRange(trend.by, points[first].period, points[last].period);
    // The period is chosen again for the range (a year's bar opens on its months).
    go({ ...withoutKeys(state, ["since", "until", "by", "page"]), since, until });
  };
  let dragFrom = null;
  chart.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    dragFrom = indexAt(event.clientX);
    chart.setPointerCapture(event.pointerId);
    select(dragFrom, dragFrom);
  });
  chart.addEventListener("pointermove", (event) => {
    if (dragFrom !== null) select(dragFrom, indexAt(event.clientX));
  });
  chart.addEventListener("pointerup", (event) => {
    if (dragFrom === null) return;
    const from = dragFrom;
    dragFrom = null;
    apply(from, indexAt(event.clientX));
  });
  chart.addEventListener("pointercancel", () => {
    dragFrom = null;
    clear();
  });
  // The keyboard: one period in the tab order at a time (arrows move it), Shift
  // with an arrow stretches a range from where it started, Enter or Space applies.
  let cursor = n - 1;
  let anchor = null;
  const focus = (i) => {
    columns[cursor].setAttribute("tabindex", -1);
    cursor = Math.max(0, Math.min(n - 1, i));
    columns[cursor].setAttribute("tabindex", 0);
    columns[cursor].focus();
  };
  chart.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: cursor - 1, ArrowRight: cursor + 1, Home: 0, End: n - 1 };
    if (event.key in moves) {
      event.preventDefault();
      if (event.shiftKey) anchor = anchor === null ? cursor : anchor;
      else anchor = null;
      focus(moves[event.key]);
      if (anchor !== null) select(anchor, cursor);
      else clear();
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      apply(anchor === null ? cursor : anchor, cursor);
    } else if (event.key === "Escape") {
      anchor = null;
      clear();
    }
  });
  columns.forEach((column, i) => column.addEventListener("focus", () => {
    if (i !== cursor) focus(i);
  }));
}

$("trend-by").addEventListener("change", (event) => {
  const state = stateFromUrl();
  const next = withoutKeys(state, ["by"]);
  if (event.target.value) next.by = event.target.value;
  go(next);
});

$("trend-collapse").addEventListener("change", (event) => {
  const next = withoutKeys(stateFromUrl(), ["tc"]);
  if (event.target.checked) next.tc = "1";
  go(next);
});

$("compare").addEventListener("submit", (event) => {
  event.preventDefault();
  if (composing) return;
  const input = $("compare-q");
  const query = input.value.trim().replace(/\s+/g, " ");
  const state = stateFromUrl();
  const compared = state.vs || [];
  if (!query || query === state.q || compared.includes(query)) {
    input.value = "";
    return;
  }
  if (compared.length >= MAX_SERIES - 1) {
    setStatus(`最多同时比较 ${MAX_SERIES} 个查询。`, "error");
    return;
  }
  input.value = "";
  go({ ...state, vs: [...compared, query] });
});
$("compare").addEventListener("compositionstart", () => { composing = true; });
$("compare").addEventListener("compositionend", () => { composing = false; });
$("compare").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.isComposing || composing || event.keyCode === 229)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);

// The chart fills its column: drawn again when the window changes width.
let resizing = null;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => {
    if (drawnTrend && !$("trend").hidden) drawTrend(drawnTrend.state, drawnTrend.loaded);
  }, 150);
});

// ---- export: every match of the search as a CSV file ----------------------------

function drawActions(state, results) {
  const actions = $("actions");
  const button = $("export");
  actions.hidden = results.total === 0;
  $("export-status").textContent = "";
  $("export-status").className = "export-status";
  // A relaxed answer has no match as written, and an export holds only those.
  const exportable = results.mode !== "relaxed";
  button.disabled = !exportable;
  button.title = exportable
    ? "下载全部匹配文章（含转载）的 CSV 文件：编号、日期、来源、作者、标题、网址"
    : "没有完全包含这些词的文章可导出";
  button.onclick = () => exportCsv(state);
}

/** The file name a Content-Disposition gives (its UTF-8 filename* first). */
function dispositionName(header) {
  const full = /filename\*=UTF-8''([^;]+)/i.exec(header || "");
  if (full) {
    try {
      return decodeURIComponent(full[1]);
    } catch (error) {
      // Not valid escapes: the plain name below.
    }
  }
  const plain = /filename="([^"]+)"/i.exec(header || "");
  return plain ? plain[1] : "baoku-export.csv";
}

// The file is fetched with the token (a plain link would not carry it) and saved
// from a Blob once it has all arrived; a broken transfer is reported, never saved.
async function exportCsv(state) {
  const params = new URLSearchParams({ q: state.q, format: "csv" });
  for (const name of ["since", "until", "source", "author", "sort"]) {
    if (key(state, name)) params.set(name, state[name]);
  }
  const button = $("export");
  const status = $("export-status");
  const say = (text, kind = "") => {
    status.textContent = text;
    status.className = `export-status ${kind}`.trim();
  };
  const headers = {};
  if (memoryToken) headers.Authorization = `Bearer ${memoryToken}`;
  button.disabled = true;
  say("正在导出…");
  try {
    const response = await fetch(`/api/export?${params}`, { headers });
    if (!response.ok) {
      let reason = `HTTP ${response.status}`;
      try {
        reason = (await response.json()).error || reason;
      } catch (error) {
        // Not JSON: the status says it.
      }
      if (response.status === 401) {
        storeToken("");
        askForToken(true);
        return;
      }
      say(`无法导出：${response.status === 400 ? inChinese(reason) : reason}`, "error");
      return;
    }
    const total = Number(response.headers.get("X-Baoku-Total"));
    say(`正在导出 ${numberFormat.format(total)} 篇文章…`);
    const blob = await response.blob();
    const name = dispositionName(response.headers.get("Content-Disposition"));
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: name, hidden: "" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say(`已导出 ${numberFormat.format(total)} 篇文章（${name}）`);
  } catch (error) {
    say("导出中断：连接出错，文件不完整，未保存。", "error");
  } finally {
    button.disabled = false;
  }
}

// ---- the KWIC tab: every occurrence of the query in its context --------------

function drawTabs(state) {
  const hitsState = withoutKeys(state, ["view", "ksort"]);
  const kwicState = { ...withoutKeys(state, ["page"]), view: "kwic" };
  for (const [id, target, active] of [["tab-hits", hitsState, state.view !== "kwic"], ["tab-kwic", kwicState, state.view === "kwic"]]) {
    const tab = $(id);
    tab.href = urlFor(target);
    tab.classList.toggle("active", active);
    if (active) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
    tab.onclick = (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      go(target);
    };
  }
}

// Shows the hits and pager, or the KWIC lines, in the results view.
function showTab(name) {
  $("hits").hidden = name !== "hits";
  $("pager").hidden = name !== "hits";
  $("kwic").hidden = name !== "kwic";
  if (name === "kwic") {
    $("facets").hidden = true;
    $("trend").hidden = true;
    $("actions").hidden = true;
  }
}

async function renderKwic(state, mine) {
  const sort = ["left", "right"].includes(state.ksort) ? state.ksort : state.sort === "oldest" ? "oldest" : "date";
  const params = new URLSearchParams({ q: state.q, limit: KWIC_LINES, width: KWIC_WIDTH, sort });
  for (const name of ["since", "until", "source", "author"]) {
    if (key(state, name)) params.set(name, state[name]);
  }
  document.title = `${state.q} · 语境 · 报库`;
  setStatus("正在查找…", "busy");
  let answer;
  try {
    answer = await getJson(`/api/kwic?${params}`);
  } catch (error) {
    if (mine !== generation || error.status === 401) return;
    show("results");
    showTab("kwic");
    clearResults();
    $("kwic-lines").replaceChildren();
    setStatus(error.status === 400 ? `无法查找：${inChinese(error.message)}` : `出错了：${error.message}`, "error", error.message);
    return;
  }
  if (mine !== generation) return;
  setStatus("");
  show("results");
  clearResults();
  showTab("kwic");
  const summary = $("summary");
  if (answer.lines.length === 0) {
    summary.append(el("strong", { text: "正文中没有找到这些词。" }));
  } else {
    summary.append(
      `${numberFormat.format(answer.articles)} 篇文章中，`,
      answer.lines.length === KWIC_LINES ? "前 " : "共 ",
      el("strong", { text: numberFormat.format(answer.lines.length) }),
      " 处",
      el("span", { class: "took", text: `（${answer.took_ms.toFixed(1)} 毫秒）` }),
    );
  }
  for (const note of answer.notes || []) {
    summary.append(el("span", { class: "relaxed note", title: note, text: inChinese(note) }));
  }
  for (const button of document.querySelectorAll("#kwic [data-ksort]")) {
    const active = button.dataset.ksort === (state.ksort || "date");
    button.classList.toggle("active", active);
    button.setAttribute("aria-pressed", String(active));
    button.onclick = () => go({ ...state, ksort: button.dataset.ksort });
  }
  // A grid of four columns (where, left, match, right): every match starts in the
  // same column whatever the characters before it, in any font.
  const flat = (text) => text.replace(/\s+/g, " ");
  const lines = $("kwic-lines");
  lines.replaceChildren();
  for (const line of answer.lines) {
    const where = [line.date, line.source].filter(Boolean).join(" ");
    lines.append(el("div", { class: "kwic-line", role: "listitem" },
      el("a", { class: "where", href: articleLink(withoutKeys(state, ["view", "ksort"]), line.id), text: where || "（无日期）" }),
      el("span", { class: "left", text: flat(line.left) }),
      el("mark", { class: "match", text: flat(line.match) }),
      el("span", { class: "right", text: flat(line.right) })));
  }
  // On a narrow screen the lines scroll sideways: start with the matches in view.
  const match = lines.querySelector(".match");
  if (match && lines.scrollWidth > lines.clientWidth) {
    const box = lines.getBoundingClientRect();
    const at = match.getBoundingClientRect();
    lines.scrollLeft = at.left - box.left - (lines.clientWidth - at.width) / 2;
  }
}

async function renderArticle(state, mine) {
  show("article");
  setStatus("正在打开文章…", "busy");
  for (const id of ["a-title", "a-subtitle", "a-meta", "a-body", "a-url", "reprints-list", "similar-list"]) {
    $(id).replaceChildren();
  }
  for (const id of ["a-matches", "reprints", "similar"]) $(id).hidden = true;
  const back = $("back");
  const searchState = withoutKeys(state, []);
  back.hidden = !key(state, "q");
  back.href = urlFor(searchState);
  const id = encodeURIComponent(state.article);
  const query = key(state, "q") ? `?${new URLSearchParams({ q: state.q })}` : "";
  let article;
  try {
    article = await getJson(`/api/articles/${id}${query}`);
  } catch (error) {
    if (mine !== generation || error.status === 401) return;
    setStatus(error.status === 404 ? "找不到这篇文章（它可能已从库中删除）。" : `出错了：${inChinese(error.message)}`, "error");
    return;
  }
  if (mine !== generation) return;
  setStatus("");
  document.title = `${article.title || "（无标题）"} · 报库`;
  const marks = article.highlights || { title: [], subtitle: [], body: [] };
  $("a-title").replaceChildren(article.title ? marked(article.title, marks.title) : "（无标题）");
  $("a-subtitle").replaceChildren(marked(article.subtitle || "", marks.subtitle));
  $("a-subtitle").hidden = !article.subtitle;
  const meta = metaLine(article);
  $("a-meta").replaceChildren(...meta.childNodes);
  if (article.editor) {
    $("a-meta").append(el("span", { class: "dot", text: " · " }), `责任编辑：${article.editor}`);
  }
  const body = $("a-body");
  // Paragraphs are separated by blank lines; a single line break also ends one. The
  // highlights count characters of the whole body: each paragraph takes its share.
  let at = 0;
  for (const line of article.body.split("\n")) {
    const chars = Array.from(line);
    const lead = chars.length - Array.from(line.trimStart()).length;
    const text = line.trim();
    const start = at + lead;
    const end = start + Array.from(text).length;
    if (text) {
      const ranges = marks.body
        .filter(([a, b]) => b > start && a < end)
        .map(([a, b]) => [Math.max(a, start) - start, Math.min(b, end) - start]);
      body.append(el("p", {}, marked(text, ranges)));
    }
    at += chars.length + 1;
  }
  if (article.url && /^https?:\/\//i.test(article.url)) {
    $("a-url").append("原文：", el("a", { href: article.url, rel: "noopener noreferrer", target: "_blank", text: readableUrl(article.url) }));
  }
  matchNavigation();
  relatedList("reprints", article.reprints, state);
  $("reprints-heading").textContent = `本文的转载（${numberFormat.format(article.reprints.length)} 篇）`;
  if (location.hash === "#reprints" && article.reprints.length) $("reprints").scrollIntoView();
  else window.scrollTo(0, 0);
  try {
    const similar = await getJson(`/api/articles/${id}/similar?limit=5`);
    if (mine === generation) relatedList("similar", similar.similar, state);
  } catch (error) {
    // The article is shown; similar articles are a bonus that may fail quietly.
  }
}

/** The list of other articles (reprints, similar ones) under the article. */
function relatedList(name, items, state) {
  const list = $(`${name}-list`);
  list.replaceChildren();
  for (const item of items) {
    const link = el("a", { href: articleLink(state, item.id), text: item.title || "（无标题）" });
    const meta = [item.date, item.source].filter(Boolean).join(" · ");
    list.append(el("li", {}, link, meta ? el("span", { class: "meta", text: ` ${meta}` }) : null));
  }
  $(name).hidden = items.length === 0;
}

/** "第 2 / 8 处" with previous and next buttons over the article's marks. */
function matchNavigation() {
  const found = Array.from(document.querySelectorAll("#article-view mark"));
  const nav = $("a-matches");
  nav.hidden = found.length === 0;
  let current = -1;
  const go = (step) => {
    if (!found.length) return;
    if (current >= 0) found[current].classList.remove("current");
    current = (current + step + found.length) % found.length;
    const mark = found[current];
    mark.classList.add("current");
    mark.scrollIntoView({ block: "center" });
    $("a-match-where").textContent = `第 ${current + 1} / ${found.length} 处`;
  };
  $("a-match-where").textContent = `查询词出现 ${found.length} 处`;
  $("a-prev").onclick = () => go(-1);
  $("a-next").onclick = () => go(1);
  articleKeys = (event) => {
    if (views.article.hidden || event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^(input|textarea|select)$/i.test(event.target.tagName)) return;
    if (event.key === "n") go(1);
    else if (event.key === "p") go(-1);
  };
}

// n and p step through the open article's matches.
let articleKeys = () => {};
document.addEventListener("keydown", (event) => articleKeys(event));

/** An address as people read it: percent-escapes decoded where they spell text. */
function readableUrl(url) {
  try {
    return decodeURI(url);
  } catch (error) {
    return url; // not valid UTF-8 escapes: shown as it is
  }
}

// ---- input ---------------------------------------------------------------------

// Enter that confirms a word in a Chinese input method must not submit the search:
// the browser flags it (isComposing, or keyCode 229 in Safari, which ends the
// composition just before the key event), and the composition events say it too.
let composing = false;
form.addEventListener("compositionstart", () => { composing = true; });
form.addEventListener("compositionend", () => { composing = false; });
form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.isComposing || composing || event.keyCode === 229)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);
// The filter fields sit outside the form element; Enter in them searches too.
for (const name of ["since", "until", "source"]) {
  fields[name].addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit({ force: true });
  });
  fields[name].addEventListener("compositionstart", () => { composing = true; });
  fields[name].addEventListener("compositionend", () => { composing = false; });
  fields[name].addEventListener("change", () => { if (fields.q.value.trim()) submit(); });
}
fields.sort.addEventListener("change", () => { if (fields.q.value.trim()) submit(); });

// Searches what the form says; a field that merely lost focus (`force` false) searches
// only when it changed something.
function submit({ force = false } = {}) {
  if (composing) return;
  const state = stateFromForm();
  if (!key(state, "q")) {
    fields.q.focus();
    return;
  }
  const target = { ...state, page: 1 };
  // A new query in the KWIC tab stays in it.
  const shown = stateFromUrl();
  if (shown.view === "kwic" && !key(shown, "article")) Object.assign(target, { view: "kwic" }, shown.ksort ? { ksort: shown.ksort } : {});
  if (!force && urlFor(target) === location.pathname + location.search) return;
  cameFromResults = false;
  go(target);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit({ force: true });
});

$("clear").addEventListener("click", () => {
  for (const name of ["since", "until", "source"]) fields[name].value = "";
  fields.sort.value = "relevance";
  author = "";
  if (fields.q.value.trim()) submit();
});

$("back").addEventListener("click", (event) => {
  if (cameFromResults && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    cameFromResults = false;
    history.back();
  }
});

$("home").addEventListener("click", (event) => {
  event.preventDefault();
  fields.q.value = "";
  go({});
  fields.q.focus();
});

// On a phone the facet lists start folded, so that the results come first.
if (window.matchMedia("(max-width: 720px)").matches) {
  for (const id of ["facet-source", "facet-month"]) $(id).open = false;
}

window.addEventListener("popstate", () => render());
render();
