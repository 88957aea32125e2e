package dev.switchboard.contracts;

/** Schema numbers ({@code v}) of the documents in Redis. A reader ignores fields it does not know. */
public final class Schema {
    public static final int AUTH = 1;
    public static final int CATALOG = 1;
    public static final int EVENT = 1;

    private Schema() {
    }
}
