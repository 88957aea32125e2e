package dev.switchboard.catalog.api;

import java.util.List;

/** One page of a list, in stable id order. */
public record Page<T>(List<T> items, int page, int size, long total) {
}
