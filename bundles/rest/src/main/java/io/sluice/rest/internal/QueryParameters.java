package io.sluice.rest.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.Priority;
import javax.ws.rs.BadRequestException;
import javax.ws.rs.Priorities;
import javax.ws.rs.QueryParam;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.Context;

/**
 * Query parameters are part of a route's contract: a parameter the route does not declare, or one given twice
 * ({@code size=10&size=abc}), is a 400 naming it, rather than silently ignored or silently the first.
 */
@Priority(Priorities.USER)
final class QueryParameters implements ContainerRequestFilter {

    @Context
    private ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return;
        }
        Set<String> declared = new TreeSet<>();
        for (Annotation[] annotations : method.getParameterAnnotations()) {
            for (Annotation annotation : annotations) {
                if (annotation instanceof QueryParam query) {
                    declared.add(query.value());
                }
            }
        }
        for (Map.Entry<String, List<String>> parameter : request.getUriInfo().getQueryParameters(true).entrySet()) {
            String name = parameter.getKey();
            if (!declared.contains(name)) {
                throw new BadRequestException("unknown query parameter '" + RequestPaths.printable(name) + "'"
                    + (declared.isEmpty() ? ": this route takes none" : "; this route takes " + String.join(", ", declared)));
            }
            if (parameter.getValue().size() > 1) {
                throw new BadRequestException("query parameter '" + name + "' is given " + parameter.getValue().size()
                    + " times: give it once");
            }
        }
    }
}
