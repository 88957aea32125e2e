package dev.switchboard.console.api;

/**
 * What a management API answered, passed to the browser unchanged, or the console's own problem when
 * the API could not be reached.
 *
 * @param down the API did not answer (refused, timed out): the page shows a banner instead of an inline error
 */
public record ApiAnswer(int status, String contentType, byte[] body, boolean down) {
}
