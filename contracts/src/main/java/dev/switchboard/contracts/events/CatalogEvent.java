package dev.switchboard.contracts.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Published on {@code sb:catalog:events} after each catalog publish. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CatalogEvent(long version) {
}
