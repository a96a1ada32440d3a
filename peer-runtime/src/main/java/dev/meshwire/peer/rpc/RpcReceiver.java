package dev.meshwire.peer.rpc;

import dev.meshwire.peer.inbox.ChannelReceiver;
import dev.meshwire.peer.inbox.InboundEnvelope;

/**
 * The {@code rpc} channel's {@link ChannelReceiver}: answers ({@code meta.rpcResponse = true}) go to the caller's
 * side, everything else is a request for the callee's side. Both settle (store, then ack) or give a reason to drop.
 */
public final class RpcReceiver implements ChannelReceiver {
    private final RpcCaller caller;
    private final RpcCallee callee;

    public RpcReceiver(RpcCaller caller, RpcCallee callee) {
        this.caller = caller;
        this.callee = callee;
    }

    @Override
    public String receive(InboundEnvelope in) {
        if (in.envelope().meta().clientMessageId() == null || in.envelope().meta().clientMessageId().isBlank()) {
            return "rpc envelope without clientMessageId";
        }
        return Boolean.TRUE.equals(in.envelope().meta().rpcResponse()) ? caller.onAnswer(in) : callee.onRequest(in);
    }
}
