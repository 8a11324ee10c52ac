package io.sluice.opensearch.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: one real embedded node per test JVM, started on first use on free ports with its data under
 * {@code target/}, stopped when the test run ends. Test constructors and methods receive it as an
 * {@link EmbeddedOpenSearch} parameter, or an {@code OpenSearchClient} connected to it:
 *
 * <pre>{@code @ExtendWith(OpenSearchExtension.class)
 * class StoreTest {
 *     StoreTest(OpenSearchClient client) { ... }
 * }}</pre>
 */
public final class OpenSearchExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OpenSearchExtension.class);
    private static final String CLIENT_TYPE = "org.opensearch.client.opensearch.OpenSearchClient";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        // By name: tests that never ask for a client need not have the client on their classpath.
        return type == EmbeddedOpenSearch.class || type.getName().equals(CLIENT_TYPE);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The root store outlives every test class, so all classes in this JVM share one node and one client.
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        RunningNode node = store.getOrComputeIfAbsent(RunningNode.class, key -> new RunningNode(), RunningNode.class);
        if (parameter.getParameter().getType() == EmbeddedOpenSearch.class) {
            return node.node;
        }
        return store.getOrComputeIfAbsent(TestClient.class, key -> new TestClient(node.node.httpUri()), TestClient.class)
            .client;
    }

    /** Closed by JUnit when the root context closes, at the end of the run. */
    private static final class RunningNode implements ExtensionContext.Store.CloseableResource {
        private final EmbeddedOpenSearch node;

        RunningNode() {
            try {
                Path target = Files.createDirectories(Path.of("target"));
                node = EmbeddedOpenSearch.builder(Files.createTempDirectory(target, "opensearch-test-"))
                    .httpPort("0").transportPort("0").start();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            node.close();
        }
    }
}
