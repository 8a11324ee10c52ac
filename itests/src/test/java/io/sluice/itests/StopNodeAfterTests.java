package io.sluice.itests;

import org.junit.runner.Result;
import org.junit.runner.notification.RunListener;

/** Stops the embedded node when the test run ends, before the JVM exits (failsafe's {@code listener} property). */
public class StopNodeAfterTests extends RunListener {

    @Override
    public void testRunFinished(Result result) {
        SluiceContainer.stopNode();
    }
}
