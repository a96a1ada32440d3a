package dev.meshwire.turn.server;

import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import dev.meshwire.turn.TurnStats;
import dev.meshwire.turn.server.alloc.AllocationTable;
import dev.meshwire.turn.server.alloc.RelayPorts;
import dev.meshwire.turn.server.auth.Authenticator;
import dev.meshwire.turn.server.auth.LongTermKeys;
import dev.meshwire.turn.server.auth.NonceIssuer;
import dev.meshwire.turn.server.handler.Dispatcher;
import dev.meshwire.turn.server.handler.Relay;
import dev.meshwire.turn.server.handler.TurnContext;
import dev.meshwire.turn.server.metrics.TurnMeters;
import dev.meshwire.turn.server.stun.Integrity;
import dev.meshwire.turn.server.stun.Responses;
import dev.meshwire.turn.server.transport.BatchedChannel;
import dev.meshwire.turn.server.transport.ErrorBoundary;
import dev.meshwire.turn.server.transport.FlushBatch;
import dev.meshwire.turn.server.transport.RelayHandler;
import dev.meshwire.turn.server.transport.StreamFramer;
import dev.meshwire.turn.server.transport.StreamHandler;
import dev.meshwire.turn.server.transport.TlsContext;
import dev.meshwire.turn.server.transport.UdpListenerHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TURN server's lifecycle: one single-threaded NIO event loop owns every channel (UDP listener, TCP/TLS listener
 * and connections, relay sockets) and all state, so nothing is locked. {@link #start} binds the listeners before it
 * returns; {@link #close} releases every allocation and closes every socket on the loop, then shuts the loop down and
 * waits for it.
 */
public final class NettyTurnServer implements TurnServer {
    private static final Logger LOG = LoggerFactory.getLogger("dev.meshwire.turn");
    /** The largest datagram read whole; a larger one arrives truncated (and is then malformed or relayed short). */
    static final int MAX_DATAGRAM = 16 * 1024;
    private static final int UDP_BUFFER = 4 * 1024 * 1024;
    /** Relay socket buffers: ~1000 packets of 1 KiB, so a stall of the loop (GC, a busy host) does not drop echoes. */
    private static final int RELAY_BUFFER = 1024 * 1024;
    private static final int PORT_ATTEMPTS = 20;
    private static final long SWEEP_MS = 250;

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final TurnMeters meters;
    private final AllocationTable table;
    private final List<Channel> listeners = new ArrayList<>();
    private final Set<Channel> connections = new HashSet<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private int port;
    private int tlsPort = -1;

    private NettyTurnServer(EventLoopGroup group, TurnMeters meters, AllocationTable table) {
        this.group = group;
        this.loop = group.next();
        this.meters = meters;
        this.table = table;
    }

    public static TurnServer start(TurnConfig config, MeterRegistry registry) throws IOException {
        InetAddress listen = resolve("listen host", config.listenHost());
        InetAddress relayHost = config.relayHost() != null ? resolve("relay host", config.relayHost())
                : listen.isAnyLocalAddress() ? null : listen;
        InetAddress external = config.externalHost() != null ? resolve("external host", config.externalHost()) : null;
        SslContext ssl = config.tls() != null ? TlsContext.load(config.tls()) : null;

        TurnMeters meters = new TurnMeters(registry);
        Integrity integrity = new Integrity();
        Responses responses = new Responses(integrity);
        Authenticator auth = config.stunOnly() ? null : new Authenticator(config.realm(),
                new NonceIssuer(config.nonceLifetime(), System::currentTimeMillis),
                new LongTermKeys(config.secret(), config.realm()), integrity, responses, System::currentTimeMillis);
        RelayPorts ports = new RelayPorts(config.minRelayPort(), config.maxRelayPort(), RELAY_BUFFER);
        FlushBatch batch = new FlushBatch();
        ErrorBoundary errors = new ErrorBoundary(meters);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("meshwire-turn", true),
                NioIoHandler.newFactory());
        batch.loop(group.next());
        Dispatcher[] dispatcher = new Dispatcher[1];
        AllocationTable table = new AllocationTable(ports, meters,
                (socket, allocation) -> openRelay(group.next(), socket, new RelayHandler(allocation, dispatcher[0], batch, errors), batch));
        TurnContext ctx = new TurnContext(config, meters, responses, auth, table, ports, config.peerPolicy(), relayHost,
                external, TurnContext.Lifetimes.of(config));
        dispatcher[0] = new Dispatcher(ctx, integrity, new Relay(meters));
        NettyTurnServer server = new NettyTurnServer(group, meters, table);
        try {
            server.bindListeners(config, listen, ssl, dispatcher[0], batch, errors);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        server.loop.scheduleAtFixedRate(() -> {
            try {
                table.sweep(System.nanoTime());
            } catch (RuntimeException e) {
                errors.caught("expiry sweep", e);
            }
        }, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
        LOG.info("TURN server on {} udp+tcp {}{}{}", config.listenHost(), server.port,
                server.tlsPort >= 0 ? ", tls " + server.tlsPort : "", config.stunOnly() ? " (STUN only: no secret)" : "");
        return server;
    }

    private static InetAddress resolve(String what, String host) throws IOException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException("cannot resolve TURN " + what + " '" + host + "'");
        }
    }

    private void bindListeners(TurnConfig config, InetAddress listen, SslContext ssl, Dispatcher dispatcher,
                               FlushBatch batch, ErrorBoundary errors) throws IOException {
        // an IPv4 listener gets an IPv4 socket: a dual-stack one would map every address on every send and receive
        java.net.StandardProtocolFamily family = listen instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET;
        Bootstrap udp = new Bootstrap().group(group)
                .channelFactory(() -> {
                    try {
                        return new NioDatagramChannel(DatagramChannel.open(family));
                    } catch (IOException e) {
                        throw new io.netty.channel.ChannelException("cannot open a UDP socket", e);
                    }
                })
                .option(ChannelOption.SO_RCVBUF, UDP_BUFFER)
                .option(ChannelOption.SO_SNDBUF, UDP_BUFFER)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.RCVBUF_ALLOCATOR, datagramReads())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(4 << 20, 8 << 20))
                // a fresh handler per bind: with port 0 a TCP clash makes the loop below bind UDP again
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new UdpListenerHandler(dispatcher, batch, errors));
                    }
                });
        ServerBootstrap tcp = streamBootstrap(null, dispatcher, batch, errors);
        int attempts = config.port() == 0 ? PORT_ATTEMPTS : 1;
        for (int i = 0; ; i++) {
            Channel u = bind(udp.bind(new InetSocketAddress(listen, config.port())), "udp", listen, config.port());
            int p = ((InetSocketAddress) u.localAddress()).getPort();
            try {
                Channel t = bind(tcp.bind(new InetSocketAddress(listen, p)), "tcp", listen, p);
                listeners.add(u);
                listeners.add(t);
                port = p;
                break;
            } catch (IOException e) {
                u.close().syncUninterruptibly();
                if (i + 1 >= attempts) throw e;
            }
        }
        if (ssl != null) {
            Channel t = bind(streamBootstrap(ssl, dispatcher, batch, errors).bind(new InetSocketAddress(listen, config.tls().port())),
                    "tls", listen, config.tls().port());
            listeners.add(t);
            tlsPort = ((InetSocketAddress) t.localAddress()).getPort();
        }
    }

    private ServerBootstrap streamBootstrap(SslContext ssl, Dispatcher dispatcher, FlushBatch batch, ErrorBoundary errors) {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.closeFuture().addListener(f -> connections.remove(ch));
                        if (ssl != null) ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new StreamFramer(65536 + 20));
                        ch.pipeline().addLast(new StreamHandler(dispatcher, batch, errors, meters));
                    }
                });
    }

    private static Channel bind(ChannelFuture f, String what, InetAddress host, int port) throws IOException {
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot bind TURN " + what + " " + host.getHostAddress() + ":" + port + ": "
                    + f.cause().getMessage());
        }
        return f.channel();
    }

    /** Wraps a relay socket bound by {@link RelayPorts} in a Netty channel on {@code loop} (runs on the loop). */
    private static BatchedChannel openRelay(EventLoop loop, DatagramChannel socket, RelayHandler handler, FlushBatch batch) {
        NioDatagramChannel ch = new NioDatagramChannel(socket);
        ch.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        ch.config().setRecvByteBufAllocator(datagramReads());
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 20, 2 << 20));
        ch.pipeline().addLast(handler);
        loop.register(ch);
        return new BatchedChannel(ch, batch);
    }

    /**
     * Reads datagrams until the socket is empty (up to 64 per wake-up). Netty's default for datagrams stops after one,
     * because a datagram never fills the buffer and so never looks like "maybe more data": under load that is one
     * epoll_wait per packet.
     */
    private static FixedRecvByteBufAllocator datagramReads() {
        FixedRecvByteBufAllocator a = new FixedRecvByteBufAllocator(MAX_DATAGRAM);
        a.maxMessagesPerRead(64);
        a.respectMaybeMoreData(false);
        return a;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public int tlsPort() {
        return tlsPort;
    }

    @Override
    public TurnStats stats() {
        if (loop.inEventLoop() || loop.isShuttingDown()) return meters.snapshot();
        try {
            return loop.submit(meters::snapshot).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return meters.snapshot();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            return meters.snapshot();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        if (!loop.isShuttingDown()) {
            loop.submit(() -> {
                table.releaseAll();
                for (Channel c : new ArrayList<>(connections)) c.close();
                for (Channel c : listeners) c.close();
            }).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(15, TimeUnit.SECONDS);
        LOG.info("TURN server on port {} closed", port);
    }
}
