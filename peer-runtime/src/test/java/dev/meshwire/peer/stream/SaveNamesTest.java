package dev.meshwire.peer.stream;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A name offered by another machine can only ever become one plain, visible file name inside the save directory, and a
 * finished file never replaces an existing one (real files on disk).
 */
class SaveNamesTest {
    @TempDir
    Path dir;

    @Test
    void offeredNamesAreReducedToOnePlainFileName() {
        assertEquals("passwd", SaveNames.sanitize("../../etc/passwd"));
        assertEquals("evil.exe", SaveNames.sanitize("C:\\Windows\\evil.exe"));
        assertEquals("bashrc", SaveNames.sanitize(".bashrc"));
        assertEquals("file", SaveNames.sanitize(".."));
        assertEquals("file", SaveNames.sanitize(""));
        assertEquals("file", SaveNames.sanitize(null));
        assertEquals("a_b_c", SaveNames.sanitize("a\u0000b\nc"));
        assertEquals("x_y", SaveNames.sanitize("x:y"));
        assertEquals("résumé 2026.pdf", SaveNames.sanitize("résumé 2026.pdf"));
        Path partial = SaveNames.partial(dir, "00112233445566778899aabbccddeeff", "../../x.bin");
        assertEquals(dir, partial.getParent(), "the partial file is in the save directory");
        assertTrue(partial.getFileName().toString().startsWith("."), "hidden while incomplete");
    }

    @Test
    void nothingIsOverwritten() throws Exception {
        Files.writeString(dir.resolve("report.pdf"), "mine");
        Files.writeString(dir.resolve("report (1).pdf"), "mine too");
        Path p1 = Files.writeString(dir.resolve(".p1.meshwire-part"), "new");
        Path saved = SaveNames.moveToFree(p1, dir, "report.pdf");
        assertEquals(dir.resolve("report (2).pdf"), saved);
        assertEquals("mine", Files.readString(dir.resolve("report.pdf")));
        assertEquals("mine too", Files.readString(dir.resolve("report (1).pdf")));
        assertEquals("new", Files.readString(saved));
        assertFalse(Files.exists(p1), "the partial file is gone");
        Path p2 = Files.writeString(dir.resolve(".p2.meshwire-part"), "plain");
        assertEquals(dir.resolve("README"), SaveNames.moveToFree(p2, dir, "README"));
    }
}
