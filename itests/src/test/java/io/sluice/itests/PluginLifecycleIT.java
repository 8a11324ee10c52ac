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
 * Task types are OSGi services that come and go: the sample plugin is installed while Karaf runs, its task runs to
 * completion; stopped while a task runs, the task is released (not failed) and the type is unknown; started again,
 * the task resumes and completes.
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
        assertThrows(UnknownTaskTypeException.class,
            () -> tasks.schedule(ScheduleRequest.of("sample_sleep").stream("logs.other").build(), ADMIN));

        plugin.start();
        TaskDocument resumed = awaitStatus("sample_sleep_logs.long", TaskStatus.COMPLETED);
        assertEquals(List.of(AttemptRecord.Outcome.RELEASED, AttemptRecord.Outcome.COMPLETED), outcomes(resumed));
        assertTrue(service.health().storeAvailable());
        plugin.uninstall();
    }

    private TaskDocument awaitStatus(String id, TaskStatus status) {
        Await.until(WAIT, () -> tasks.get(id, ADMIN).status() == status, () -> tasks.get(id, ADMIN).toString());
        return tasks.get(id, ADMIN);
    }

    private static List<AttemptRecord.Outcome> outcomes(TaskDocument task) {
        return task.attempts().stream().map(AttemptRecord::outcome).toList();
    }
}
