package io.sluice.rest.internal;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.ws.rs.HttpMethod;
import org.osgi.service.jaxrs.runtime.JaxrsServiceRuntime;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceMethodInfoDTO;
import org.osgi.service.jaxrs.runtime.dto.RuntimeDTO;

/**
 * The routes the JAX-RS whiteboard serves now, as its runtime reports them: which methods a path allows, for the
 * {@code Allow} header of a 405 (the container's own guess lists methods of unrelated routes).
 */
final class RouteTable {

    private static final Pattern VARIABLE = Pattern.compile("\\{\\s*[\\w.-]+\\s*(?::\\s*((?:[^{}]|\\{[^{}]*})*))?}");

    private final Supplier<JaxrsServiceRuntime> runtime;

    RouteTable(Supplier<JaxrsServiceRuntime> runtime) {
        this.runtime = runtime;
    }

    /** The methods some route answers on {@code path} (HEAD with GET); empty when no route has the path, or no runtime. */
    Set<String> allowed(String path) {
        Set<String> methods = new TreeSet<>();
        JaxrsServiceRuntime current = runtime.get();
        if (current == null) {
            return methods;
        }
        RuntimeDTO dto = current.getRuntimeDTO();
        for (ApplicationDTO application : applications(dto)) {
            collect(application.resourceMethods, path, methods);
            for (ResourceDTO resource : application.resourceDTOs) {
                collect(resource.resourceMethods, path, methods);
            }
        }
        if (methods.contains(HttpMethod.GET)) {
            methods.add(HttpMethod.HEAD);
        }
        return methods;
    }

    private static void collect(ResourceMethodInfoDTO[] routes, String path, Set<String> methods) {
        if (routes == null) {
            return;
        }
        for (ResourceMethodInfoDTO route : routes) {
            if (route.method != null && route.path != null && template(route.path).matcher(path).matches()) {
                methods.add(route.method);
            }
        }
    }

    /** A JAX-RS path template as a regex: {@code {id}} is one segment, {@code {id: regex}} its own regex. */
    static Pattern template(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher variable = VARIABLE.matcher(template);
        int last = 0;
        while (variable.find()) {
            regex.append(Pattern.quote(template.substring(last, variable.start())));
            regex.append(variable.group(1) == null ? "[^/]+" : "(?:" + variable.group(1).trim() + ")");
            last = variable.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        String normalized = regex.toString();
        return Pattern.compile((normalized.startsWith("\\Q/") ? "" : "/?") + normalized + "/?");
    }

    private static Set<ApplicationDTO> applications(RuntimeDTO dto) {
        Set<ApplicationDTO> all = new java.util.LinkedHashSet<>(Arrays.asList(dto.applicationDTOs == null
            ? new ApplicationDTO[0] : dto.applicationDTOs));
        if (dto.defaultApplication != null) {
            all.add(dto.defaultApplication);
        }
        return all;
    }
}
