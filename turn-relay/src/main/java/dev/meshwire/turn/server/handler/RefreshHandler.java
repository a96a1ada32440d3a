package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.server.alloc.Allocation;
import dev.meshwire.turn.server.auth.Authenticator;
import dev.meshwire.turn.server.stun.Responses;
import dev.meshwire.turn.server.stun.Stun;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.LifetimeAttribute;
import org.ice4j.message.Response;

/** Refresh (RFC 8656 §7.3): LIFETIME 0 deletes the allocation; otherwise min(requested, max), default when absent. */
final class RefreshHandler extends AllocationRequestHandler {

    RefreshHandler(TurnContext ctx, Gate gate) {
        super(ctx, gate);
    }

    @Override
    void handle(Exchange x, Authenticator.Accepted who, Allocation a) {
        LifetimeAttribute asked = (LifetimeAttribute) x.message().getAttribute(Attribute.LIFETIME);
        long seconds;
        if (asked != null && asked.getLifetime() == 0) {
            ctx.table().release(a);
            seconds = 0;
        } else {
            var l = ctx.lifetimes();
            long nanos = asked == null ? l.allocationDefault()
                    : Math.min((asked.getLifetime() & 0xFFFFFFFFL) * 1_000_000_000L, l.allocationMax());
            ctx.table().refresh(a, nanos, x.now());
            seconds = nanos / 1_000_000_000L;
        }
        Response r = Responses.success(Stun.REFRESH);
        r.putAttribute(AttributeFactory.createLifetimeAttribute((int) seconds));
        x.reply(ctx.responses().encode(r, x.tid(), who.key()));
    }
}
