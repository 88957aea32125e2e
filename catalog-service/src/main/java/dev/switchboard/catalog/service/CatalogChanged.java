package dev.switchboard.catalog.service;

/**
 * Fired inside every catalog write transaction; {@link PublishService} observes it after a
 * successful commit and schedules a publish.
 *
 * @param what short description for logs, e.g. "pool 12 updated"
 */
public record CatalogChanged(String what) {
}
