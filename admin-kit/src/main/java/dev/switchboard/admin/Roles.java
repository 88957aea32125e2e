package dev.switchboard.admin;

/** OIDC realm roles of the management APIs (claim path {@code OIDC_ROLES_CLAIM}). */
public final class Roles {
    /** Reads and writes. */
    public static final String ADMIN = "switchboard-admin";
    /** Reads only. */
    public static final String VIEWER = "switchboard-viewer";

    private Roles() {
    }
}
