package dev.meshwire.coordinator;

import dev.meshwire.coordinator.queue.DeliveryPump;
import dev.meshwire.coordinator.queue.DeliverySink;
import io.vertx.core.Context;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A recipient that never pushes back and acks every {@code deliver} at once on the event loop, like a client that
 * stores nothing: the queue tests' stand-in for a fast member connection. Each pushed message id goes to
 * {@code onPushed} before its ack is scheduled.
 */
final class AckingSink implements DeliverySink {
    private final Context context;
    private final Supplier<DeliveryPump> pump;
    private final Consumer<String> onPushed;

    AckingSink(Context context, Supplier<DeliveryPump> pump, Consumer<String> onPushed) {
        this.context = context;
        this.pump = pump;
        this.onPushed = onPushed;
    }

    @Override
    public long room() {
        return 1L << 30;
    }

    @Override
    public void whenRoom(Runnable wake) {
        context.runOnContext(x -> wake.run());
    }

    @Override
    public void write(String deliverJson) {
        int at = deliverJson.indexOf("\"messageId\":\"") + 13;
        String id = deliverJson.substring(at, deliverJson.indexOf('"', at));
        onPushed.accept(id);
        context.runOnContext(x -> pump.get().onAck(id));
    }
}
