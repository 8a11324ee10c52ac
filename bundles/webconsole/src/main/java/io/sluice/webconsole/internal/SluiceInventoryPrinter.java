package io.sluice.webconsole.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.task.RunningTask;
import io.sluice.task.TaskService;
import io.sluice.task.TaskTypeInfo;
import io.sluice.task.json.TaskJson;
import java.io.PrintWriter;
import org.apache.felix.inventory.Format;
import org.apache.felix.inventory.InventoryPrinter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The node's state for status dumps (the web console's Status page and its zip, {@code bundle:...} inventories): text
 * or JSON.
 */
@Component(service = InventoryPrinter.class, property = {
    InventoryPrinter.NAME + "=sluice",
    InventoryPrinter.TITLE + "=Sluice",
    InventoryPrinter.FORMAT + "=TEXT",
    InventoryPrinter.FORMAT + "=JSON"})
public final class SluiceInventoryPrinter implements InventoryPrinter {

    private final TaskService service;
    private final ObjectMapper json = TaskJson.newMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Binds the node's task service. */
    @Activate
    public SluiceInventoryPrinter(@Reference TaskService service) {
        this.service = service;
    }

    @Override
    public void print(PrintWriter out, Format format, boolean isZip) {
        NodeReport report = NodeReport.of(service);
        if (Format.JSON.equals(format)) {
            try {
                out.println(json.writeValueAsString(report.asMap()));
            } catch (JsonProcessingException e) {
                out.println("{\"error\": \"cannot write the report\"}");
            }
            return;
        }
        var health = report.health();
        out.printf("Sluice node %s%n", health.nodeId());
        out.printf("  store: %s%s%n", health.storeStatus(), health.storeMessage() == null ? "" : " (" + health.storeMessage() + ")");
        out.printf("  running %d of %d; queued %s; stale %d; live nodes %s%n", health.running(), health.capacity(),
            health.queuedByType(), health.staleTasks(), health.liveNodes());
        out.println("Task types:");
        for (TaskTypeInfo type : report.types()) {
            out.printf("  %s  (%s, bundle %s)%n", type.type(), type.description(), type.bundle());
        }
        out.println("Running:");
        for (RunningTask task : report.running()) {
            out.printf("  %s  %s attempt %d since %s%s%n", task.taskId(), task.type(), task.attempt(), task.startedAt(),
                task.cancelling() ? " (cancelling)" : "");
        }
    }
}
