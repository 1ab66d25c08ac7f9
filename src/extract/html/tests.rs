//! The HTML extractor's tests: page layouts of Chinese news sites, and inputs that
//! must not make it panic.

use super::*;
use crate::article::Article;
use proptest::prelude::*;

fn extract(html: &str, url: Option<&str>) -> Article {
    extract_html_page(html, url).unwrap_or_else(|e| panic!("{e}: {html}"))
}

fn date(a: &Article) -> Option<String> {
    a.date.map(|d| d.to_string())
}

/// A portal page: navigation, headline, info line, text, share bar, related news,
/// footer — the layout of most Chinese news sites.
const PORTAL: &str = r#"<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>吉林粮食生产再获丰收_地方频道_新华网</title>
<meta name="keywords" content="粮食,吉林">
<link rel="canonical" href="http://www.example.com.cn/local/2022-05/17/c_1128654321.htm">
</head><body>
<div class="top-nav"><a href="/">首页</a> | <a href="/politics/">时政</a> | <a href="/local/">地方</a> | <a href="/world/">国际</a></div>
<div class="header"><div class="logo"><a href="/">新华网</a></div></div>
<div class="crumbs"><a href="/">首页</a> &gt; <a href="/local/">地方</a> &gt; 正文</div>
<div class="main">
  <div class="h-title"><h1>吉林粮食生产再获丰收</h1></div>
  <div class="h-info"><span class="h-time">2022-05-17 08:30:12</span>
<span>来源：<em>吉林日报</em></span></div>
  <div class="share">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div>
  <div id="detail">
<p>　　新华社长春5月17日电（记者 孙翠翠）记者从吉林省农业农村厅获悉，今年全省粮食播种面积稳定在9000万亩以上，春播工作已基本结束。</p>
<p>　　据介绍，今年吉林省推广保护性耕作技术，实施面积达到3000万亩，比去年增加500万亩。</p>
<p><img src="/img/1.jpg"></p>
<p>　　省农业农村厅负责人表示，将继续加强田间管理，确保粮食生产再获丰收。(完)</p>
<p>【责任编辑：王五】</p>
  </div>
  <div class="related"><h3>相关新闻</h3>
<ul><li><a href="/a.htm">长春：春耕生产有序推进</a> 2022-05-16</li>
    <li><a href="/b.htm">吉林出台措施稳定粮食生产</a> 2022-05-15</li>
    <li><a href="/c.htm">黑土地保护利用取得新进展</a> 2022-05-14</li></ul></div>
</div>
<div class="footer"><p>Copyright © 2000-2022 XINHUANET.com All rights reserved.</p>
<p>新华网版权所有，未经书面授权禁止使用 京ICP证010042号</p></div>
<script>var title = "不应出现在正文里";</script>
</body></html>"#;

#[test]
fn portal_layout() {
    let a = extract(PORTAL, None);
    assert_eq!(a.title.as_deref(), Some("吉林粮食生产再获丰收"));
    assert_eq!(date(&a).as_deref(), Some("2022-05-17"));
    assert_eq!(a.source.as_deref(), Some("吉林日报"));
    assert_eq!(a.author.as_deref(), Some("孙翠翠"));
    assert_eq!(a.editor.as_deref(), Some("王五"));
    assert_eq!(
        a.url.as_deref(),
        Some("http://www.example.com.cn/local/2022-05/17/c_1128654321.htm")
    );
    let paragraphs: Vec<&str> = a.body.split('\n').collect();
    assert_eq!(paragraphs.len(), 3, "{}", a.body);
    assert!(
        paragraphs[0].starts_with("新华社长春5月17日电"),
        "{}",
        a.body
    );
    assert!(
        paragraphs[2].ends_with("确保粮食生产再获丰收。"),
        "{}",
        a.body
    );
    for furniture in [
        "首页",
        "分享",
        "相关新闻",
        "长春：春耕",
        "版权所有",
        "ICP",
        "不应出现",
    ] {
        assert!(!a.body.contains(furniture), "{furniture} in {}", a.body);
    }
}

#[test]
fn headline_from_title_when_no_heading_matches() {
    let page = r#"<html><head><title>城市书房开进老街区 - 人民网</title></head><body>
        <div class="content"><p>周末的午后，老街区的城市书房里坐满了读者，孩子们在绘本区安静地翻书。</p>
        <p>这是今年新建的第五家城市书房，市民凭借书卡即可免费借阅。</p></div></body></html>"#;
    let a = extract(page, None);
    assert_eq!(a.title.as_deref(), Some("城市书房开进老街区"));
    assert_eq!(a.date, None);
    assert_eq!(a.source, None);
}

#[test]
fn meta_tags_and_json_ld() {
    let page = r#"<html><head>
        <meta property="og:title" content="海外留学生看两会_教育频道_中国青年网">
        <meta property="og:site_name" content="中国青年网">
        <meta name="author" content="中国青年网">
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
          {"@type":"NewsArticle","headline":"海外留学生看两会","datePublished":"2017-03-10T09:12:00+08:00",
           "author":[{"@type":"Person","name":"崔宁宁"}],"publisher":{"@type":"Organization","name":"中国青年网"}}]}</script>
        </head><body><article><p>出国前后关注点大不同，在采访中，我们了解到不少学子在出国前就每年守在电脑前观看两会直播。</p>
        <p>随着年龄和阅历的增长，学子对两会的关注点在出国前后发生了很大的变化。</p></article></body></html>"#;
    let a = extract(page, None);
    assert_eq!(a.title.as_deref(), Some("海外留学生看两会"));
    assert_eq!(date(&a).as_deref(), Some("2017-03-10"));
    assert_eq!(a.author.as_deref(), Some("崔宁宁"));
    // No 来源 on the page: the site itself is the outlet.
    assert_eq!(a.source.as_deref(), Some("中国青年网"));
}

#[test]
fn svg_titles_are_not_the_page_title() {
    let page = r#"<html><head></head><body><svg><title>关闭</title></svg>
        <div class="content"><p>正文第一段，说明了事情的经过，也给出了数字。</p></div></body></html>"#;
    assert_eq!(extract(page, None).title, None);
}

#[test]
fn published_meta_beats_address_and_visible_date_beats_address() {
    let body = "<div class=\"article\"><p>今年以来，全省累计完成造林面积120万亩，森林覆盖率稳步提高。</p><p>下一步，将持续推进国土绿化行动。</p></div>";
    let page = format!(
        "<html><head><title>造林</title><meta name=\"publishdate\" content=\"2022-05-18\"></head><body>{body}</body></html>"
    );
    let a = extract(&page, Some("http://example.com/2022-05/17/c_1.htm"));
    assert_eq!(date(&a).as_deref(), Some("2022-05-18"));
    let page = format!(
        "<html><head><title>造林</title></head><body><h1>造林</h1><p>发布时间：2022年05月19日 10:00</p>{body}</body></html>"
    );
    let a = extract(&page, Some("http://example.com/2022-05/17/c_1.htm"));
    assert_eq!(date(&a).as_deref(), Some("2022-05-19"));
    let page = format!("<html><head><title>造林</title></head><body>{body}</body></html>");
    let a = extract(&page, Some("http://example.com/2022-05/17/c_1.htm"));
    assert_eq!(date(&a).as_deref(), Some("2022-05-17"));
}

#[test]
fn old_table_layout_with_line_breaks() {
    let page = r#"<html><head><title>县里召开春耕生产会议--某某日报</title></head><body>
        <table width="100%"><tr><td class="nav"><a href="/">首页</a> <a href="/xw/">新闻</a> <a href="/zw/">政务</a> <a href="/fw/">服务</a></td></tr></table>
        <table width="760"><tr><td align="center"><font size="5"><b>县里召开春耕生产会议</b></font></td></tr>
        <tr><td align="center">日期：2019-03-08　　作者：张三　　来源：某某日报</td></tr>
        <tr><td class="text">　　3月7日，县里召开春耕生产工作会议，部署今年春耕生产工作。<br><br>
        　　会议要求，各乡镇要抓好农资供应，确保不误农时。<br>
        　　会议还对防汛抗旱工作作出安排。</td></tr></table>
        <table><tr><td>版权所有：某某日报社　备案号：京ICP备12345678号</td></tr></table>
        </body></html>"#;
    let a = extract(page, None);
    assert_eq!(a.title.as_deref(), Some("县里召开春耕生产会议"));
    assert_eq!(date(&a).as_deref(), Some("2019-03-08"));
    assert_eq!(a.author.as_deref(), Some("张三"));
    assert_eq!(a.source.as_deref(), Some("某某日报"));
    assert_eq!(
        a.body,
        "3月7日，县里召开春耕生产工作会议，部署今年春耕生产工作。\n会议要求，各乡镇要抓好农资供应，确保不误农时。\n会议还对防汛抗旱工作作出安排。"
    );
}

#[test]
fn related_list_inside_the_text_column_and_comments_are_dropped() {
    let page = r#"<html><head><title>新能源汽车销量增长</title></head><body>
        <div class="article-content">
          <p>中国汽车工业协会数据显示，4月新能源汽车销量同比增长44.6%，市场占有率达到25%。</p>
          <p>业内人士认为，随着充电设施不断完善，新能源汽车市场还将保持较快增长。</p>
          <div><a href="/1">充电桩建设提速</a><a href="/2">电池回收体系建设</a><a href="/3">车企加快海外布局</a></div>
        </div>
        <div class="comment-list"><p>网友甲：这个增长速度很快啊，明年我也打算换一辆新能源车。</p>
        <p>网友乙：充电还是不太方便，希望小区里能多装一些充电桩。</p></div>
        </body></html>"#;
    let a = extract(page, None);
    assert!(a.body.ends_with("还将保持较快增长。"), "{}", a.body);
    assert!(!a.body.contains("充电桩建设提速"), "{}", a.body);
    assert!(!a.body.contains("网友"), "{}", a.body);
}

#[test]
fn dates_inside_the_text_are_not_the_publication_date() {
    let page = r#"<html><head><title>大事记</title></head><body><div class="content">
        <p>这一年里，项目建设经历了几个关键节点，各方共同努力，克服了许多困难。</p>
        <p>2019年3月8日</p><p>项目正式开工，首批建设者进场。</p></div></body></html>"#;
    let a = extract(page, None);
    assert_eq!(a.date, None);
    assert!(a.body.contains("2019年3月8日"), "{}", a.body);
}

#[test]
fn fields_marked_by_class_names() {
    // The portal style where the outlet is a link classed `source`, with no label.
    let page = r#"<html><head><title>央行发布数据 | 新浪财经</title>
        <meta property="article:published_time" content="2022-05-17T08:30:00+08:00"></head><body>
        <div class="top-bar"><a href="/">新浪首页</a><a href="/news">新闻</a><a href="/finance">财经</a></div>
        <h1 class="main-title">央行发布数据</h1>
        <div class="date-source"><span class="date">2022年05月17日 08:30</span>
          <a href="http://www.news.cn/" class="source">新华网</a></div>
        <div class="article" id="article">
          <p>　　新华社北京5月17日电 中国人民银行17日发布数据显示，4月末广义货币余额同比增长10.5%。</p>
          <p>　　数据显示，前四个月人民币贷款增加8.34万亿元。</p>
          <p class="article-editor">责任编辑：刘明</p>
        </div>
        <div class="article-bottom"><div class="tags">标签：<a>央行</a><a>货币</a><a>贷款</a></div></div>
        </body></html>"#;
    let a = extract(page, None);
    assert_eq!(a.title.as_deref(), Some("央行发布数据"));
    assert_eq!(date(&a).as_deref(), Some("2022-05-17"));
    assert_eq!(a.source.as_deref(), Some("新华网"));
    assert_eq!(a.editor.as_deref(), Some("刘明"));
    assert_eq!(a.body.split('\n').count(), 2, "{}", a.body);
}

#[test]
fn wechat_style_article() {
    // An empty <title>, the headline in og:title and an <h1>, text in <section>s
    // and <span>s rather than paragraphs.
    let page = r#"<html><head><title></title>
        <meta property="og:title" content="一图读懂今年的惠农政策">
        <meta property="og:site_name" content="微信公众平台"></head><body>
        <div class="rich_media_inner"><h1 class="rich_media_title" id="activity-name">一图读懂今年的惠农政策</h1>
        <div class="rich_media_meta_list"><span class="rich_media_meta rich_media_meta_nickname" id="profileBt">某某农业农村</span>
          <em id="publish_time" class="rich_media_meta rich_media_meta_text">2023-03-02 18:00</em></div>
        <div class="rich_media_content" id="js_content">
          <section><span>今年，中央财政继续加大对农业的支持力度，耕地地力保护补贴直接发放给农民。</span></section>
          <section><span>同时，稻谷、小麦最低收购价保持稳定，玉米大豆生产者补贴继续实施。</span></section>
          <section><span>预览时标签不可点</span></section>
        </div></div>
        <div class="qr_code_pc"><p>微信扫一扫<br>关注该公众号</p></div>
        </body></html>"#;
    let a = extract(page, None);
    assert_eq!(a.title.as_deref(), Some("一图读懂今年的惠农政策"));
    assert_eq!(date(&a).as_deref(), Some("2023-03-02"));
    assert!(a.body.starts_with("今年，中央财政"), "{}", a.body);
    assert!(!a.body.contains("扫一扫"), "{}", a.body);
}

#[test]
fn government_site_layout_with_subtitle() {
    let page = r#"<html><head><title>关于做好春耕工作的通知_某某省人民政府网</title>
        <meta name="PubDate" content="2021-03-08 10:00"><meta name="ContentSource" content="省农业农村厅"></head><body>
        <div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
        <div class="article">
          <h1>关于做好春耕工作的通知</h1>
          <h2 class="sub-title">——各地要抓好农资供应和技术服务</h2>
          <div class="pages-date">2021-03-08 10:00 <span class="font">来源：省农业农村厅</span></div>
          <div class="pages_content"><div class="TRS_Editor">
            <p>各市（州）农业农村局：</p>
            <p>为切实做好今年春耕生产工作，现将有关事项通知如下。</p>
            <p>一、抓好农资供应。各地要加强农资市场监管，保障化肥、种子、农药供应充足。</p>
          </div></div>
          <div class="pages_print"><a href="javascript:window.print()">【打印】</a> <a href="javascript:window.close()">【关闭】</a></div>
        </div></body></html>"#;
    let a = extract(page, None);
    assert_eq!(a.title.as_deref(), Some("关于做好春耕工作的通知"));
    assert_eq!(a.subtitle.as_deref(), Some("各地要抓好农资供应和技术服务"));
    assert_eq!(date(&a).as_deref(), Some("2021-03-08"));
    assert_eq!(a.source.as_deref(), Some("省农业农村厅"));
    assert!(a.body.starts_with("各市（州）农业农村局："), "{}", a.body);
    assert!(!a.body.contains("打印"), "{}", a.body);
    assert!(!a.body.contains("各地要抓好农资"), "{}", a.body);
}

#[test]
fn paragraphs_written_as_divs() {
    // One long paragraph must not make its own <div> the article.
    let page = r#"<html><head><title>城市更新</title></head><body><div class="wrap">
        <div class="box"><div>老城区改造启动以来，已有一百多个小区完成了管网更新、外墙保温和加装电梯等工程，居民的居住条件明显改善，不少老人说，终于不用再爬楼梯了，出门买菜、看病方便多了。</div>
        <div>下一步将继续推进。</div>
        <div>改造资金由财政补助和居民自筹共同承担。</div></div>
        <div class="sidebar-content"><div>热点：本市今年将新建二十所学校，增加学位一万余个，缓解入学压力。</div>
        <div>热点：地铁三号线年底通车，沿线居民出行将更加便捷，通勤时间大大缩短。</div></div>
        </div></body></html>"#;
    let a = extract(page, None);
    assert_eq!(a.body.split('\n').count(), 3, "{}", a.body);
    assert!(a.body.ends_with("共同承担。"), "{}", a.body);
    assert!(!a.body.contains("热点"), "{}", a.body);
}

#[test]
fn source_line_split_over_spans() {
    let page = r#"<html><head><title>标题一</title></head><body>
        <h1>标题一</h1>
        <div class="info"><span>来源：</span><a href="http://www.people.com.cn">人民网</a><span class="time">2023-06-01 10:20</span></div>
        <div class="content"><p>这是正文的第一段，内容足够长，包含了逗号，也包含了句号。</p><p>这是正文的第二段。</p></div>
        </body></html>"#;
    let a = extract(page, None);
    assert_eq!(a.source.as_deref(), Some("人民网"));
    assert_eq!(date(&a).as_deref(), Some("2023-06-01"));
}

#[test]
fn broken_markup_does_not_hide_the_article() {
    // The navigation's <div> is never closed, so the whole page sits inside it.
    let page = r#"<html><head><title>标题二</title></head><body>
        <div class="top-nav"><a href="/">首页</a><a href="/a">新闻</a>
        <div class="content"><p>正文第一段写在这里，说明情况，提供细节，给出数字12.5%。</p>
        <p>正文第二段写在这里，继续说明，引用了“专家”的看法。</p></div>
        </body></html>"#;
    let a = extract(page, None);
    assert!(a.body.starts_with("正文第一段"), "{}", a.body);
    assert!(!a.body.contains("首页"), "{}", a.body);
}

#[test]
fn pages_without_article_text_are_errors() {
    for page in [
        "",
        "<html></html>",
        "<html><body><div class=\"nav\"><a href=\"/\">首页</a></div></body></html>",
        "<script>var a = 1;</script>",
    ] {
        assert!(extract_html_page(page, None).is_err(), "{page}");
    }
}

#[test]
fn deep_nesting_and_huge_inputs_do_not_overflow() {
    let nested = |depth: usize| {
        format!(
            "<html><body>{}<p>深处的正文，仍然可以读出来。</p>{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        )
    };
    let a = extract(&nested(3_000), None);
    assert_eq!(a.body, "深处的正文，仍然可以读出来。");
    let started = std::time::Instant::now();
    assert!(extract_html_page(&nested(200_000), None).is_err());
    assert!(started.elapsed().as_secs() < 5);
    // Unclosed paragraphs and line breaks are not nesting.
    let page = format!(
        "<div class=\"content\">{}</div>",
        "<p>一段话，又一段话。<br>".repeat(20_000)
    );
    assert!(extract_html_page(&page, None).is_ok());
    let page = format!("<p>{}</p>", "很长的一段文字，".repeat(200_000));
    let a = extract(&page, None);
    assert!(a.body.chars().count() > 1_000_000);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}", url in proptest::option::of(".{0,60}")) {
        let _ = extract_html_page(&text, url.as_deref());
    }

    #[test]
    fn arbitrary_markup_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("<div class=\"content\">".to_string()),
                Just("</div>".to_string()),
                Just("<p>".to_string()),
                Just("</p>".to_string()),
                Just("<br>".to_string()),
                Just("<a href=\"/x\">".to_string()),
                Just("</a>".to_string()),
                Just("<h1>".to_string()),
                Just("<title>".to_string()),
                Just("<script type=\"application/ld+json\">{\"headline\":".to_string()),
                Just("<meta name=\"pubdate\" content=\"2022-05-17\">".to_string()),
                Just("来源：".to_string()),
                Just("2022年5月17日".to_string()),
                Just("（责任编辑：王五）".to_string()),
                "[\\u{0}-\\u{ffff}]{0,12}",
            ],
            0..60,
        ),
    ) {
        let _ = extract_html_page(&parts.concat(), Some("http://example.com/2022/05/17/a.html"));
    }
}

/// The article text of the date-kind pages below.
const TEXT: &str = "<p>昨日上午，全市春季义务植树活动在城东生态公园启动，机关干部、驻地官兵、学生和市民志愿者三万余人参加，当天共栽下苗木十二万株。</p><p>市林业局负责人介绍，今年全市计划新增造林面积八千亩，重点在河道两岸、城郊山地和农村房前屋后补植补绿。</p>";

/// A page for each kind of date issue 19 names: where it stands, how it is written,
/// and the dates that belong to something else. `None`: the page states no date of
/// its own, and gets none.
#[test]
fn every_kind_of_stated_date() {
    let comments = "<div class=\"comment\"><p>说得太好了，支持一下！</p><span>网友 发表于 2009-01-02 10:00</span></div>";
    let related = "<div class=\"related\"><h3>相关文章</h3><ul><li><a href=\"/1\">城区新增三处口袋公园</a> (2008-03-04)</li><li><a href=\"/2\">十条公交线路调整</a> (2008-03-05)</li></ul></div>";
    let archive = "<div class=\"sidebar\"><ul><li><a href=\"/a\">2005年9月 (606)</a></li><li><a href=\"/b\">2005年8月 (31)</a></li></ul></div>";
    for (kind, body, expected) in [
        (
            "发表于 under the text of a blog post",
            format!("<div class=\"post\"><h2>植树活动启动</h2><div class=\"postbody\">{TEXT}</div><div class=\"postfoot\">发表于 2004年12月27日 12:40 | <a href=\"#\">评论 (3)</a></div></div>{comments}{archive}"),
            Some("2004-12-27"),
        ),
        (
            "发表于: with a colon",
            format!("<div class=\"post\"><h2>植树活动启动</h2><div class=\"postbody\">{TEXT}</div><p>发表于:2005-07-31 12:30</p></div>{comments}"),
            Some("2005-07-31"),
        ),
        (
            "Posted by … at",
            format!("<div class=\"post\"><h2>植树活动启动</h2><div class=\"entry\">{TEXT}</div><p>Posted by 听雨轩 at 2006-01-15 10:30</p></div>"),
            Some("2006-01-15"),
        ),
        (
            "a forum post: 发表于 beats the registration date",
            format!("<h1>植树活动启动</h1><table><tr><td>张三<br>注册 2003-3-1</td><td><div>发表于 2005-7-31 12:30 只看该作者</div><div class=\"t_msgfont\">{TEXT}</div></td></tr></table>"),
            Some("2005-07-31"),
        ),
        (
            "the dateline in the first line",
            format!("<h1>植树活动启动</h1><div class=\"text\"><p>【看中国2005年07月03日报道】昨日上午，全市春季义务植树活动在城东生态公园启动，三万余人参加。</p>{TEXT}</div>{related}"),
            Some("2005-07-03"),
        ),
        (
            "month/day/year",
            format!("<h1>植树活动启动</h1><div class=\"info\">发布日期： 7/5/2005 9:23:57 PM</div><div class=\"content\">{TEXT}</div>"),
            Some("2005-07-05"),
        ),
        (
            "a date below the text, before the related articles",
            format!("<h3>植树活动启动</h3><div class=\"detail-body\">{TEXT}</div><div class=\"detail-info\">发表时间：2019年11月20日  浏览次数：1511</div>{related}"),
            Some("2019-11-20"),
        ),
        (
            "a date split over elements above the headline",
            format!("<div class=\"date\"><span>2019</span><span>09/07</span></div><h2>植树活动启动</h2><div class=\"TRS_Editor\">{TEXT}</div>"),
            Some("2019-09-07"),
        ),
        (
            "no year shown, the time in a script variable",
            format!("<h1>植树活动启动</h1><div class=\"meta\"><span>10-08 12:00</span></div><div class=\"content\">{TEXT}</div><script>var publishTime = 1696737600;</script>"),
            Some("2023-10-08"),
        ),
        (
            "昨天, resolved by the page's own creation time",
            format!("<h1>植树活动启动</h1><em id=\"publish_time\">昨天</em><div class=\"rich_media_content\">{TEXT}</div><script>var ct = \"1696737600\";</script>"),
            Some("2023-10-08"),
        ),
        (
            "更新时间 when nothing else is stated",
            format!("<h1>植树活动启动</h1><div class=\"info\">更新时间：2021-03-08</div><div class=\"content\">{TEXT}</div>"),
            Some("2021-03-08"),
        ),
        (
            "no date of its own: only comments, related articles and an archive",
            format!("<h1>植树活动启动</h1><div class=\"content\">{TEXT}</div>{related}{comments}{archive}<div class=\"footer\">Copyright © 2001-2008</div>"),
            None,
        ),
        (
            "昨天 with nothing to resolve it",
            format!("<h1>植树活动启动</h1><span class=\"time\">昨天 12:00</span><div class=\"content\">{TEXT}</div>"),
            None,
        ),
    ] {
        let html = format!("<html><head><title>植树活动启动_某某网</title></head><body>{body}</body></html>");
        let a = extract(&html, None);
        assert_eq!(date(&a).as_deref(), expected, "{kind}");
        assert!(a.body.contains("十二万株"), "{kind}: {}", a.body);
        assert!(!a.body.contains("发表时间"), "{kind}: {}", a.body);
    }
}

/// The headline is the `<title>` up to a separator when the page shows that part on
/// its own, whatever the site's name ends with; `（原标题：…）` is never the headline.
#[test]
fn headline_is_the_shown_part_of_the_title() {
    for (title, expected) in [
        ("植树活动启动 - 看中国", "植树活动启动"),
        ("植树活动启动--某某县人民政府", "植树活动启动"),
        ("植树活动启动-EDN 电子技术设计", "植树活动启动"),
        ("植树活动启动-纪检", "植树活动启动"),
    ] {
        let html = format!("<html><head><title>{title}</title></head><body><div class=\"box\"><div>植树活动启动</div><div class=\"text\"><p>（原标题：春季义务植树）</p>{TEXT}</div></div></body></html>");
        let a = extract(&html, None);
        assert_eq!(a.title.as_deref(), Some(expected), "{title}");
    }
}

/// A byline that names the writer bare (WeChat: name, account, date, no label): the
/// one person's name among the line's pieces is the writer — with the date in the
/// line, or right under the headline where a script fills the date in; a line of
/// an account and a date alone names no one, and neither does a line of two names.
#[test]
fn a_bare_name_in_the_byline_is_the_writer() {
    let page = |meta: &str| {
        format!(
            "<html><head><title>植树活动启动</title></head><body><h1 class=\"rich_media_title\">植树活动启动</h1>\
             <div id=\"meta_content\">{meta}</div><div class=\"rich_media_content\">{TEXT}</div></body></html>"
        )
    };
    let span =
        |text: &str| format!("<span class=\"rich_media_meta rich_media_meta_text\">{text}</span>");
    let account = "<span class=\"rich_media_meta_nickname\"><a id=\"js_name\">某某文旅</a></span>";
    let cases = [
        (
            format!("{}{account}{}", span("赵丽华"), span("2023-10-08")),
            Some("赵丽华"),
        ),
        (
            format!("{}{account}<em id=\"publish_time\"></em>", span("吴静")),
            Some("吴静"),
        ),
        (
            format!("{}{account}{}", span("陳敏"), span("昨天")),
            Some("陳敏"),
        ),
        (format!("{account}{}", span("2023-10-08")), None),
        (
            format!("{}{}{}", span("王毅"), span("李强"), span("2023-10-08")),
            None,
        ),
    ];
    for (meta, writer) in cases {
        let a = extract(&page(&meta), None);
        assert_eq!(a.author.as_deref(), writer, "{meta}");
    }
}
