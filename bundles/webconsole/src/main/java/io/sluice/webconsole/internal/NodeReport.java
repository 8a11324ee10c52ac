package io.sluice.webconsole.internal;

import io.sluice.task.NodeHealth;
import io.sluice.task.RunningTask;
import io.sluice.task.TaskService;
import io.sluice.task.TaskTypeInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the web console page and the inventory printer both show: the node's health, its task types and its runs. */
record NodeReport(NodeHealth health, List<TaskTypeInfo> types, List<RunningTask> running) {

    static NodeReport of(TaskService service) {
        return new NodeReport(service.health(), service.types(), service.running());
    }

    /** The report as plain maps, for JSON. */
    Map<String, Object> asMap() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("health", health);
        report.put("types", types);
        report.put("running", running);
        return report;
    }
}
