package dev.switchboard.auth.rest;

/** OIDC roles of the management API. */
public final class Roles {
    /** Reads and writes. */
    public static final String ADMIN = "switchboard-admin";
    /** Reads only. */
    public static final String VIEWER = "switchboard-viewer";

    private Roles() {
    }
}
