package dev.meshwire.peer.topic;

import dev.meshwire.coordinator.PgCluster;

/** {@link TopicDaemonTest} with the coordinator on PostgreSQL (a throwaway cluster). */
class PostgresTopicDaemonTest extends TopicDaemonTest {
    @Override
    String dbUrl() {
        return PgCluster.freshDatabase("topics");
    }
}
