package dev.switchboard.auth.service;

/** One rejected input field of a management request, as listed in problem+json {@code errors}. */
public record FieldError(String field, String reason) {
}
