package baoku.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch 2.19 node for baoku's tests, started in-process from the jars on the
 * class path (no distribution, no plugin folder): the Netty4 transport/HTTP plugin and
 * the common analysis plugin (cjk_width, cjk_bigram, ...) are loaded as classpath plugins.
 *
 * <pre>
 *   java -cp CP baoku.cluster.ClusterNode HOME [setting=value ...]
 *   java -cp CP baoku.cluster.ClusterNode --free-ports N     (prints N free loopback ports)
 * </pre>
 *
 * HOME holds everything of this node (config/, data/, logs/, tmp); the settings given on the
 * command line (node.name, http.port, transport.port, discovery.seed_hosts,
 * cluster.initial_cluster_manager_nodes, ...) are laid over test defaults below.
 * The node runs until the process gets SIGTERM/SIGINT, then closes cleanly.
 */
public final class ClusterNode {

    /** Node's constructor that takes classpath plugins is protected: open it here. */
    static final class PluginNode extends Node {
        PluginNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
            super(env, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("--free-ports")) {
            freePorts(args.length > 1 ? Integer.parseInt(args[1]) : 1);
            return;
        }
        if (args.length < 1) {
            System.err.println("usage: ClusterNode HOME [setting=value ...] | --free-ports N");
            System.exit(2);
        }
        Path home = Paths.get(args[0]).toAbsolutePath();
        Files.createDirectories(home.resolve("config"));
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));

        Settings.Builder b = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "baoku-test")
            .put("network.host", "127.0.0.1")
            // node.portsfile: OpenSearch writes logs/http.ports and logs/transport.ports once bound
            .put("node.portsfile", true)
            // a test machine may have little free disk: never block allocation or writes on it
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("bootstrap.memory_lock", false)
            .put("action.auto_create_index", true)
            .put("http.cors.enabled", false)
            // keep the node small beside other work
            .put("thread_pool.write.queue_size", 1000)
            .put("indices.memory.index_buffer_size", "20%");
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("not a setting=value: " + args[i]);
                System.exit(2);
            }
            b.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Settings settings = b.build();

        Path log4j = home.resolve("config").resolve("log4j2.properties");
        if (!Files.exists(log4j)) {
            try (InputStream in = ClusterNode.class.getResourceAsStream("log4j2.properties")) {
                Files.copy(in, log4j);
            }
        }
        Environment env = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), home.resolve("config"), () -> settings.get("node.name", "node"));
        // config/log4j2.properties logs to the console (the start script sends it to a file).
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(env.settings()));
        LogConfigurator.configure(env);
        List<Class<? extends Plugin>> plugins = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);
        Node node = new PluginNode(env, plugins);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (IOException | RuntimeException e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }, "baoku-node-shutdown"));
        node.start();
        System.out.println("baoku ClusterNode started: " + settings.get("node.name"));
        stopped.await();
    }

    private static void freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                out.append(i == 0 ? "" : " ").append(sockets[i].getLocalPort());
            }
            System.out.println(out);
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) s.close();
            }
        }
    }
}
