package dev.switchboard.catalog.api;

/**
 * Something that still points at an object being deleted or renamed.
 *
 * @param kind pool_member | cluster_member | route
 * @param id id of the referencing row
 * @param owner name of the pool or cluster holding the member, or the route pattern
 * @param detail what exactly is referenced
 */
public record Reference(String kind, long id, String owner, String detail) {
}
