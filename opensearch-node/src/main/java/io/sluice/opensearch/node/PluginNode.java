package io.sluice.opensearch.node;

import java.util.Collection;
import org.opensearch.env.Environment;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * A {@link Node} with its plugins given as classes: the bootstrap path that loads plugins from a folder is not used,
 * so the node runs from plain Maven jars.
 */
final class PluginNode extends Node {
    PluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(environment, plugins, true);
    }
}
