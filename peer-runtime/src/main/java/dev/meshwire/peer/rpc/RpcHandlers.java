package dev.meshwire.peer.rpc;

import dev.meshwire.peer.ipc.RpcApi;
import dev.meshwire.peer.ipc.api.RpcHandlerCall;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The local apps registered as rpc handlers, each through one handler stream (docs/ipc.md "rpc"). A method goes to
 * the stream that registered it last (an app that restarts takes over from its previous, dying stream). The calls a
 * stream was given and has not answered are remembered, so that when the stream ends they can be answered
 * {@code handler_gone}. In memory only: a registration lives as long as its stream. Never blocks.
 */
public final class RpcHandlers {
    /** method → registrations, newest last. */
    private final Map<String, List<Registration>> byMethod = new ConcurrentHashMap<>();
    private volatile Consumer<Set<String>> onRegistered = m -> {};

    /** One handler stream's registration. */
    public final class Registration implements AutoCloseable {
        final Set<String> methods;
        final RpcApi.HandlerSink sink;
        final Set<Long> unanswered = ConcurrentHashMap.newKeySet();
        private final BiConsumer<Registration, Collection<Long>> onClose;
        private volatile boolean closed;

        Registration(Set<String> methods, RpcApi.HandlerSink sink, BiConsumer<Registration, Collection<Long>> onClose) {
            this.methods = methods;
            this.sink = sink;
            this.onClose = onClose;
        }

        /** Unregisters; the calls given to this stream and not answered go to {@code onClose}. */
        @Override
        public void close() {
            if (closed) return;
            closed = true;
            for (String m : methods) {
                byMethod.computeIfPresent(m, (k, list) -> {
                    list.remove(this);
                    return list.isEmpty() ? null : list;
                });
            }
            onClose.accept(this, new ArrayList<>(unanswered));
        }
    }

    /** Called with the methods of every new registration (the callee gives it the calls that waited for a handler). */
    void onRegistered(Consumer<Set<String>> listener) {
        this.onRegistered = listener;
    }

    /** Registers {@code sink} for {@code methods}; {@code onClose} gets the calls left unanswered when it ends. */
    public Registration register(Set<String> methods, RpcApi.HandlerSink sink, BiConsumer<Registration, Collection<Long>> onClose) {
        Registration r = new Registration(Set.copyOf(methods), sink, onClose);
        for (String m : r.methods) {
            byMethod.compute(m, (k, list) -> {
                List<Registration> l = list == null ? new java.util.concurrent.CopyOnWriteArrayList<>() : list;
                l.add(r);
                return l;
            });
        }
        onRegistered.accept(r.methods);
        return r;
    }

    /** Gives {@code call} to the newest stream of its method; false when there is none. */
    boolean dispatch(RpcHandlerCall call) {
        List<Registration> l = byMethod.get(call.method());
        if (l == null || l.isEmpty()) return false;
        Registration r = l.get(l.size() - 1);
        r.unanswered.add(call.callId());
        r.sink.call(call);
        return true;
    }

    /** The call was answered (by whichever stream): no longer anyone's unanswered call. */
    void answered(long callId) {
        for (List<Registration> l : byMethod.values()) for (Registration r : l) r.unanswered.remove(callId);
    }
}
