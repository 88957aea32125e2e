package dev.switchboard.auth.request;

/** Violation messages built from library text, which must not be read as message templates. */
final class Messages {

    private Messages() {
    }

    /** The text as a template that interpolates to itself: no {@code {…}} parameter, no {@code ${…}} expression. */
    static String literal(String text) {
        return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
    }
}
