package dev.meshwire.peer.topic;

/** {@link TopicDaemonTest} with the coordinator on SQLite. */
class SqliteTopicDaemonTest extends TopicDaemonTest {
    @Override
    String dbUrl() {
        return null;
    }
}
