package io.sluice.scopedclients.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.auth.Privilege;
import io.sluice.auth.StreamPattern;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestGuardTest {

    // read logs*, manage logs.a only
    private final RequestGuard guard = new RequestGuard((privilege, index) ->
        privilege == Privilege.READ ? new StreamPattern("logs*").matches(index) : index.equals("logs.a"));

    @Test
    void readsOfReadableStreamsPass() {
        for (String url : Set.of("/logs.a/_search", "/logs.b/_count?q=x", "/logs.a/_doc/1", "/logs.a", "/logs.a,logs.b/_search",
                "/logs.a/_mapping", "/logs*/_search")) {
            assertNull(guard.refusal(url.contains("_doc") || url.equals("/logs.a") || url.contains("_mapping") ? "GET" : "POST", url), url);
        }
    }

    @Test
    void writesNeedManage() {
        assertNull(guard.refusal("PUT", "/logs.a/_doc/1"));
        assertNull(guard.refusal("POST", "/logs.a/_delete_by_query"));
        assertRefused("PUT", "/logs.b/_doc/1", "no manage privilege on 'logs.b'");
        assertRefused("DELETE", "/logs.b", "no manage privilege");
    }

    @Test
    void unreadableStreamsAndWideWildcardsAreRefused() {
        assertRefused("POST", "/metrics/_search", "no read privilege on 'metrics'");
        assertRefused("POST", "/logs.a,metrics/_search", "'metrics'");
        assertRefused("POST", "/*/_search", "no read privilege on '*'");
        assertRefused("POST", "/log*/_search", "no read privilege on 'log*'");
    }

    @Test
    void requestsWhoseTargetsAreNotInThePathAreRefused() {
        assertRefused("POST", "/_search", "not /_search");
        assertRefused("POST", "/_bulk", "not /_bulk");
        assertRefused("POST", "/logs.a/_bulk", "may not call POST /logs.a/_bulk");
        assertRefused("POST", "/_msearch", "not /_msearch");
        assertRefused("GET", "/_cluster/health", "not /_cluster");
        assertRefused("GET", "/", "not /");
    }

    @Test
    void systemIndicesAreRefusedEvenToWildcardGrants() {
        RequestGuard everything = new RequestGuard((privilege, index) -> true);
        assertRefused(everything, "POST", "/.sluice-tasks/_search", "'.sluice-tasks' is not allowed");
        assertRefused(everything, "POST", "/logs,.sluice-api-keys/_search", "'.sluice-api-keys' is not allowed");
        assertRefused(everything, "POST", "/%2Esluice-tasks/_search", "is not allowed");
    }

    private void assertRefused(String method, String url, String why) {
        assertRefused(guard, method, url, why);
    }

    private static void assertRefused(RequestGuard guard, String method, String url, String why) {
        String refusal = guard.refusal(method, url);
        assertTrue(refusal != null && refusal.contains(why), url + " -> " + refusal);
    }
}
