/**
 * The HTTP edge as other bundles use it: routes are JAX-RS resources published as OSGi services (the JAX-RS
 * whiteboard, OSGi Compendium chapter 151), and Sluice serves each of them behind the same authentication, error
 * format, JSON binding and OpenAPI document.
 *
 * <p>A bundle adds routes by registering a resource:
 * <pre>{@code
 * @Component(service = HelloResource.class)
 * @JaxrsResource
 * @Path("api/hello")
 * public class HelloResource {
 *     @GET
 *     @Produces(MediaType.APPLICATION_JSON)
 *     public Map<String, String> hello(@Context SecurityContext security) {
 *         return Map.of("user", CallerPrincipal.caller(security).user());
 *     }
 * }
 * }</pre>
 * Every request is authenticated before a resource sees it ({@link javax.annotation.security.PermitAll} opts a
 * method out), so {@link io.sluice.rest.CallerPrincipal#caller} always has a caller; a space in the URL
 * ({@code /s/{space}/api/hello}) reaches the same resource, with the caller acting in that space. Errors thrown as
 * JAX-RS exceptions or task API exceptions become {@code {"statusCode", "error", "message"}} bodies. Request bodies bound
 * to records are strict: unknown fields, duplicate keys, type coercions and trailing text are refused with a 400.
 */
@Export
@Version("1.0.0")
package io.sluice.rest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
