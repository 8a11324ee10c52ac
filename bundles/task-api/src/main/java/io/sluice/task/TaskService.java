package io.sluice.task;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** This node's view of the task service: the types it knows, what it runs, how healthy it is. */
@ProviderType
public interface TaskService {

    /** This node's id, as written in the {@code node} field of the tasks it runs. */
    String nodeId();

    /** The task types installed on this node, sorted by type. */
    List<TaskTypeInfo> types();

    /** One installed type. */
    Optional<TaskTypeInfo> type(String type);

    /** The runs going on on this node. */
    List<RunningTask> running();

    /** Health figures of this node and of the store. */
    NodeHealth health();
}
