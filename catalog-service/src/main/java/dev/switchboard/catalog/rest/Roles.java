package dev.switchboard.catalog.rest;

/** OIDC roles of the management API (realm roles, claim set by {@code OIDC_ROLES_CLAIM}). */
public final class Roles {
    /** Read and write. */
    public static final String ADMIN = "switchboard-admin";
    /** Read only. */
    public static final String VIEWER = "switchboard-viewer";

    private Roles() {
    }
}
