package io.sluice.opensearch.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: one real embedded node per test JVM, started on first use on free ports with its data under
 * {@code target/}, stopped when the test run ends. Test methods and constructors receive it as an
 * {@link EmbeddedOpenSearch} parameter:
 *
 * <pre>{@code @ExtendWith(OpenSearchExtension.class)
 * class StoreTest {
 *     StoreTest(EmbeddedOpenSearch node) { ... }
 * }}</pre>
 */
public final class OpenSearchExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OpenSearchExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedOpenSearch.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The root store outlives every test class, so all classes in this JVM share one node.
        return context.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent(RunningNode.class, key -> new RunningNode(), RunningNode.class).node;
    }

    /** Closed by JUnit when the root context closes, at the end of the run. */
    private static final class RunningNode implements ExtensionContext.Store.CloseableResource {
        private final EmbeddedOpenSearch node;

        RunningNode() {
            try {
                Path target = Path.of("target");
                Files.createDirectories(target);
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
