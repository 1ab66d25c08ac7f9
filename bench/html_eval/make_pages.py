#!/usr/bin/env python3
"""Writes the evaluation pages in bench/html_eval/written/ (issue 19).

    python3 bench/html_eval/make_pages.py      # rewrites written/*.html and expected.json

Each page is written here in the layout of a kind of real Chinese site: the markup
patterns (class names, where the date, byline and source sit, what surrounds the
article) were taken from how such sites lay out their pages — old portals and
personal blogs of the 2000s (bokee/blogbus-style blogs with archive lists and
comments, Discuz-style forums, overseas portals with month/day/year dates, county
government sites built with table layouts) and current ones (portal articles, news
apps' self-media pages, WeChat articles, provincial and local sites). The article
texts are written for the evaluation (prose.py). Nothing is copied from a real page.

The expected title, date (None when the page states none), author (None when no
writer is credited) and body are exact by construction. The output is deterministic:
running it again writes the same files.

Groups: `old` (portals, blogs, forums of 2003-2009) and `current` (2018-2025 news
sites, self-media, WeChat, local sites).
"""

import json
import random
from html import escape
from pathlib import Path

from prose import ARTICLES, COMMENTS, RELATED

OUT = Path(__file__).resolve().parent / "written"
WEEKDAYS = "一二三四五六日"
AUTHORS = ["张建国", "李晓燕", "王志强", "陈敏", "刘洋", "赵丽华", "周海涛", "吴静"]
EDITORS = ["孙伟", "郑红", "马骏", "何芳"]


def paras(body, tag="p", attrs=""):
    return "\n".join(f"<{tag}{attrs}>{escape(p)}</{tag}>" for p in body)


def page(title_tag, head_extra, body_html):
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
        f"<title>{escape(title_tag)}</title>\n{head_extra}\n</head>\n<body>\n{body_html}\n</body></html>\n"
    )


def nav(names):
    return "<div class=\"nav\">" + " | ".join(f"<a href=\"/{i}/\">{n}</a>" for i, n in enumerate(names)) + "</div>"


def related_list(rng, year, with_dates=True):
    items = []
    for name in RELATED:
        d = f"({year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d})" if with_dates else ""
        items.append(f"<li><a href=\"/n/{rng.randint(1000, 9999)}.html\">{name}</a> {d}</li>")
    return "<div class=\"related\"><h3>相关文章</h3><ul>" + "".join(items) + "</ul></div>"


def archive_list(rng, year):
    rows = []
    for m in range(12, 0, -1):
        rows.append(f"<li><a href=\"/archives/{year}{m:02d}.html\">{year}年{m}月 ({rng.randint(3, 700)})</a></li>")
    return "<div class=\"sidebar\"><h3>文章归档</h3><ul>" + "".join(rows) + "</ul></div>"


def comments_block(rng, year, label="发表于"):
    rows = []
    for c in COMMENTS[: rng.randint(2, 4)]:
        rows.append(
            f"<div class=\"comment\"><p>{c}</p><span>网友 {rng.randint(100, 999)} {label} {year + 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}</span></div>"
        )
    return "<div id=\"comments\"><h3>评论</h3>" + "".join(rows) + "</div>"


# ---------------------------------------------------------------------------------
# Old portals, blogs and forums


def blog_posted_after(rng, art, d, i):
    """A 2000s personal blog: the post's date only below the text (`发表于 …`),
    an archive list with counts in the sidebar, dated comments."""
    title, body = art
    y, m, dd = d
    blog = rng.choice(["听雨轩", "山居笔记", "半亩方塘"])
    form = i % 3
    stamp = [
        f"发表于 {y}年{m}月{dd}日 {rng.randint(8, 23)}:{rng.randint(10, 59)}",
        f"发表于:{y}-{m:02d}-{dd:02d} {rng.randint(10, 23)}:{rng.randint(10, 59)}",
        f"Posted by {blog} at {y}-{m:02d}-{dd:02d} {rng.randint(10, 23)}:{rng.randint(10, 59)}",
    ][form]
    html = page(
        f"{title} - {blog} - 博客",
        "",
        f"<div id=\"header\"><h1 class=\"blogname\">{blog}</h1><p>记录生活点滴</p></div>\n"
        + "<div id=\"main\"><div class=\"post\">"
        + f"<h2 class=\"posttitle\">{escape(title)}</h2>\n<div class=\"postbody\">{paras(body)}</div>\n"
        + f"<div class=\"postfoot\">{stamp} | <a href=\"#c\">评论 ({rng.randint(0, 9)})</a> | 引用通告 | 分类：随笔</div></div>\n"
        + comments_block(rng, y)
        + "</div>\n"
        + archive_list(rng, y + 1),
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": None, "body": "\n".join(body)}


def forum_thread(rng, art, d, i):
    """A Discuz-style thread: `发表于 2005-7-31 12:30` above the first post, replies
    with later dates below it."""
    title, body = art
    y, m, dd = d
    user = rng.choice(AUTHORS)
    replies = "".join(
        f"<table class=\"post\"><tr><td class=\"postauthor\">用户{rng.randint(10, 99)}</td><td><div class=\"postinfo\">发表于 {y}-{m}-{min(dd + k, 28)} {rng.randint(10, 23)}:{rng.randint(10, 59)}</div><div class=\"t_msgfont\">{c}</div></td></tr></table>"
        for k, c in enumerate(COMMENTS[:3], start=1)
    )
    html = page(
        f"{title} - 本地新闻 - 家园论坛 - Powered by Discuz!",
        "<meta name=\"generator\" content=\"Discuz! 6.0.0\">",
        nav(["论坛首页", "本地新闻", "生活", "搜索", "帮助"])
        + f"<div id=\"nav\">家园论坛 » 本地新闻 » {escape(title)}</div>\n"
        + f"<h1>{escape(title)}</h1>"
        + f"<table class=\"post\"><tr><td class=\"postauthor\">{user}<br>帖子 {rng.randint(10, 900)}<br>注册 {y - 2}-3-1</td><td>"
        + f"<div class=\"postinfo\">发表于 {y}-{m}-{dd} {rng.randint(10, 23)}:{rng.randint(10, 59)}  只看该作者</div>"
        + "<div class=\"t_msgfont\">" + "<br><br>".join(escape(p) for p in body) + "</div></td></tr></table>"
        + replies,
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": None, "body": "\n".join(body)}


def overseas_dateline(rng, art, d, i):
    """An overseas Chinese portal: the date only in the first line of the text,
    `【看中国2005年07月03日报道】`, a list of dated links beside it."""
    title, body = art
    y, m, dd = d
    first = f"【看中国{y}年{m:02d}月{dd:02d}日报道】" + body[0]
    html = page(
        f"{title} - 看中国",
        "",
        nav(["首页", "大陆新闻", "国际", "评论", "文化"])
        + "<table width=\"760\"><tr><td width=\"560\" valign=\"top\">"
        + f"<font size=\"5\"><b>{escape(title)}</b></font><br>"
        + f"<p>{escape(first)}</p>" + paras(body[1:])
        + f"<p>(看中国首发) 网址: http://www.example-kzg.com/{y}/{m:02d}/{dd:02d}/a{rng.randint(1000, 9999)}.htm</p>"
        + "</td><td width=\"200\" valign=\"top\">"
        + related_list(rng, y)
        + "</td></tr></table>",
    )
    expected_body = "\n".join([first] + body[1:])
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": None, "body": expected_body}


def mdy_portal(rng, art, d, i):
    """A portal run from abroad: `发布日期： 7/5/2005 9:23:57 PM` (month/day/year)."""
    title, body = art
    y, m, dd = d
    h = rng.randint(1, 12)
    author = AUTHORS[i % len(AUTHORS)]
    html = page(
        f"{title}",
        "",
        nav(["首页", "新闻", "专题", "论坛"])
        + f"<table><tr><td class=\"title\" align=\"center\"><b>{escape(title)}</b></td></tr>"
        + f"<tr><td align=\"center\" class=\"info\">发布日期： {m}/{dd}/{y} {h}:{rng.randint(10, 59)}:{rng.randint(10, 59)} {rng.choice(['AM', 'PM'])}　作者：{author}　点击：{rng.randint(10, 9000)}</td></tr>"
        + f"<tr><td class=\"content\">{paras(body)}</td></tr></table>"
        + "<div class=\"copyright\">版权所有 © 2003-2008 某某信息网</div>",
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": author, "body": "\n".join(body)}


def gov_table(rng, art, d, i):
    """A county government site of the 2000s: table layout, `发布时间：2006-3-15`,
    hits, `【关闭窗口】` links, a list of dated notices below."""
    title, body = art
    y, m, dd = d
    label = ["发布时间：", "日期：", "时间：", "发布日期："][i % 4]
    html = page(
        f"{title}--某某县人民政府",
        "",
        nav(["首页", "政务公开", "办事指南", "政民互动"])
        + "<table width=\"100%\"><tr><td align=\"center\">"
        + f"<span class=\"biaoti\">{escape(title)}</span></td></tr>"
        + f"<tr><td align=\"center\">{label}{y}-{m}-{dd}　　来源：县政府办公室　　点击数：{rng.randint(10, 3000)}</td></tr>"
        + f"<tr><td class=\"zw\">{paras(body)}</td></tr>"
        + "<tr><td align=\"right\">【<a href=\"#\">打印本页</a>】【<a href=\"#\">关闭窗口</a>】</td></tr></table>"
        + related_list(rng, y),
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": None, "body": "\n".join(body)}


def undated_old(rng, art, d, i):
    """An old page that states no date for its article: only its related-article
    list, its archive and its copyright line carry dates. The right answer is none."""
    title, body = art
    y, _, _ = d
    extra = archive_list(rng, y) if i % 2 else related_list(rng, y)
    html = page(
        f"{title}_某某在线",
        "",
        nav(["首页", "新闻", "图片", "论坛"])
        + f"<div class=\"main\"><h1>{escape(title)}</h1><div class=\"text\">{paras(body)}</div></div>"
        + extra
        + f"<div class=\"footer\">Copyright © 2001-{y} 某某在线 All Rights Reserved</div>",
    )
    return html, {"title": title, "date": None, "author": None, "body": "\n".join(body)}


def old_portal_byline(rng, art, d, i):
    """A 2000s portal article: `2005年07月31日 12:30  新浪网` under the headline,
    writer in the first line (`记者 张三 报道`), editor below."""
    title, body = art
    y, m, dd = d
    author = AUTHORS[(i + 3) % len(AUTHORS)]
    editor = EDITORS[i % len(EDITORS)]
    first = f"本报讯（记者 {author}）" + body[0]
    html = page(
        f"{title}_新闻中心_某某网",
        "<meta name=\"keywords\" content=\"新闻\">",
        nav(["新闻中心", "国内", "国际", "社会", "财经"])
        + f"<div class=\"wrap\"><h1 id=\"artibodyTitle\">{escape(title)}</h1>"
        + f"<div class=\"from_info\">{y}年{m:02d}月{dd:02d}日{rng.randint(10, 23):02d}:{rng.randint(10, 59):02d}　某某晚报</div>"
        + f"<div id=\"artibody\"><p>{escape(first)}</p>{paras(body[1:])}</div>"
        + f"<p class=\"editor\">（责任编辑：{editor}）</p></div>"
        + related_list(rng, y),
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": author, "body": "\n".join([first] + body[1:])}


# ---------------------------------------------------------------------------------
# Current news sites, self-media, WeChat, local sites


def portal_current(rng, art, d, i):
    """A current portal article: `2023-10-08 12:00:00　来源: 新华社`, `（原标题：…）` at
    the end of the text, `作者：` and `责任编辑：` apart, a site suffix on `<title>`."""
    title, body = art
    y, m, dd = d
    author = AUTHORS[i % len(AUTHORS)]
    editor = EDITORS[(i + 1) % len(EDITORS)]
    original = f"（原标题：{title[:8]}……）"
    html = page(
        f"{title}_网易新闻",
        "<meta name=\"description\" content=\"" + escape(body[0][:60]) + "\">",
        nav(["首页", "新闻", "体育", "娱乐", "财经", "汽车"])
        + f"<div class=\"post_main\"><h1 class=\"post_title\">{escape(title)}</h1>"
        + f"<div class=\"post_info\">{y}-{m:02d}-{dd:02d} {rng.randint(10, 23):02d}:{rng.randint(10, 59):02d}:{rng.randint(10, 59):02d}　来源: 新华社</div>"
        + f"<div class=\"post_body\">{paras(body)}<p>{original}</p><p class=\"author\">作者：{author}</p></div>"
        + f"<div class=\"post_editor\">责任编辑：{editor}_NN{rng.randint(1000, 9999)}</div></div>"
        + related_list(rng, y)
        + comments_block(rng, y, "发布于"),
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": author, "body": "\n".join(body + [original, f"作者：{author}"])}


def selfmedia_no_year(rng, art, d, i):
    """A news app's self-media page: the visible date has no year (`10-08 12:00`),
    the full time sits in a script variable or a meta tag."""
    title, body = art
    y, m, dd = d
    hh, mm = rng.randint(8, 21), rng.randint(10, 59)
    import calendar

    ts = calendar.timegm((y, m, dd, hh - 8, mm, 0, 0, 0, 0))
    hidden = [
        f"<script>var publishTime = {ts};</script>",
        f"<script>window.__INITIAL_STATE__ = {{\"article\": {{\"publish_time\": \"{y}-{m:02d}-{dd:02d} {hh:02d}:{mm:02d}:00\"}}}};</script>",
        f"<meta itemprop=\"dateUpdate\" content=\"{y}-{m:02d}-{dd:02d} {hh:02d}:{mm:02d}:00\">",
        f"<script>var pubtime = \"{y}-{m:02d}-{dd:02d} {hh:02d}:{mm:02d}\";</script>",
    ][i % 4]
    account = rng.choice(["城市观察者", "财经速递", "乡土志"])
    html = page(
        f"{title}",
        hidden,
        f"<div class=\"article-box\"><h1 class=\"article-title\">{escape(title)}</h1>"
        + f"<div class=\"article-meta\"><span class=\"name\">{account}</span><span class=\"time\">{m:02d}-{dd:02d} {hh:02d}:{mm:02d}</span><span>关注</span></div>"
        + f"<div class=\"article-content\">{paras(body)}</div>"
        + "<div class=\"recommend\"><h3>为你推荐</h3><ul>"
        + "".join(f"<li><a href=\"/a/{k}\">{r}</a><span>{rng.randint(1, 12)}-{rng.randint(1, 28)}</span></li>" for k, r in enumerate(RELATED))
        + "</ul></div></div>",
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": None, "body": "\n".join(body)}


def wechat(rng, art, d, i):
    """A WeChat article: `<em id="publish_time">昨天</em>` filled in by script, the
    creation time in `var ct = "…"`, the writer in `rich_media_meta_text`."""
    title, body = art
    y, m, dd = d
    import calendar

    ts = calendar.timegm((y, m, dd, 2, 30, 0, 0, 0, 0))
    author = AUTHORS[(i + 5) % len(AUTHORS)] if i % 2 == 0 else None
    shown = ["昨天", "前天", "", f"{y}-{m:02d}-{dd:02d}"][i % 4]
    account = rng.choice(["某某发布", "某某日报", "某某文旅"])
    meta = f"<span class=\"rich_media_meta rich_media_meta_text\">{author}</span>" if author else ""
    html = page(
        f"{title}",
        f"<meta property=\"og:title\" content=\"{escape(title)}\"><meta property=\"og:type\" content=\"article\">",
        "<div id=\"js_article\" class=\"rich_media\"><div class=\"rich_media_inner\">"
        + f"<h1 class=\"rich_media_title\" id=\"activity-name\">{escape(title)}</h1>"
        + f"<div id=\"meta_content\" class=\"rich_media_meta_list\">{meta}<span class=\"rich_media_meta rich_media_meta_nickname\" id=\"profileBt\"><a id=\"js_name\">{account}</a></span><em id=\"publish_time\" class=\"rich_media_meta rich_media_meta_text\">{shown}</em></div>"
        + f"<div class=\"rich_media_content\" id=\"js_content\">{paras(body, 'section')}</div>"
        + "<div class=\"rich_media_tool\"><a id=\"js_view_source\">阅读原文</a> 阅读 10万+</div></div></div>"
        + f"<script>var nickname = \"{account}\"; var ct = \"{ts}\"; var msg_title = \"{escape(title)}\";</script>",
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": author, "body": "\n".join(body)}


def split_date(rng, art, d, i):
    """A provincial site whose date is split over elements: `<span>2019</span>
    <span>09/07</span>` beside the headline."""
    title, body = art
    y, m, dd = d
    form = i % 2
    date_html = (
        f"<div class=\"date\"><span class=\"year\">{y}</span><span class=\"md\">{m:02d}/{dd:02d}</span></div>"
        if form == 0
        else f"<div class=\"time\"><p class=\"day\">{m:02d}-{dd:02d}</p><p class=\"yr\">{y}</p></div>"
    )
    html = page(
        f"{title}-某某省人民政府网",
        "",
        nav(["首页", "要闻", "政务公开", "政务服务", "互动交流"])
        + "<div class=\"article\">" + date_html
        + f"<h2 class=\"tit\">{escape(title)}</h2>"
        + f"<div class=\"TRS_Editor\">{paras(body)}</div></div>"
        + related_list(rng, y),
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": None, "body": "\n".join(body)}


def date_below_body(rng, art, d, i):
    """A local news site that prints the date under the text (`发布时间：…` or
    `更新时间：…` alone), with dated related articles after it."""
    title, body = art
    y, m, dd = d
    label = ["发布时间：", "更新时间：", "日期：", "发表时间："][i % 4]
    html = page(
        f"{title} - 纪检",
        "",
        nav(["首页", "工作动态", "纪检", "通知公告"])
        + f"<div class=\"detail\"><h3 class=\"detail-title\">{escape(title)}</h3>"
        + f"<div class=\"detail-body\">{paras(body)}</div>"
        + f"<div class=\"detail-info\">{label}{y}年{m}月{dd}日  浏览次数：{rng.randint(10, 3000)}</div></div>"
        + related_list(rng, y),
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": None, "body": "\n".join(body)}


def yuan_biaoti_first(rng, art, d, i):
    """A reprint whose text opens with `（原标题：…）`; the headline is only in
    `<title>` (with the site's name) and an `h2`."""
    title, body = art
    y, m, dd = d
    author = AUTHORS[(i + 2) % len(AUTHORS)]
    original = f"（原标题：{body[0][:14]}）"
    suffix = ["-EDN 电子技术设计", " - 东区办事处", "_科技_某某网", "|某某新闻"][i % 4]
    html = page(
        f"{title}{suffix}",
        f"<meta name=\"publishdate\" content=\"{y}-{m:02d}-{dd:02d}\">",
        nav(["首页", "资讯", "技术", "社区"])
        + f"<div class=\"content-wrap\"><h2 class=\"art-title\">{escape(title)}</h2>"
        + f"<div class=\"art-info\"><span>文/{author}</span> <span>{y}-{m:02d}-{dd:02d}</span></div>"
        + f"<div class=\"art-text\"><p>{escape(original)}</p>{paras(body)}</div></div>",
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": author, "body": "\n".join([original] + body)}


def title_suffix_only(rng, art, d, i):
    """A section page whose headline is visible only through `<title>` and `og:title`
    with a section suffix (`…-纪检`, `… 东区办事处`), the date in JSON-LD."""
    title, body = art
    y, m, dd = d
    suffix = ["-纪检", " 东区办事处", "-EDN 电子技术设计", "_新闻_某某区政府"][i % 4]
    html = page(
        f"{title}{suffix}",
        f"<script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"datePublished\":\"{y}-{m:02d}-{dd:02d}T09:00:00+08:00\"}}</script>",
        nav(["首页", "动态", "公开"])
        + f"<div class=\"box\"><div class=\"box-title\">{escape(title)}</div>"
        + f"<div class=\"box-body\">{paras(body)}</div></div>",
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": None, "body": "\n".join(body)}


def local_byline(rng, art, d, i):
    """A city paper's site: `记者 张三 通讯员 李四`, `编辑：…　责任编辑：…` and a date
    label all on one line under the headline."""
    title, body = art
    y, m, dd = d
    author = AUTHORS[(i + 1) % len(AUTHORS)]
    editor = EDITORS[(i + 2) % len(EDITORS)]
    html = page(
        f"{title}_某某日报数字报",
        "",
        nav(["首页", "本地", "区县", "民生"])
        + f"<div class=\"article\"><h1>{escape(title)}</h1>"
        + f"<div class=\"info\">发布时间：{y}-{m:02d}-{dd:02d} {rng.randint(6, 22):02d}:{rng.randint(10, 59):02d}　来源：某某日报　责任编辑：{editor}</div>"
        + f"<p class=\"byline\">记者 {author}</p>"
        + f"<div class=\"content\">{paras(body)}</div></div>"
        + comments_block(rng, y),
    )
    return html, {"title": title, "date": f"{y}-{m:02d}-{dd:02d}", "author": author, "body": "\n".join(body)}


def undated_current(rng, art, d, i):
    """A current page with no date for its article (a feature page); the list of
    other articles is dated. The right answer is none."""
    title, body = art
    y, _, _ = d
    html = page(
        f"{title}_专题_某某网",
        "",
        nav(["首页", "专题", "视频"])
        + f"<div class=\"zt\"><h1>{escape(title)}</h1><div class=\"zt-text\">{paras(body)}</div></div>"
        + related_list(rng, y)
        + f"<div class=\"footer\">©{y} 某某网 版权所有</div>",
    )
    return html, {"title": title, "date": None, "author": None, "body": "\n".join(body)}


OLD = [blog_posted_after, forum_thread, overseas_dateline, mdy_portal, gov_table, undated_old, old_portal_byline]
CURRENT = [
    portal_current,
    selfmedia_no_year,
    wechat,
    split_date,
    date_below_body,
    yuan_biaoti_first,
    title_suffix_only,
    local_byline,
    undated_current,
]
PER_LAYOUT = 8


def main():
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.html"):
        old.unlink()
    expected = {}
    for group, layouts, years in [("old", OLD, (2003, 2009)), ("current", CURRENT, (2018, 2025))]:
        for layout in layouts:
            for i in range(PER_LAYOUT):
                rng = random.Random(f"{layout.__name__}-{i}")
                art = ARTICLES[(i * 5 + len(layout.__name__)) % len(ARTICLES)]
                d = (rng.randint(*years), rng.randint(1, 12), rng.randint(1, 28))
                html, e = layout(rng, art, d, i)
                name = f"{group}-{layout.__name__}-{i}.html"
                (OUT / name).write_text(html, "utf-8")
                expected[name] = dict(e, group=group, layout=layout.__name__)
    (OUT / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{len(expected)} pages in {OUT}")


if __name__ == "__main__":
    main()
