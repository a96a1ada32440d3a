package dev.meshwire.nattest.matrix;

/**
 * Which TURN server a matrix run hands out to the daemons ({@code --turn}). The cells are the same for both TURN
 * servers (same ids, same physics), so a meshwire run and a coturn run compare cell by cell.
 */
public enum TurnChoice {
    /** meshwire's own TURN server, embedded in the coordinator (its default): STUN and TURN on one port. */
    MESHWIRE("meshwire", ""),
    /** coturn ({@code turnserver}) next to the coordinator, which hands it out with {@code --turn-url}. */
    COTURN("coturn", "-coturn"),
    /** No TURN at all: the coordinator's STUN only, so a pair without a direct path ends on the coordinator relay. */
    NONE("none", "-noturn");

    private final String label;
    private final String reportSuffix;

    TurnChoice(String label, String reportSuffix) {
        this.label = label;
        this.reportSuffix = reportSuffix;
    }

    /** The {@code --turn} value. */
    public String label() {
        return label;
    }

    /** Appended to the report name ({@code matrix-full}{@code -coturn}...), so each variant keeps its own files. */
    public String reportSuffix() {
        return reportSuffix;
    }

    /** Whether a TURN server runs, i.e. the matrix has "STUN + TURN" cells. */
    public boolean relays() {
        return this != NONE;
    }

    /** One line for the reports. */
    public String describe() {
        return switch (this) {
            case MESHWIRE -> "meshwire's own TURN server, embedded in the coordinator (`--turn meshwire`)";
            case COTURN -> "coturn next to the coordinator (`--turn coturn`)";
            case NONE -> "none: the coordinator's STUN only (`--turn none`)";
        };
    }

    /** The choice named {@code value}, or null when there is none of that name. */
    static TurnChoice parse(String value) {
        for (TurnChoice c : values()) if (c.label.equals(value)) return c;
        return null;
    }
}
