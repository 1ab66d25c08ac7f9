// Lucene 8 peer for baoku's benchmark: index JSON lines, answer queries, time them.
//
// Built and run by bench/peers/run.py against Debian's liblucene8-java jars:
//
//   java LuceneBench index  --analyzer smartcn|cjk --index DIR FILE.jsonl...
//   java LuceneBench batch  --analyzer smartcn|cjk --index DIR --queries FILE
//                           [--limit 10] [--snippets 3|0] [--passes 2] [--mode strict|or] > results.jsonl
//   java LuceneBench search --analyzer smartcn|cjk --index DIR [--limit 10] QUERY
//
// Query semantics mirror baoku's (README "Query syntax", issue 4):
//   * the query is split into words at whitespace and sentence punctuation;
//   * every word is required; a word is a phrase of the tokens the analyzer makes of it
//     (QueryBuilder.createPhraseQuery: one token -> TermQuery, several -> PhraseQuery,
//     so for CJKAnalyzer a word is a phrase of its overlapping bigrams);
//   * a word matches in the title (boost 3, as baoku weights titles 3x) or in the body;
//   * "strict" mode first; when it matches nothing, "relaxed": any token of the whole
//     query in title^3 or body, ranked by BM25 (Lucene's default similarity).
// With --mode or (the question and topical sets) the query is only the "relaxed" one:
// any analysed token of the whole text, ranked by BM25, which is what a Lucene user gets
// from the classic QueryParser with its default OR operator.
// took_ms covers building the query, searching (exact total, as baoku reports an exact
// total), loading the stored fields of the hits and highlighting snippets with the
// UnifiedHighlighter (offsets stored in the postings, sentence passages, up to 3 per
// hit); printing is not included.
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollector;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;

public final class LuceneBench {
    // 3x like baoku for keyword queries. With --mode or (questions, tags) the title is not
    // boosted: measured on qa_cctv, a 3x title boost halves an OR query's MRR@10 (0.35
    // against 0.66), because the common tokens of a question (是谁, 什么) then win in short
    // titles. -Dbench.titleBoost / -Dbench.orTitleBoost override the two for diagnostics.
    static final float TITLE_BOOST = Float.parseFloat(System.getProperty("bench.titleBoost", "3.0"));
    static final float OR_TITLE_BOOST = Float.parseFloat(System.getProperty("bench.orTitleBoost", "1.0"));
    static final String[] STORED_ONLY = {"date", "source", "author", "url"};

    public static void main(String[] argv) throws Exception {
        if (argv.length < 1) usage();
        String cmd = argv[0];
        Map<String, String> opts = new HashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < argv.length; i++) {
            if (argv[i].startsWith("--")) {
                if (i + 1 >= argv.length) usage();
                opts.put(argv[i].substring(2), argv[++i]);
            } else {
                rest.add(argv[i]);
            }
        }
        String indexDir = opts.get("index");
        if (indexDir == null) usage();
        Analyzer analyzer = analyzer(opts.getOrDefault("analyzer", "smartcn"));
        switch (cmd) {
            case "index":
                index(analyzer, Paths.get(indexDir), rest, Integer.parseInt(opts.getOrDefault("threads", "2")),
                        Double.parseDouble(opts.getOrDefault("ram-mb", "256")));
                break;
            case "batch":
                batch(analyzer, Paths.get(indexDir), Paths.get(opts.get("queries")),
                        Integer.parseInt(opts.getOrDefault("limit", "10")),
                        Integer.parseInt(opts.getOrDefault("snippets", "3")),
                        Integer.parseInt(opts.getOrDefault("passes", "2")),
                        "or".equals(opts.getOrDefault("mode", "strict")));
                break;
            case "search":
                if (rest.size() != 1) usage();
                oneShot(analyzer, Paths.get(indexDir), rest.get(0), Integer.parseInt(opts.getOrDefault("limit", "10")));
                break;
            default:
                usage();
        }
    }

    static void usage() {
        System.err.println("usage: LuceneBench index|batch|search --analyzer smartcn|cjk --index DIR ...");
        System.exit(2);
    }

    static Analyzer analyzer(String name) {
        switch (name) {
            case "smartcn":
                return new SmartChineseAnalyzer();
            case "cjk":
                return new CJKAnalyzer();
            default:
                throw new IllegalArgumentException("unknown analyzer " + name);
        }
    }

    // ---------------------------------------------------------------- indexing

    static final List<String> EOF = new ArrayList<>();

    static void index(Analyzer analyzer, Path dir, List<String> files, int threads, double ramMb) throws Exception {
        long t0 = System.nanoTime();
        IndexWriterConfig cfg = new IndexWriterConfig(analyzer);
        cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        cfg.setRAMBufferSizeMB(ramMb);
        AtomicLong docs = new AtomicLong();
        try (FSDirectory fsd = FSDirectory.open(dir); IndexWriter writer = new IndexWriter(fsd, cfg)) {
            // The main thread reads lines; `threads` workers parse JSON and analyse.
            BlockingQueue<List<String>> queue = new ArrayBlockingQueue<>(64);
            List<Thread> workers = new ArrayList<>();
            final Exception[] failure = new Exception[1];
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    try {
                        while (true) {
                            List<String> batch = queue.take();
                            if (batch == EOF) break;
                            for (String line : batch) {
                                writer.addDocument(toDocument(Json.parseFlat(line)));
                                docs.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        synchronized (failure) {
                            failure[0] = e;
                        }
                    }
                });
                w.start();
                workers.add(w);
            }
            for (String f : files) {
                try (BufferedReader r = Files.newBufferedReader(Paths.get(f), StandardCharsets.UTF_8)) {
                    List<String> batch = new ArrayList<>(256);
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.isBlank()) continue;
                        batch.add(line);
                        if (batch.size() == 256) {
                            queue.put(batch);
                            batch = new ArrayList<>(256);
                        }
                    }
                    if (!batch.isEmpty()) queue.put(batch);
                }
            }
            for (int t = 0; t < threads; t++) queue.put(EOF);
            for (Thread w : workers) w.join();
            if (failure[0] != null) throw failure[0];
            writer.commit();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "{\"docs\": %d, \"seconds\": %.3f}%n", docs.get(), secs);
    }

    // Stored, with offsets in the postings, so that the UnifiedHighlighter reads the
    // offsets instead of analysing every hit's text again (the fast way to highlight).
    static final FieldType TEXT_WITH_OFFSETS = new FieldType(TextField.TYPE_STORED);

    static {
        TEXT_WITH_OFFSETS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        TEXT_WITH_OFFSETS.freeze();
    }

    static Document toDocument(Map<String, String> rec) {
        Document doc = new Document();
        doc.add(new StringField("id", nz(rec.get("id")), Field.Store.YES));
        doc.add(new Field("title", nz(rec.get("title")), TEXT_WITH_OFFSETS));
        doc.add(new Field("body", nz(rec.get("body")), TEXT_WITH_OFFSETS));
        for (String f : STORED_ONLY) {
            String v = rec.get(f);
            if (v != null) doc.add(new StoredField(f, v));
        }
        return doc;
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }

    // ---------------------------------------------------------------- searching

    static final class Searcher {
        final IndexSearcher searcher;
        final QueryBuilder builder;
        final UnifiedHighlighter highlighter;

        Searcher(Analyzer analyzer, Path dir) throws IOException {
            searcher = new IndexSearcher(DirectoryReader.open(FSDirectory.open(dir)));
            builder = new QueryBuilder(analyzer);
            highlighter = new UnifiedHighlighter(searcher, analyzer);
            // The faster configuration, measured: the query's terms are highlighted
            // wherever they occur instead of checking phrase positions, and passages are
            // whole sentences (a LengthGoalBreakIterator of ~80 characters cost ~2 ms
            // more per query on this machine).
            highlighter.setHighlightPhrasesStrictly(false);
        }

        static List<String> words(String query) {
            List<String> out = new ArrayList<>();
            for (String w : query.split("[\\s\\u3000，。！？；、,.!?;:：]+")) {
                if (!w.isEmpty()) out.add(w);
            }
            return out;
        }

        Query fieldOr(Query title, Query body) {
            return fieldOr(title, body, TITLE_BOOST);
        }

        Query fieldOr(Query title, Query body, float titleBoost) {
            if (title == null && body == null) return null;
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            if (title != null) b.add(titleBoost == 1.0f ? title : new BoostQuery(title, titleBoost), BooleanClause.Occur.SHOULD);
            if (body != null) b.add(body, BooleanClause.Occur.SHOULD);
            return b.build();
        }

        Query strict(String query) {
            BooleanQuery.Builder all = new BooleanQuery.Builder();
            int n = 0;
            for (String w : words(query)) {
                Query q = fieldOr(builder.createPhraseQuery("title", w), builder.createPhraseQuery("body", w));
                if (q != null) {
                    all.add(q, BooleanClause.Occur.MUST);
                    n++;
                }
            }
            return n == 0 ? null : all.build();
        }

        Query relaxed(String query) {
            return relaxed(query, TITLE_BOOST);
        }

        Query relaxed(String query, float titleBoost) {
            String text = String.join(" ", words(query));
            return fieldOr(builder.createBooleanQuery("title", text, BooleanClause.Occur.SHOULD),
                    builder.createBooleanQuery("body", text, BooleanClause.Occur.SHOULD), titleBoost);
        }

        Result run(String query, int limit, int snippets) throws IOException {
            return run(query, limit, snippets, false);
        }

        Result run(String query, int limit, int snippets, boolean orMode) throws IOException {
            Result r = new Result();
            Query q = orMode ? relaxed(query, OR_TITLE_BOOST) : strict(query);
            r.mode = orMode ? "or" : "all";
            TopDocs top = q == null ? null : search(q, limit);
            if (!orMode && (top == null || top.totalHits.value == 0)) {
                q = relaxed(query);
                r.mode = "relaxed";
                top = q == null ? null : search(q, limit);
            }
            if (top == null) return r;
            r.total = top.totalHits.value;
            String[] titleHl = null, bodyHl = null;
            if (snippets > 0 && top.scoreDocs.length > 0) {
                titleHl = highlighter.highlight("title", q, top, 1);
                bodyHl = highlighter.highlight("body", q, top, snippets);
            }
            for (int i = 0; i < top.scoreDocs.length; i++) {
                ScoreDoc sd = top.scoreDocs[i];
                Document d = searcher.doc(sd.doc);
                Hit h = new Hit();
                h.id = d.get("id");
                h.title = d.get("title");
                h.date = d.get("date");
                h.source = d.get("source");
                h.score = sd.score;
                if (titleHl != null) h.titleHl = titleHl[i];
                if (bodyHl != null) h.snippet = bodyHl[i];
                r.hits.add(h);
            }
            return r;
        }

        TopDocs search(Query q, int limit) throws IOException {
            TopScoreDocCollector c = TopScoreDocCollector.create(limit, Integer.MAX_VALUE);
            searcher.search(q, c);
            return c.topDocs();
        }
    }

    static final class Hit {
        String id, title, date, source, titleHl, snippet;
        float score;
    }

    static final class Result {
        long total;
        String mode;
        List<Hit> hits = new ArrayList<>();
    }

    static void batch(Analyzer analyzer, Path dir, Path queries, int limit, int snippets, int passes, boolean orMode) throws Exception {
        Searcher s = new Searcher(analyzer, dir);
        List<String[]> qs = new ArrayList<>();
        for (String line : Files.readAllLines(queries, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            int tab = line.indexOf('\t');
            qs.add(tab < 0 ? new String[] {String.valueOf(qs.size() + 1), line} : new String[] {line.substring(0, tab), line.substring(tab + 1)});
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        // Earlier passes warm the JIT and the page cache; only the last one is written.
        for (int pass = 1; pass <= passes; pass++) {
            StringBuilder sb = new StringBuilder();
            for (String[] q : qs) {
                long t0 = System.nanoTime();
                Result r = s.run(q[1], limit, snippets, orMode);
                double took = (System.nanoTime() - t0) / 1e6;
                if (pass < passes) continue;
                sb.setLength(0);
                sb.append("{\"qid\":").append(Json.str(q[0])).append(",\"query\":").append(Json.str(q[1]))
                        .append(",\"total\":").append(r.total).append(",\"mode\":").append(Json.str(r.mode))
                        .append(",\"took_ms\":").append(String.format(Locale.ROOT, "%.4f", took)).append(",\"hits\":[");
                for (int i = 0; i < r.hits.size(); i++) {
                    if (i > 0) sb.append(',');
                    sb.append(Json.str(r.hits.get(i).id));
                }
                sb.append("]}");
                out.println(sb);
            }
        }
        out.flush();
    }

    static void oneShot(Analyzer analyzer, Path dir, String query, int limit) throws Exception {
        Searcher s = new Searcher(analyzer, dir);
        Result r = s.run(query, limit, 3);
        StringBuilder sb = new StringBuilder();
        sb.append("{\"query\":").append(Json.str(query)).append(",\"total\":").append(r.total)
                .append(",\"mode\":").append(Json.str(r.mode)).append(",\"hits\":[");
        for (int i = 0; i < r.hits.size(); i++) {
            Hit h = r.hits.get(i);
            if (i > 0) sb.append(',');
            sb.append("{\"id\":").append(Json.str(h.id)).append(",\"title\":").append(Json.str(h.titleHl != null ? h.titleHl : h.title))
                    .append(",\"date\":").append(Json.str(h.date)).append(",\"source\":").append(Json.str(h.source))
                    .append(",\"score\":").append(h.score).append(",\"snippet\":").append(Json.str(h.snippet)).append('}');
        }
        sb.append("]}");
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        out.println(sb);
        System.exit(r.total > 0 ? 0 : 1);
    }

    // ---------------------------------------------------------------- JSON

    /** Just enough JSON for flat objects of strings, numbers, booleans and nulls. */
    static final class Json {
        static Map<String, String> parseFlat(String s) {
            Map<String, String> m = new HashMap<>();
            int[] pos = {skip(s, 0)};
            expect(s, pos, '{');
            pos[0] = skip(s, pos[0]);
            if (s.charAt(pos[0]) == '}') return m;
            while (true) {
                pos[0] = skip(s, pos[0]);
                String key = string(s, pos);
                pos[0] = skip(s, pos[0]);
                expect(s, pos, ':');
                pos[0] = skip(s, pos[0]);
                char c = s.charAt(pos[0]);
                String val;
                if (c == '"') {
                    val = string(s, pos);
                } else {
                    int start = pos[0];
                    while (pos[0] < s.length() && ",} \t\r\n".indexOf(s.charAt(pos[0])) < 0) pos[0]++;
                    String lit = s.substring(start, pos[0]);
                    val = lit.equals("null") ? null : lit;
                }
                m.put(key, val);
                pos[0] = skip(s, pos[0]);
                char sep = s.charAt(pos[0]++);
                if (sep == '}') return m;
                if (sep != ',') throw new IllegalArgumentException("bad JSON at " + (pos[0] - 1));
            }
        }

        static int skip(String s, int i) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
            return i;
        }

        static void expect(String s, int[] pos, char c) {
            if (s.charAt(pos[0]) != c) throw new IllegalArgumentException("expected " + c + " at " + pos[0]);
            pos[0]++;
        }

        static String string(String s, int[] pos) {
            expect(s, pos, '"');
            StringBuilder sb = new StringBuilder();
            int i = pos[0];
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') break;
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': sb.append('\n'); break;
                    case 't': sb.append('\t'); break;
                    case 'r': sb.append('\r'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u':
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default: sb.append(e); // " \ /
                }
            }
            pos[0] = i;
            return sb.toString();
        }

        static String str(String s) {
            if (s == null) return "null";
            StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    default:
                        if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                        else sb.append(c);
                }
            }
            return sb.append('"').toString();
        }
    }
}
