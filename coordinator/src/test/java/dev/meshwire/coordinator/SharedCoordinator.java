package dev.meshwire.coordinator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the test classes that share one default {@link CoordinatorFixture} across their tests. */
abstract class SharedCoordinator {
    static CoordinatorFixture fx;

    @BeforeAll
    static void startCoordinator() throws Exception {
        fx = new CoordinatorFixture();
    }

    @AfterAll
    static void stopCoordinator() throws Exception {
        fx.close();
    }
}
