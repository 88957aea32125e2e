package dev.switchboard.admin;

/** One rejected input field of a management request, listed in a 422 problem's {@code errors}. */
public record FieldError(String field, String message) {
}
