package io.sluice.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.task.spi.TaskContext;
import io.sluice.task.spi.TaskDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A plugin's classes are bound by a mapper of their own, dropped when the plugin's type goes away. */
class PluginJsonTest {

    @Test
    void thePluginsClassesAreForgottenWhenItsTypeGoes() throws Exception {
        // The params class as a plugin bundle would give it: from a class loader of its own.
        Class<?> params = new PluginLoader().loadClass(SampleParams.Range.class.getName());
        PluginJson json = new PluginJson();

        Object bound = json.rebind(params, Map.of("start", 1, "end", 2));
        assertEquals(params, bound.getClass());
        assertEquals(Map.of("start", 1L, "end", 2L), json.toObject(bound, "params"));
        assertEquals(1, json.pluginMappers(), "the plugin's classes have a mapper of their own");

        json.forget(definitionOf(params));
        assertEquals(0, json.pluginMappers(), "nothing keeps the plugin's class loader once its type is gone");
    }

    private static TaskDefinition<Object, Object> definitionOf(Class<?> params) {
        return new TaskDefinition<>() {
            @Override
            public String type() {
                return "plugin";
            }

            @Override
            @SuppressWarnings("unchecked")
            public Class<Object> paramsType() {
                return (Class<Object>) params;
            }

            @Override
            public Object run(TaskContext<Object> context) {
                return Map.of();
            }
        };
    }

    /** Defines one test class itself, as a bundle's class loader would; everything else comes from the parent. */
    private static final class PluginLoader extends ClassLoader {
        PluginLoader() {
            super(PluginJsonTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(SampleParams.Range.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }
}
