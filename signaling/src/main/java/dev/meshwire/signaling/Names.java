package dev.meshwire.signaling;

import java.util.regex.Pattern;

/** Validation of human-chosen names (mesh names, display names); both appear in signed strings. */
public final class Names {
    private static final Pattern MESH = Pattern.compile("^[a-z0-9][a-z0-9-]{1,31}$");
    private static final Pattern DISPLAY = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$");

    private Names() {}

    /** @return null if valid, else a one-line explanation */
    public static String checkMeshName(String name) {
        if (name != null && MESH.matcher(name).matches()) return null;
        return "mesh name must be 2-32 characters of a-z, 0-9 and '-', starting with a letter or digit";
    }

    /** @return null if valid, else a one-line explanation */
    public static String checkDisplayName(String name) {
        if (name != null && DISPLAY.matcher(name).matches()) return null;
        return "display name must be 1-32 characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit";
    }
}
