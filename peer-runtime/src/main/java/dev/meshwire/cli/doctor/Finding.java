package dev.meshwire.cli.doctor;

/**
 * One result of {@code meshwire doctor}.
 *
 * @param check  what was checked, e.g. {@code java}, {@code coordinator team}
 * @param status OK, WARN (works, but something is degraded) or FAIL (something does not work; doctor exits non-zero)
 * @param detail what was found, one line
 * @param fix    what to do about a WARN or FAIL, one line (null for OK)
 */
public record Finding(String check, Status status, String detail, String fix) {
    public enum Status { OK, WARN, FAIL }

    public static Finding ok(String check, String detail) {
        return new Finding(check, Status.OK, detail, null);
    }

    public static Finding warn(String check, String detail, String fix) {
        return new Finding(check, Status.WARN, detail, fix);
    }

    public static Finding fail(String check, String detail, String fix) {
        return new Finding(check, Status.FAIL, detail, fix);
    }
}
