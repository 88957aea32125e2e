package dev.switchboard.admin;

import java.util.List;

/** One page of a list in stable id order, with the total over all pages. */
public record Page<T>(List<T> items, int page, int size, long total) {
}
