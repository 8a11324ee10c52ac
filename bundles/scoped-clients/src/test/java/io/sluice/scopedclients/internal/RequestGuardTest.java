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
        assertRefused("POST", "/*/_search", "a wildcard must follow a name prefix");
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

    @Test
    void expressionsThatCouldExpandBeyondTheirNamesAreRefusedEvenToWildcardGrants() {
        RequestGuard everything = new RequestGuard((privilege, index) -> true);
        assertRefused(everything, "POST", "/*/_search", "a wildcard must follow a name prefix");
        assertRefused(everything, "POST", "/*tasks/_search", "a wildcard must follow a name prefix");
        assertRefused(everything, "POST", "/logs,_all/_search", "system and internal names");
        assertRefused(everything, "POST", "/%3C.sluice-tasks-%7Bnow%2Fd%7D%3E/_search", "date math");
        assertRefused(everything, "POST", "/logs*,-logs.b/_search", "exclusions");
        assertRefused(everything, "POST", "/remote:logs/_search", "remote clusters");
        assertNull(everything.refusal("POST", "/logs*/_search"));
    }

    @Test
    void queryParametersAreJudgedToo() {
        RequestGuard everything = new RequestGuard((privilege, index) -> true);
        assertRefused(everything, "POST", "/logs*/_search?expand_wildcards=all", "could reach hidden or system indices");
        assertRefused(everything, "POST", "/logs*/_search?expand_wildcards=open,hidden", "could reach hidden");
        assertRefused(everything, "PUT", "/logs.a/_doc/1?pipeline=reroute", "ingest pipeline");
        assertNull(everything.refusal("POST", "/logs*/_search?expand_wildcards=open&typed_keys=true"));
    }

    @Test
    void destructiveOperationsNameOneIndex() {
        RequestGuard everything = new RequestGuard((privilege, index) -> true);
        assertRefused(everything, "DELETE", "/logs*", "changes one index at a time");
        assertRefused(everything, "POST", "/logs.a,logs.b/_delete_by_query", "changes one index at a time");
        assertNull(everything.refusal("POST", "/logs.a/_delete_by_query"));
        assertNull(everything.refusal("DELETE", "/logs.a"));
    }

    @Test
    void queryBodiesThatNameAnotherIndexAreRefused() {
        RequestGuard everything = new RequestGuard((privilege, index) -> true);
        String lookup = "{\"query\":{\"terms\":{\"user\":{\"index\":\".sluice-api-keys\",\"id\":\"k\",\"path\":\"p\"}}}}";
        String likeOther = "{\"query\":{\"more_like_this\":{\"like\":[{\"_index\":\".sluice-tasks\",\"_id\":\"1\"}]}}}";
        String mentions = "{\"query\":{\"match\":{\"message\":\"the \\\"index\\\": field\"}}}";
        assertRefused(everything.refusal("POST", "/logs.a/_search", java.util.Map.of(), lookup), "may not name an index");
        assertRefused(everything.refusal("POST", "/logs.a/_count", java.util.Map.of(), likeOther), "may not name an index");
        assertRefused(everything.refusal("POST", "/logs.a/_search", java.util.Map.of(), RequestGuard.UNREADABLE), "cannot check");
        assertNull(everything.refusal("POST", "/logs.a/_search", java.util.Map.of(), mentions), "a string that mentions index");
        // A document may well have a field called index: bodies of writes are documents, not queries.
        assertNull(everything.refusal("PUT", "/logs.a/_doc/1", java.util.Map.of(), "{\"index\":3}"));
    }

    private void assertRefused(String method, String url, String why) {
        assertRefused(guard, method, url, why);
    }

    private static void assertRefused(RequestGuard guard, String method, String url, String why) {
        String refusal = guard.refusal(method, url);
        assertTrue(refusal != null && refusal.contains(why), url + " -> " + refusal);
    }

    private static void assertRefused(String refusal, String why) {
        assertTrue(refusal != null && refusal.contains(why), "expected a refusal with '" + why + "', got " + refusal);
    }
}
