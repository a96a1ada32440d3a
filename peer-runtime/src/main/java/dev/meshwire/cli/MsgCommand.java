package dev.meshwire.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code meshwire msg status ID}: where one sent message is on its way (outbox row and copies). */
@Command(name = "msg", description = "Sent messages.", subcommands = {MsgCommand.Status.class})
final class MsgCommand extends CommandGroup {

    @Command(name = "status", description = "Delivery state of a sent message (by client message id).")
    static final class Status extends ReplyVerb {
        @Parameters(paramLabel = "ID", description = "the client message id that 'send' printed") String id;

        @Override
        public Integer call() {
            return reply(daemon().message(id), r -> out().print(Render.messageStatus(r, style())));
        }
    }
}
