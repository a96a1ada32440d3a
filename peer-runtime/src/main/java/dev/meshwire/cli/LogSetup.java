package dev.meshwire.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.meshwire.peer.home.MeshwireHome;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The one place that configures logging (logback behind slf4j). Every process starts quiet — warnings and errors
 * on stderr ({@link QuietLogConfigurator}) — so one-shot verbs print only their own output. A long-running command
 * (the daemon, the coordinator, the TURN server) calls {@link #toStderr} or {@link #toFile} from its own
 * {@code call()}: the level is a property of the command, never of how {@code Main} reads the arguments.
 *
 * <p>{@code java.util.logging} (ice4j, used by the TURN code) goes through the same logger: the bridge is installed
 * when logback starts, with a {@link LevelChangePropagator} so disabled JUL levels cost nothing.
 *
 * <p>Files rotate by size: {@code FILE} is renamed {@code FILE.1} (and {@code FILE.1} to {@code FILE.2} ...) once it
 * passes the size limit (checked once a second), and only the newest {@code keep} rotated files are kept.
 */
public final class LogSetup {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} [%thread] %-5level %logger{36} - %msg%n";
    /** The largest window logback's fixed-window rotation supports. */
    public static final int MAX_KEEP = 20;
    /** How often the file's size is compared with the limit. */
    static final long CHECK_EVERY_MS = 1000;

    private LogSetup() {}

    /** Warnings and errors to stderr: the state every process starts in. */
    public static void quiet() {
        LoggerContext ctx = context();
        configure(ctx, "warn", LogSetup::stderr, false);
    }

    /** {@code dev.meshwire} at {@code level} (other libraries stay at warn), to stderr: a foreground server under a terminal or systemd. */
    public static void toStderr(String level) {
        configure(context(), level, LogSetup::stderr, true);
    }

    /**
     * {@code dev.meshwire} at {@code level} (other libraries at warn) appended to {@code file} (created 0600), which is
     * rotated when it passes {@code maxBytes}, keeping {@code keep} old files (1..{@value #MAX_KEEP}).
     */
    public static void toFile(String level, Path file, long maxBytes, int keep) {
        if (keep < 1 || keep > MAX_KEEP) throw new IllegalArgumentException("keep must be 1.." + MAX_KEEP + " (got " + keep + ")");
        MeshwireHome.touchPrivate(file);
        configure(context(), level, ctx -> rolling(ctx, file, maxBytes, keep), true);
    }

    private static RollingFileAppender<ILoggingEvent> rolling(LoggerContext ctx, Path file, long maxBytes, int keep) {
        RollingFileAppender<ILoggingEvent> app = new PrivateRollingFileAppender();
        app.setContext(ctx);
        app.setName("file");
        app.setFile(file.toString());
        app.setAppend(true);
        FixedWindowRollingPolicy roll = new FixedWindowRollingPolicy();
        roll.setContext(ctx);
        roll.setParent(app);
        roll.setFileNamePattern(file + ".%i");
        roll.setMinIndex(1);
        roll.setMaxIndex(keep);
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(ctx);
        trigger.setMaxFileSize(new FileSize(maxBytes));
        // logback looks at the size at most once a minute by default; a chatty minute could overshoot the limit a lot
        trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(CHECK_EVERY_MS));
        app.setRollingPolicy(roll);
        app.setTriggeringPolicy(trigger);
        app.setEncoder(encoder(ctx));
        roll.start();
        trigger.start();
        return app;
    }

    /**
     * Sets up {@code ctx} from scratch: root at warn to the appender {@code make} builds, {@code dev.meshwire} at
     * {@code level}; with {@code jul}, java.util.logging is bridged (the quiet start-up skips that: one-shot verbs load
     * no JUL user, and it costs start-up time).
     */
    static void configure(LoggerContext ctx, String level, java.util.function.Function<LoggerContext, ? extends OutputStreamAppender<ILoggingEvent>> make,
                          boolean jul) {
        ctx.reset();
        if (jul) {
            LevelChangePropagator p = new LevelChangePropagator();
            p.setContext(ctx);
            p.setResetJUL(true);
            p.start();
            ctx.addListener(p);
        }
        OutputStreamAppender<ILoggingEvent> appender = make.apply(ctx);
        appender.start();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(appender);
        ctx.getLogger("dev.meshwire").setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
        if (jul) installJulBridge();
    }

    /** Routes java.util.logging records into slf4j (once per process). */
    static synchronized void installJulBridge() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    static ConsoleAppender<ILoggingEvent> stderr(LoggerContext ctx) {
        ConsoleAppender<ILoggingEvent> c = new ConsoleAppender<>();
        c.setContext(ctx);
        c.setName("stderr");
        c.setTarget("System.err");
        c.setEncoder(encoder(ctx));
        return c;
    }

    /** Creates each new log file 0600 before logback opens it (logback would create it with the umask's mode). */
    private static final class PrivateRollingFileAppender extends RollingFileAppender<ILoggingEvent> {
        @Override
        public void openFile(String fileName) throws java.io.IOException {
            MeshwireHome.touchPrivate(Path.of(fileName));
            super.openFile(fileName);
        }
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(PATTERN);
        e.start();
        return e;
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
