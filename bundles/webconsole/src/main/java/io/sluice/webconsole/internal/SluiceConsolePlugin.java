package io.sluice.webconsole.internal;

import io.sluice.task.RunningTask;
import io.sluice.task.TaskService;
import io.sluice.task.TaskTypeInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The "Sluice" page of Karaf's web console ({@code /system/console/sluice}), by the Felix Web Console plugin
 * convention: a servlet service with {@code felix.webconsole.label}. The console wraps it in its own layout and
 * authentication (Karaf's realm). Every value is HTML-escaped: task ids and type descriptions come from plugins.
 */
@Component(service = Servlet.class, property = {
    "felix.webconsole.label=sluice",
    "felix.webconsole.title=Sluice",
    "felix.webconsole.category=Sluice"})
public final class SluiceConsolePlugin extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient TaskService service;

    /** Binds the node's task service. */
    @Activate
    public SluiceConsolePlugin(@Reference TaskService service) {
        this.service = service;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        NodeReport report = NodeReport.of(service);
        response.setContentType("text/html; charset=utf-8");
        PrintWriter out = response.getWriter();
        var health = report.health();
        out.println("<h2>Node " + escape(health.nodeId()) + "</h2>");
        out.println("<table class='nicetable'><tbody>");
        row(out, "Store", health.storeStatus() + (health.storeMessage() == null ? "" : ": " + health.storeMessage()));
        row(out, "Running", health.running() + " of " + health.capacity());
        row(out, "Queued by type", String.valueOf(health.queuedByType()));
        row(out, "Schedule to start p50 / p99", health.scheduleToStartP50Millis() + " / " + health.scheduleToStartP99Millis() + " ms");
        row(out, "Stale tasks", String.valueOf(health.staleTasks()));
        row(out, "Live nodes", String.join(", ", health.liveNodes()));
        row(out, "Checked at", String.valueOf(health.checkedAt()));
        out.println("</tbody></table>");
        out.println("<h2>Task types</h2><table class='nicetable'><thead><tr><th>Type</th><th>Description</th><th>Bundle</th>"
            + "<th>Timeout</th><th>Attempts</th></tr></thead><tbody>");
        for (TaskTypeInfo type : report.types()) {
            out.println("<tr><td>" + escape(type.type()) + "</td><td>" + escape(type.description()) + "</td><td>"
                + escape(type.bundle()) + " (" + type.bundleId() + ")</td><td>" + escape(String.valueOf(type.timeout()))
                + "</td><td>" + type.maxAttempts() + "</td></tr>");
        }
        out.println("</tbody></table>");
        List<RunningTask> running = report.running();
        out.println("<h2>Running on this node (" + running.size() + ")</h2><table class='nicetable'><thead><tr><th>Task</th>"
            + "<th>Type</th><th>Attempt</th><th>Started</th><th>Cancelling</th></tr></thead><tbody>");
        for (RunningTask task : running) {
            out.println("<tr><td>" + escape(task.taskId()) + "</td><td>" + escape(task.type()) + "</td><td>" + task.attempt()
                + "</td><td>" + escape(String.valueOf(task.startedAt())) + "</td><td>" + task.cancelling() + "</td></tr>");
        }
        out.println("</tbody></table>");
        out.println("<p>The full task list and the streams are on the Sluice page: <a href='/app/sluice'>/app/sluice</a>.</p>");
    }

    private static void row(PrintWriter out, String name, String value) {
        out.println("<tr><th>" + escape(name) + "</th><td>" + escape(value) + "</td></tr>");
    }

    /** Text as HTML: the five characters that could open markup or an attribute, escaped. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
