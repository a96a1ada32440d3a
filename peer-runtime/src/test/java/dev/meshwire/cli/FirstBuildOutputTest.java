package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./meshwire} launcher's first build prints nothing but its own lines on a terminal: Maven's console library
 * writes a reset code (ESC[0m) when it starts and stops even under {@code -B}. The test takes the Maven invocation out
 * of the script itself and runs it on a pseudo-terminal ({@code script}) against an empty project, so it checks what
 * the script does (a full build inside a test would take minutes); and shows the bare invocation does print the codes,
 * so the check can fail.
 */
class FirstBuildOutputTest {
    private static final Path LAUNCHER = Path.of("..", "meshwire");
    private static final Pattern MVN = Pattern.compile("\\(cd \"\\$here\" && (?:MAVEN_OPTS=\"([^\"]*)\" )?mvn ([^)]*?) -DskipTests package\\)");

    @TempDir
    Path tmp;

    @Test
    void theLaunchersMavenInvocationPrintsNoEscapeCodesOnATerminal() throws Exception {
        Matcher m = MVN.matcher(Files.readString(LAUNCHER, StandardCharsets.UTF_8));
        assertTrue(m.find(), "the launcher's mvn line changed; update this test");
        assertTrue(m.group(1) != null, "the launcher sets MAVEN_OPTS for the build");
        Files.writeString(tmp.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
                <groupId>t</groupId><artifactId>t</artifactId><version>1</version><packaging>pom</packaging></project>
                """);
        String opts = m.group(1).replace("${MAVEN_OPTS:-}", "").trim(); // the user's own MAVEN_OPTS is empty here
        String asLaunched = onATerminal("mvn " + m.group(2) + " -o validate", opts);
        assertFalse(asLaunched.contains("\u001b"), "escape codes: " + asLaunched.replace("\u001b", "ESC"));
        String bare = onATerminal("mvn " + m.group(2) + " -o validate", null);
        assertTrue(bare.contains("\u001b[0m"), "without the launcher's MAVEN_OPTS Maven prints reset codes (else this test proves nothing): "
                + bare.replace("\u001b", "ESC"));
    }

    private String onATerminal(String command, String mavenOpts) throws Exception {
        Path out = tmp.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(List.of("script", "-qec", command, "/dev/null")).directory(tmp.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("MAVEN_OPTS");
        if (mavenOpts != null) pb.environment().put("MAVEN_OPTS", mavenOpts);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "mvn did not finish: " + command);
        assertEquals(0, p.exitValue(), command + ": " + Files.readString(out));
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
