package io.sluice.scheduler.internal;

import io.sluice.task.spi.TaskDefinition;
import io.sluice.task.TaskTypeInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whiteboard of {@link TaskDefinition} services: which task types this node can run right now.
 *
 * <p>When two services claim one type, the one registered first (lowest service id) wins; the other is logged and
 * waits, and takes over if the first goes away.
 */
@Component(service = TaskTypes.class)
public final class TaskTypes {

    private static final Logger LOG = LoggerFactory.getLogger(TaskTypes.class);
    private static final Pattern TYPE_ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,99}");

    /** One registered definition, with the bundle that provides it. */
    record Registered(TaskDefinition<?, ?> definition, long serviceId, String bundle, long bundleId) {
        TaskTypeInfo info() {
            return new TaskTypeInfo(definition.type(), definition.description(), bundle, bundleId,
                definition.paramsType().getName(), definition.timeout(), definition.maxAttempts());
        }
    }

    /** Told when a type becomes available, and when the definition that runs it goes away. */
    interface Listener {
        void available(String type);

        void withdrawn(TaskDefinition<?, ?> definition);
    }

    // Guarded by this; candidates per type in registration order, the first is active.
    private final Map<String, List<Registered>> byType = new TreeMap<>();
    private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final PluginJson json = new PluginJson();

    /** The JSON binding of the plugins' params and results, which forgets a plugin's classes when its type goes. */
    PluginJson json() {
        return json;
    }

    void addListener(Listener listener) {
        listeners.add(listener);
    }

    void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, service = TaskDefinition.class)
    void bind(TaskDefinition<?, ?> definition, ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        register(definition, (Long) reference.getProperty(Constants.SERVICE_ID), bundle.getSymbolicName(), bundle.getBundleId());
    }

    void unbind(TaskDefinition<?, ?> definition) {
        unregister(definition);
    }

    /** Adds a definition; the whiteboard calls this, and so do tests outside OSGi. */
    public void register(TaskDefinition<?, ?> definition, long serviceId, String bundle, long bundleId) {
        String type = definition.type();
        if (type == null || !TYPE_ID.matcher(type).matches()) {
            LOG.error("Ignoring task type '{}' from bundle {}: a type is 1 to 100 of a-z 0-9 _ . - starting with a letter or digit",
                type, bundle);
            return;
        }
        boolean active;
        synchronized (this) {
            List<Registered> candidates = byType.computeIfAbsent(type, t -> new ArrayList<>());
            candidates.add(new Registered(definition, serviceId, bundle, bundleId));
            candidates.sort(Comparator.comparingLong(Registered::serviceId));
            active = candidates.get(0).definition() == definition;
            if (active) {
                LOG.info("Task type '{}' is available, from bundle {}", type, bundle);
            } else {
                LOG.warn("Task type '{}' from bundle {} is ignored: bundle {} already provides it", type, bundle,
                    candidates.get(0).bundle());
            }
        }
        if (active) {
            listeners.forEach(l -> l.available(type));
        }
    }

    /** Removes a definition; runs of it are told to stop, and a waiting duplicate takes over. */
    public void unregister(TaskDefinition<?, ?> definition) {
        boolean wasActive;
        boolean replaced;
        synchronized (this) {
            List<Registered> candidates = byType.get(definition.type());
            if (candidates == null) {
                return;
            }
            wasActive = !candidates.isEmpty() && candidates.get(0).definition() == definition;
            candidates.removeIf(r -> r.definition() == definition);
            replaced = !candidates.isEmpty();
            if (!replaced) {
                byType.remove(definition.type());
                LOG.info("Task type '{}' is gone", definition.type());
            } else if (wasActive) {
                LOG.info("Task type '{}' is now provided by bundle {}", definition.type(), candidates.get(0).bundle());
            }
        }
        json.forget(definition);
        if (wasActive) {
            listeners.forEach(l -> l.withdrawn(definition));
            if (replaced) {
                listeners.forEach(l -> l.available(definition.type()));
            }
        }
    }

    /** The types available now. */
    synchronized java.util.Set<String> names() {
        return java.util.Set.copyOf(byType.keySet());
    }

    /** The active definition of a type. */
    synchronized Optional<TaskDefinition<?, ?>> definition(String type) {
        List<Registered> candidates = byType.get(type);
        return candidates == null || candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(0).definition());
    }

    /** The active types, sorted. */
    synchronized List<TaskTypeInfo> infos() {
        return byType.values().stream().map(c -> c.get(0).info()).toList();
    }
}
