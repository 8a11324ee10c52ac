package io.sluice.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.sluice.auth.Caller;
import io.sluice.task.AttemptRecord;
import io.sluice.task.ScheduleRequest;
import io.sluice.task.TaskClient;
import io.sluice.task.TaskDocument;
import io.sluice.task.TaskService;
import io.sluice.task.TaskStatus;
import io.sluice.task.UnknownTaskTypeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Task types and routes are OSGi services that come and go: the sample plugin is installed while Karaf runs, its task
 * runs to completion and its route answers (authenticated, in any space) and is documented; stopped while a task runs,
 * the task is released (not failed), the type is unknown and the route is gone from the API and its document; started
 * again, the task resumes and completes. With Sluice's JAX-RS application stopped, the route is not served at all.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginLifecycleIT {

    private static final Caller ADMIN = new Caller("admin", Set.of("admin"), "default", Caller.Authentication.PASSWORD);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 60_000)
    TaskClient tasks;

    @Inject
    @Filter(timeout = 60_000)
    TaskService service;

    private final Http http = new Http();

    @Configuration
    public Option[] configuration() {
        return SluiceContainer.options();
    }

    @Test
    public void aPluginInstalledAtRunTimeRunsItsTasksAndAStoppedOneReleasesThemUntilItReturns() throws Exception {
        assertFalse(service.type("sample_sleep").isPresent());
        Bundle plugin = context.installBundle("mvn:io.sluice/sluice-sample-tasks/" + System.getProperty(SluiceContainer.VERSION));
        plugin.start();
        Await.until(WAIT, () -> service.type("sample_sleep").isPresent(), () -> service.types().toString());

        // Its route: behind Sluice's authentication, in the caller's space, in the OpenAPI document.
        Await.until(WAIT, () -> http.send("admin", "GET", "/api/sample/whoami", null).statusCode() == 200,
            () -> http.send("admin", "GET", "/api/sample/whoami", null).body());
        String me = http.send("admin", "GET", "/s/team-x/api/sample/whoami", null).body();
        assertTrue(me, me.contains("\"user\":\"admin\"") && me.contains("\"space\":\"team-x\""));
        assertEquals(401, http.send("anonymous", "GET", "/api/sample/whoami", null).statusCode());
        assertEquals(401, http.send("intruder", "GET", "/api/sample/whoami", null).statusCode());
        Await.until(WAIT, () -> http.send("viewer", "GET", "/api/openapi.json", null).body().contains("/api/sample/whoami"),
            () -> "the plugin's route is not documented");

        tasks.schedule(ScheduleRequest.of("sample_sleep").stream("logs.quick").params(Map.of("steps", 3, "stepMillis", 50)).build(), ADMIN);
        TaskDocument quick = awaitStatus("sample_sleep_logs.quick", TaskStatus.COMPLETED);
        assertEquals(3, quick.payload().get("steps"));

        tasks.schedule(ScheduleRequest.of("sample_sleep").stream("logs.long").params(Map.of("steps", 40, "stepMillis", 100)).build(), ADMIN);
        Await.until(WAIT, () -> tasks.get("sample_sleep_logs.long", ADMIN).progress() != null,
            () -> tasks.get("sample_sleep_logs.long", ADMIN).toString());

        plugin.stop();
        Await.until(WAIT, () -> tasks.get("sample_sleep_logs.long", ADMIN).node() == null,
            () -> tasks.get("sample_sleep_logs.long", ADMIN).toString());
        TaskDocument released = tasks.get("sample_sleep_logs.long", ADMIN);
        assertEquals(TaskStatus.IN_PROGRESS, released.status());
        assertNull(released.error());
        assertEquals(List.of(AttemptRecord.Outcome.RELEASED), outcomes(released));
        assertFalse(service.type("sample_sleep").isPresent());
        Await.until(WAIT, () -> http.send("admin", "GET", "/api/sample/whoami", null).statusCode() == 404,
            () -> "the stopped plugin's route still answers");
        Await.until(WAIT, () -> !http.send("viewer", "GET", "/api/openapi.json", null).body().contains("/api/sample/whoami"),
            () -> "the stopped plugin's route is still documented");
        assertThrows(UnknownTaskTypeException.class,
            () -> tasks.schedule(ScheduleRequest.of("sample_sleep").stream("logs.other").build(), ADMIN));

        plugin.start();
        TaskDocument resumed = awaitStatus("sample_sleep_logs.long", TaskStatus.COMPLETED);
        assertEquals(List.of(AttemptRecord.Outcome.RELEASED, AttemptRecord.Outcome.COMPLETED), outcomes(resumed));
        assertTrue(service.health().storeAvailable());

        // Without Sluice's application (its bundle stopped), the plugin's route goes unserved: the whiteboard's own
        // default application, which has no authentication, must never take it in.
        Await.until(WAIT, () -> http.send("admin", "GET", "/api/sample/whoami", null).statusCode() == 200,
            () -> "the restarted plugin's route does not answer");
        Bundle rest = bundle("io.sluice.rest");
        rest.stop();
        try {
            Await.until(WAIT, () -> http.send("anonymous", "GET", "/api/sample/whoami", null).statusCode() == 404,
                () -> {
                    var answer = http.send("anonymous", "GET", "/api/sample/whoami", null);
                    return "served without Sluice's application: " + answer.statusCode() + " " + answer.body();
                });
        } finally {
            rest.start();
        }
        Await.until(WAIT, () -> http.send("admin", "GET", "/api/sample/whoami", null).statusCode() == 200,
            () -> "the route does not come back with Sluice's application");
        assertEquals(401, http.send("anonymous", "GET", "/api/sample/whoami", null).statusCode());
        plugin.uninstall();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals(symbolicName)) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private TaskDocument awaitStatus(String id, TaskStatus status) {
        Await.until(WAIT, () -> tasks.get(id, ADMIN).status() == status, () -> tasks.get(id, ADMIN).toString());
        return tasks.get(id, ADMIN);
    }

    private static List<AttemptRecord.Outcome> outcomes(TaskDocument task) {
        return task.attempts().stream().map(AttemptRecord::outcome).toList();
    }
}
