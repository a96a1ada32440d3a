package dev.meshwire.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * logback's start-up configuration for every meshwire process (registered in
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}): warnings and errors on stderr.
 * Configured in code rather than logback.xml so that a one-shot CLI call does not pay for XML parsing, and so that
 * no logback.xml on a class path can change it behind our back. Long-running commands reconfigure with
 * {@link LogSetup}.
 */
public final class QuietLogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        LogSetup.configure(ctx, "warn", LogSetup::stderr, false);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
