package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.server.alloc.Allocation;
import dev.meshwire.turn.server.auth.Authenticator;

/**
 * A request that acts on the allocation of its 5-tuple (Refresh, CreatePermission, ChannelBind): the {@link Gate}
 * admits the credential and finds the allocation first, answering any refusal itself, so a method only sees
 * requests it may act on.
 */
abstract class AllocationRequestHandler {
    protected final TurnContext ctx;
    protected final Gate gate;

    AllocationRequestHandler(TurnContext ctx, Gate gate) {
        this.ctx = ctx;
        this.gate = gate;
    }

    final void handle(Exchange x) {
        Authenticator.Accepted who = gate.admit(x);
        if (who == null) return;
        Allocation a = gate.allocation(x, who);
        if (a == null) return;
        handle(x, who, a);
    }

    /** Runs the method on an admitted request and its allocation; answers every outcome. */
    abstract void handle(Exchange x, Authenticator.Accepted who, Allocation a);
}
